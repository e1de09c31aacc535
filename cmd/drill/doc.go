// Command drill is the CLI of drill: run, validate, list, report, history, gc, doctor, images,
// schema, version. The library packages do the work; each subcommand is one file here that
// registers itself, and all process-global state (stdout, env, signals) comes in a state value
// so that commands run in memory in tests.
package main
