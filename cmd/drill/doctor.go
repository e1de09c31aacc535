package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/drill-dev/drill/harness/docker"
	"github.com/drill-dev/drill/harness/launch"
)

func init() { register(newDoctorCmd) }

// referenceImages are the images of the built-in cloudsuite stack.
var referenceImages = []string{"drill/postgres:15", "drill/cloudsuite:dev"}

func newDoctorCmd(st *state) *cobra.Command {
	var images []string
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check that a drill can run here: Docker, images, free disk, testcontainers settings",
		Long: `Doctor runs the checks a drill runs before it creates anything: the Docker engine answers
(and its version), each image is present locally (drill never pulls), there is enough free disk
for Docker, and the two testcontainers settings drill depends on are in force
(TESTCONTAINERS_RYUK_DISABLED=true; TESTCONTAINERS_HOST_OVERRIDE=localhost for a local engine —
drill sets both itself unless you did).

It exits 0 when a drill can start, 3 when something blocks it (each FAIL line says what to do).`,
		Example: `  drill doctor
  drill doctor --image drill/postgres:15 --image my/app:dev`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			var rep docker.Report
			eng, err := connect(ctx, st, "doctor")
			var settings *launch.SettingsError
			switch {
			case errors.As(err, &settings):
				return withCode(exitInconclusive, err)
			case err != nil:
				rep.Checks = append([]docker.Check{{Name: "docker", Status: docker.Fail, Detail: err.Error()}},
					docker.SettingsChecks(os.Getenv)...)
			default:
				defer eng.Close()
				rep = docker.Preflight(ctx, eng.Docker, images)
			}
			writeReport(st.Stdout, rep)
			if n := len(rep.Failures()); n > 0 {
				verb := "block"
				if n == 1 {
					verb = "blocks"
				}
				fmt.Fprintf(st.Stderr, "drill doctor: %s %s a drill\n", countNoun(n, "problem", "problems"), verb)
				return withCode(exitInconclusive, nil)
			}
			fmt.Fprintln(st.Stdout, "ready to drill")
			return nil
		},
	}
	cmd.Flags().StringSliceVar(&images, "image", referenceImages, "an image a drill needs (repeat, or separate with commas)")
	return cmd
}

// writeReport prints one aligned line per check: status, name, detail.
func writeReport(w io.Writer, rep docker.Report) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range rep.Checks {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", c.Status, c.Name, c.Detail)
	}
	_ = tw.Flush()
}

// countNoun writes n with the singular or plural noun: "1 volume", "3 volumes".
func countNoun(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
