package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// commands holds the constructors of the subcommands; each command's file registers itself.
var commands []func(*state) *cobra.Command

// register adds a subcommand constructor. Call it from an init function in the command's file.
func register(f func(*state) *cobra.Command) { commands = append(commands, f) }

// newRootCmd builds the whole command tree for one process state.
func newRootCmd(st *state) *cobra.Command {
	root := &cobra.Command{
		Use:   "drill",
		Short: "Disaster-recovery drills: measure how fast a stack comes back and what it loses",
		Long: `drill brings up a containerised multi-product stack from YAML, injects deletions and
other faults, runs the recovery runbook, and scores the RTO and RPO it measured against
targets, in reports for CI jobs, engineers and managers.

Exit codes: 0 pass, 1 fail, 2 invalid input or usage, 3 inconclusive, 130 interrupted.`,
		Example: `  drill list
  drill validate atlassian-2022
  drill run atlassian-2022 --size small
  drill report out/*/result.json -r html=campaign.html`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(st.Stdout)
	root.SetErr(st.Stderr)
	for _, f := range commands {
		root.AddCommand(f(st))
	}
	return root
}

// execute runs the command line args and returns the process exit code.
func execute(st *state, args []string) int {
	root := newRootCmd(st)
	root.SetArgs(args)
	err := root.Execute()
	if err != nil {
		if msg := err.Error(); msg != "" && !isSilent(err) {
			fmt.Fprintln(st.Stderr, "drill:", msg)
		}
	}
	return codeOf(err)
}

// isSilent reports whether err's message was already printed by the command.
func isSilent(err error) bool {
	ee, ok := err.(*exitError)
	return ok && ee.err == nil
}
