package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/drill-dev/drill/result"
	"github.com/drill-dev/drill/scenarios"
)

func init() { register(newSchemaCmd) }

// schemaKinds maps drill schema's argument to the schema it prints.
var schemaKinds = map[string]func() ([]byte, error){
	"scenario": func() ([]byte, error) { return scenarios.JSONSchema("Scenario") },
	"stack":    func() ([]byte, error) { return scenarios.JSONSchema("Stack") },
	"result":   result.Schema,
	"campaign": result.CampaignSchema,
}

func newSchemaCmd(st *state) *cobra.Command {
	return &cobra.Command{
		Use:   "schema [scenario|stack|result|campaign]",
		Short: "Print the JSON Schema of scenario, stack or result files",
		Long: `schema prints a JSON Schema (draft 2020-12): of scenario files (the default) or stack files,
for editor autocompletion of the YAML keys, or of drill's JSON results. Copies are committed
under schema/ in the repository.

With the YAML language server (VS Code, Neovim, …), put this first line in a scenario file:
  # yaml-language-server: $schema=path/to/scenario.json`,
		Example: `  drill schema > scenario.json
  drill schema stack > stack.json
  drill schema result | jq .properties.verdict`,
		ValidArgs: []string{"scenario", "stack", "result", "campaign"},
		Args:      cobra.MatchAll(cobra.MaximumNArgs(1), cobra.OnlyValidArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			kind := "scenario"
			if len(args) == 1 {
				kind = args[0]
			}
			b, err := schemaKinds[kind]()
			if err != nil {
				return fmt.Errorf("schema %s: %w", kind, err)
			}
			_, err = fmt.Fprintf(st.Stdout, "%s\n", b)
			return err
		},
	}
}
