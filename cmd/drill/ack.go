package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/drill-dev/drill/ack"
)

func init() { register(newAckCmd) }

func newAckCmd(st *state) *cobra.Command {
	var fail string
	var failed bool
	cmd := &cobra.Command{
		Use:   "ack [RUN-ID [STEP]]",
		Short: "Answer a manual step of a drill running on this machine",
		Long: `ack answers a manual step that a drill (drill run, on this machine, as this user) is waiting
for: it confirms the step is done, or with --fail REASON fails it (the runbook then fails and
the drill's verdict is fail, with the reason). STEP names the step (its name as the drill
prints it); left out, the step awaited now is answered. With no RUN-ID, ack lists the runs
waiting for answers and their steps.

Exit codes: 0 answered (or listed), 2 no such run, or that step is not awaited now.`,
		Example: `  drill ack
  drill ack 3f9c2a1b
  drill ack 3f9c2a1b 'declare the incident'
  drill ack 3f9c2a1b approve-restore --fail "the sites listed are not the ones deleted"`,
		Args: cobra.MaximumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := context.WithTimeout(cmd.Context(), 15*time.Second)
			defer cancel()
			if len(args) == 0 {
				return listAwaiting(ctx, st)
			}
			req := ack.Request{Op: "ack", Fail: failed, Reason: fail, By: whoami()}
			if len(args) == 2 {
				req.Step = args[1]
			}
			if failed && fail == "" {
				return withCode(exitUsage, errors.New("--fail needs a reason"))
			}
			resp, err := ack.Send(ctx, args[0], req)
			if err != nil {
				return withCode(exitUsage, fmt.Errorf("ack %s: %w", args[0], err))
			}
			if failed {
				fmt.Fprintf(st.Stdout, "failed %q of run %s: %s\n", resp.Step, args[0], fail)
			} else {
				fmt.Fprintf(st.Stdout, "confirmed %q of run %s\n", resp.Step, args[0])
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&fail, "fail", "", "fail the step, with this reason")
	cmd.PreRun = func(cmd *cobra.Command, _ []string) { failed = cmd.Flags().Changed("fail") }
	return cmd
}

// listAwaiting prints each run with a channel and the steps it awaits.
func listAwaiting(ctx context.Context, st *state) error {
	runs := ack.Runs()
	if len(runs) == 0 {
		fmt.Fprintln(st.Stdout, "no drill on this machine is waiting for answers")
		return nil
	}
	for _, id := range runs {
		resp, err := ack.Send(ctx, id, ack.Request{Op: "status"})
		if err != nil {
			continue // a run that ended without removing its channel
		}
		if len(resp.Awaiting) == 0 {
			fmt.Fprintf(st.Stdout, "%s  (no step awaited now)\n", id)
		}
		for _, a := range resp.Awaiting {
			fmt.Fprintf(st.Stdout, "%s  %s  awaited for %s: %s\n", id, shellQuote(a.Step), time.Since(a.Since).Round(time.Second), a.Prompt)
		}
	}
	return nil
}
