package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/drill-dev/drill/reports"
	"github.com/drill-dev/drill/reports/history"
)

func init() { register(newHistoryCmd) }

func newHistoryCmd(st *state) *cobra.Command {
	var (
		path  string
		size  string
		limit int
	)
	cmd := &cobra.Command{
		Use:   "history [SCENARIO]",
		Short: "Print the trend of past drills from the history store",
		Long: `History prints the last drills recorded in the history store, newest first: verdict, RTO,
RPO, sites recovered and lost writes. drill run records every finished drill there (unless
--history none); drill history import rebuilds the store from result files, for example CI
artifacts. The store is $XDG_DATA_HOME/drill/history.db (~/.local/share/drill/history.db when
XDG_DATA_HOME is unset).`,
		Example: `  drill history
  drill history atlassian-2022 --size large --limit 5
  drill history --history ci-history.db atlassian-2022`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			scenario := ""
			if len(args) == 1 {
				scenario = args[0]
			}
			store, err := openHistory(cmd.Context(), st, path)
			if err != nil {
				return err
			}
			defer store.Close()
			rows, err := store.Trend(cmd.Context(), scenario, size, limit)
			if err != nil {
				return err
			}
			if len(rows) == 0 {
				fmt.Fprintln(st.Stdout, "no drills recorded yet; drill run records them, drill history import adds result files")
				return nil
			}
			return reports.WriteTrend(st.Stdout, rows)
		},
	}
	cmd.PersistentFlags().StringVar(&path, "history", "", "history store path (default $XDG_DATA_HOME/drill/history.db)")
	cmd.Flags().StringVar(&size, "size", "", "only this size")
	cmd.Flags().IntVar(&limit, "limit", 20, "at most this many runs")
	cmd.AddCommand(newHistoryImportCmd(st, &path))
	return cmd
}

func newHistoryImportCmd(st *state, path *string) *cobra.Command {
	return &cobra.Command{
		Use:   "import RESULT.json...",
		Short: "Record result files in the history store",
		Long: `Import records each drill of the given result, campaign or merged report files in the history
store. A run already recorded (same run ID) is replaced, so importing twice is harmless.`,
		Example: `  drill history import out/*/result.json
  drill history import --history ci-history.db artifacts/**/result.json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			results, err := reports.LoadFiles(args...)
			if err != nil {
				return withCode(exitUsage, err)
			}
			store, err := openHistory(cmd.Context(), st, *path)
			if err != nil {
				return err
			}
			defer store.Close()
			n, err := store.Import(cmd.Context(), results)
			if err != nil {
				return err
			}
			fmt.Fprintf(st.Stdout, "recorded %d drills in %s\n", n, store.Path())
			return nil
		},
	}
}

// openHistory opens the store named by a --history flag value; none is a usage error here.
func openHistory(ctx context.Context, st *state, flag string) (*history.Store, error) {
	path, on, err := history.Resolve(flag, st.Getenv)
	if err != nil {
		return nil, withCode(exitUsage, err)
	}
	if !on {
		return nil, withCode(exitUsage, fmt.Errorf("--history none: this command needs a store"))
	}
	return history.Open(ctx, path)
}
