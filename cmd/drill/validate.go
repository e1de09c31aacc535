package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/drill-dev/drill/scenarios"
)

func init() { register(newValidateCmd) }

func newValidateCmd(st *state) *cobra.Command {
	var builtin, unattended bool
	cmd := &cobra.Command{
		Use:   "validate FILE|NAME...",
		Short: "Check scenario and stack files without running anything",
		Long: `validate loads each scenario or stack file (a path, or the name of a built-in) strictly, with
its stack, and reports every problem at once as file:line:col: field.path: message.

A manual step without simulate is valid for a run on a terminal but refused by an unattended
one (no terminal, or CI): validate warns about it, and with --unattended counts it invalid.

A value quoted by hand in SQL ('{{.Site}}') is valid but breaks on a quote in the value:
validate warns about it and names sqlquote, which quotes for the connection's driver.

A per-site exec probe (health or fingerprint without its batch form) costs a docker exec per
site per poll round: validate notes each one on stderr, with the count at the largest size.

Exit codes: 0 all valid, 2 one or more invalid or unreadable. Errors and notes go to stderr;
one "ok" line per valid file goes to stdout.`,
		Example: `  drill validate atlassian-2022
  drill validate my-scenario.yaml stacks/cloudsuite/stack.yaml
  drill validate --builtin`,
		ValidArgsFunction: completeBuiltins,
		RunE: func(cmd *cobra.Command, args []string) error {
			if builtin {
				args = append(args, scenarios.Builtins(nil, "Scenario")...)
				args = append(args, scenarios.Builtins(nil, "Stack")...)
			}
			if len(args) == 0 {
				return withCode(exitUsage, errors.New("validate: name at least one file or built-in (or give --builtin)"))
			}
			bad := 0
			for _, a := range args {
				doc, err := scenarios.LoadDocument(a, scenarios.WithEnv(lookupEnv(st)))
				if err != nil {
					bad++
					fmt.Fprintln(st.Stderr, err)
					continue
				}
				for _, w := range doc.Warnings {
					fmt.Fprintf(st.Stderr, "warning: %v\n", w)
				}
				if doc.Scenario != nil {
					if err := doc.Scenario.CheckUnattended(); err != nil && unattended {
						bad++
						fmt.Fprintln(st.Stderr, err)
						continue
					} else if err != nil {
						fmt.Fprintf(st.Stderr, "warning: an unattended run (no terminal, or CI) refuses %s:\n%v\n", a, err)
					}
				}
				for _, n := range probeCosts(doc) {
					fmt.Fprintf(st.Stderr, "note: %s: %s\n", a, n)
				}
				fmt.Fprintf(st.Stdout, "ok  %s  %s\n", a, summary(doc))
			}
			if bad > 0 {
				fmt.Fprintf(st.Stderr, "drill: %d of %d invalid\n", bad, len(args))
				return withCode(exitUsage, nil)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&builtin, "builtin", false, "validate every built-in scenario and stack")
	cmd.Flags().BoolVar(&unattended, "unattended", false, "count a manual step without simulate invalid (as an unattended run does)")
	return cmd
}

// probeCosts notes the probes of a document's stack that cost a docker exec per site per poll
// round (at the scenario's largest size).
func probeCosts(doc *scenarios.Document) []string {
	if doc.Scenario != nil {
		return doc.Scenario.Stack.ProbeCosts(doc.Scenario.MaxSites())
	}
	return doc.Stack.ProbeCosts(0)
}

// summary describes a valid document in one line.
func summary(doc *scenarios.Document) string {
	if s := doc.Scenario; s != nil {
		return fmt.Sprintf("(Scenario %s on stack %s; sizes %s)", s.Name, s.Stack.Name, strings.Join(s.SizeNames(), ", "))
	}
	s := doc.Stack
	return fmt.Sprintf("(Stack %s; %d services, %d products, %d actions)", s.Name, len(s.Services), len(s.Products), len(s.Actions))
}

// lookupEnv adapts the state's Getenv to the loader; an empty value counts as unset.
func lookupEnv(st *state) func(string) (string, bool) {
	return func(k string) (string, bool) {
		if st.Getenv == nil {
			return "", false
		}
		v := st.Getenv(k)
		return v, v != ""
	}
}

// completeBuiltins completes built-in names and, by default, files.
func completeBuiltins(_ *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
	names := append(scenarios.Builtins(nil, "Scenario"), scenarios.Builtins(nil, "Stack")...)
	return names, cobra.ShellCompDirectiveDefault
}
