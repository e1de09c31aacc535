package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func init() { register(newCompletionCmd) }

func newCompletionCmd(st *state) *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print a shell completion script",
		Long: `completion prints the completion script of a shell. Built-in scenario and stack names
complete wherever a file is accepted.`,
		Example: `  source <(drill completion bash)
  drill completion zsh > "${fpath[1]}/_drill"
  drill completion fish > ~/.config/fish/completions/drill.fish`,
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		Args:      cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			root := cmd.Root()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(st.Stdout, true)
			case "zsh":
				return root.GenZshCompletion(st.Stdout)
			case "fish":
				return root.GenFishCompletion(st.Stdout, true)
			case "powershell":
				return root.GenPowerShellCompletionWithDesc(st.Stdout)
			}
			return withCode(exitUsage, fmt.Errorf("unknown shell %q", args[0]))
		},
	}
}
