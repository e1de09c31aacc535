package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/drill-dev/drill/scenarios"
)

func init() { register(newListCmd) }

// listEntry is one built-in scenario as drill list prints it.
type listEntry struct {
	Name        string         `json:"name" yaml:"name"`
	Description string         `json:"description" yaml:"description"`
	Stack       string         `json:"stack,omitempty" yaml:"stack,omitempty"`
	Sizes       []listSize     `json:"sizes" yaml:"sizes"`
	Targets     map[string]any `json:"targets,omitempty" yaml:"targets,omitempty"`
	Expect      string         `json:"expect,omitempty" yaml:"expect,omitempty"`
	Error       string         `json:"error,omitempty" yaml:"error,omitempty"`

	targets string // for the table
}

type listSize struct {
	Name   string            `json:"name" yaml:"name"`
	Sites  int               `json:"sites" yaml:"sites"`
	Params map[string]string `json:"params" yaml:"params"`
}

func newListCmd(st *state) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "list [FILE|NAME...]",
		Short: "List the built-in scenarios, or the scenarios named",
		Long: `list prints the built-in scenarios: name, sizes (with their site counts), targets and a
one-line description. Given scenario files (or built-in names), it lists those the same way.
A scenario that does not load is listed with its first error, and the exit code is 2.`,
		Example: `  drill list
  drill list ./my-scenario.yaml
  drill list -o json | jq '.[].name'
  drill list -o yaml`,
		ValidArgsFunction: completeBuiltins,
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != "table" && output != "json" && output != "yaml" {
				return withCode(exitUsage, fmt.Errorf("-o %q: want table, json or yaml", output))
			}
			what := "scenario"
			if len(args) == 0 {
				args, what = scenarios.Builtins(nil, "Scenario"), "built-in scenario"
			}
			entries, bad := listScenarios(st, args)
			var err error
			switch output {
			case "json":
				enc := json.NewEncoder(st.Stdout)
				enc.SetIndent("", "  ")
				err = enc.Encode(entries)
			case "yaml":
				enc := yaml.NewEncoder(st.Stdout)
				enc.SetIndent(2)
				err = enc.Encode(entries)
			default:
				writeListTable(st, entries)
			}
			if err != nil {
				return fmt.Errorf("list: %w", err)
			}
			if bad > 0 {
				verb := "do not load"
				if bad == 1 {
					verb = "does not load"
				}
				return withCode(exitUsage, fmt.Errorf("%s %s (drill validate NAME shows why)", countNoun(bad, what, what+"s"), verb))
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: table, json or yaml")
	return cmd
}

// listScenarios loads each scenario (a built-in name or a file) into its entry.
func listScenarios(st *state, names []string) ([]listEntry, int) {
	entries := []listEntry{}
	bad := 0
	for _, name := range names {
		sc, err := scenarios.Load(name, scenarios.WithEnv(lookupEnv(st)))
		if err != nil {
			bad++
			first := strings.SplitN(err.Error(), "\n", 2)[0]
			entries = append(entries, listEntry{Name: name, Sizes: []listSize{}, Error: first})
			continue
		}
		e := listEntry{Name: sc.Name, Description: sc.Description, Stack: sc.StackRef, Sizes: []listSize{},
			Targets: targetMap(sc.Targets), targets: sc.Targets.For("").String()}
		for _, sz := range sc.Sizes {
			e.Sizes = append(e.Sizes, listSize{Name: sz.Name, Sites: sz.Sites, Params: sz.Params})
		}
		if sc.Expect != nil {
			e.Expect = sc.Expect.Verdict
			if len(sc.Expect.Breaches) > 0 {
				e.Expect += ": " + strings.Join(sc.Expect.Breaches, ", ")
			}
		}
		entries = append(entries, e)
	}
	return entries, bad
}

// targetMap writes targets with their YAML keys; durations in drill's syntax.
func targetMap(t scenarios.Targets) map[string]any {
	m := map[string]any{}
	ms := map[string]string{}
	for _, v := range t.List() {
		switch {
		case strings.HasPrefix(v.Name, "milestone:"):
			ms[strings.TrimPrefix(v.Name, "milestone:")] = v.Format()
		case v.Duration != nil:
			m[v.Name] = v.Format()
		default:
			m[v.Name] = *v.Count
		}
	}
	if len(ms) > 0 {
		m["milestones"] = ms
	}
	if len(t.Sizes) > 0 {
		sz := map[string]any{}
		for k, v := range t.Sizes {
			sz[k] = targetMap(*v)
		}
		m["sizes"] = sz
	}
	return m
}

func writeListTable(st *state, entries []listEntry) {
	tw := table.NewWriter()
	tw.SetOutputMirror(st.Stdout)
	tw.SetStyle(table.StyleLight)
	tw.AppendHeader(table.Row{"name", "sizes (sites)", "targets", "description"})
	for _, e := range entries {
		var sizes []string
		for _, s := range e.Sizes {
			sizes = append(sizes, fmt.Sprintf("%s %d", s.Name, s.Sites))
		}
		desc := oneLine(e.Description, 70)
		targets := ""
		if e.Error != "" {
			desc = "invalid: " + oneLine(e.Error, 70)
		} else {
			targets = wrapList(e.targets, 40)
			if e.Expect != "" {
				targets += "\nexpect " + e.Expect
			}
		}
		tw.AppendRow(table.Row{e.Name, strings.Join(sizes, "\n"), targets, desc})
	}
	tw.Render()
}

// oneLine returns the first sentence of s on one line, at most n runes.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if i := strings.Index(s, ". "); i > 0 {
		s = s[:i+1]
	}
	if r := []rune(s); len(r) > n {
		s = string(r[:n-1]) + "…"
	}
	return s
}

// wrapList breaks a comma-separated list into lines of about n characters.
func wrapList(s string, n int) string {
	var lines []string
	line := ""
	for _, part := range strings.Split(s, ", ") {
		if line != "" && len(line)+len(part)+2 > n {
			lines = append(lines, line+",")
			line = ""
		}
		if line != "" {
			line += ", "
		}
		line += part
	}
	return strings.Join(append(lines, line), "\n")
}
