package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/drill-dev/drill/harness/docker"
	"github.com/drill-dev/drill/harness/kube"
	"github.com/drill-dev/drill/harness/launch"
	"github.com/drill-dev/drill/harness/runtime"
	"github.com/drill-dev/drill/scenarios"
)

func init() { register(newDoctorCmd) }

// referenceImages are the images of the built-in cloudsuite stack.
var referenceImages = []string{"drill/postgres:15", "drill/cloudsuite:dev"}

func newDoctorCmd(st *state) *cobra.Command {
	var images []string
	var rf runtimeFlags
	var printRBAC bool
	cmd := &cobra.Command{
		Use:   "doctor [SCENARIO|STACK...]",
		Short: "Check that a drill can run here: Docker (or a Kubernetes cluster), images, free disk, settings",
		Long: `Doctor runs the checks a drill runs before it creates anything: the Docker engine answers
(and its version), each image is present locally (drill never pulls), there is enough free disk
for Docker, and the two testcontainers settings drill depends on are in force
(TESTCONTAINERS_RYUK_DISABLED=true; TESTCONTAINERS_HOST_OVERRIDE=localhost for a local engine —
drill sets both itself unless you did).

Given scenarios or stacks (built-in names or files), it checks their images instead of the
reference stack's: each service's image present, or, for a service with build:, buildable from
that folder (a Dockerfile there: a drill builds it first), and each run: step's image present.

With --runtime kube it checks a Kubernetes cluster instead: the API server answers (and its
version), the user may do everything drill does (each permission asked of the API server; the
missing ones are listed, and docs/kubernetes-rbac.yaml grants them all), a default StorageClass
exists for the drill's volumes, a node is Ready, and each image is on a node (an image on no
node is a warning: the cluster may pull it). --print-rbac prints that ClusterRole and its
binding for a cluster admin to apply, and checks nothing.

It exits 0 when a drill can start, 3 when something blocks it (each FAIL line says what to do).`,
		Example: `  drill doctor
  drill doctor maria-tenant-purge
  drill doctor ./my-scenario.yaml
  drill doctor --image drill/postgres:15 --image my/app:dev
  drill doctor --runtime kube --kubeconfig /var/tmp/drill-kube/admin.kubeconfig
  drill doctor --print-rbac > drill-rbac.yaml`,
		ValidArgsFunction: completeBuiltins,
		RunE: func(cmd *cobra.Command, args []string) error {
			if printRBAC {
				fmt.Fprint(st.Stdout, kube.RBAC())
				return nil
			}
			ctx := cmd.Context()
			var needs []imageNeed
			if len(args) > 0 {
				var err error
				if needs, err = docImages(st, args); err != nil {
					return withCode(exitUsage, err)
				}
				if !cmd.Flags().Changed("image") {
					images = nil
				}
				for _, n := range needs {
					if n.build == "" || rf.kube() {
						images = append(images, n.ref)
					}
				}
			}
			var rep runtime.Report
			eng, err := connect(ctx, st, "doctor", rf)
			var settings *launch.SettingsError
			switch {
			case errors.As(err, &settings):
				return withCode(exitInconclusive, err)
			case err != nil && rf.kube():
				rep.Checks = []runtime.Check{{Name: "kubernetes", Status: runtime.Fail, Detail: err.Error()}}
			case err != nil:
				rep.Checks = append([]runtime.Check{{Name: "docker", Status: runtime.Fail, Detail: err.Error()}},
					docker.SettingsChecks(os.Getenv)...)
			case eng.Kube != nil:
				defer eng.Close()
				rep = kube.Doctor(ctx, eng.Kube, images)
			default:
				defer eng.Close()
				rep = docker.Preflight(ctx, eng.Docker, images)
				rep.Checks = withBuildChecks(ctx, eng.Docker, rep.Checks, needs)
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
	cmd.Flags().BoolVar(&printRBAC, "print-rbac", false, "print the ClusterRole and binding drill needs on Kubernetes ("+kube.RBACFile+"), check nothing")
	addRuntimeFlags(cmd, st, &rf)
	return cmd
}

// imageNeed is an image a drill needs: present, or built from Build when absent.
type imageNeed struct {
	ref, build string
}

// docImages loads scenarios or stacks and lists the images they need, each once, in the order
// of the services (dependencies first) and then of the run: steps.
func docImages(st *state, args []string) ([]imageNeed, error) {
	var needs []imageNeed
	seen := map[string]bool{}
	add := func(n imageNeed) {
		if !seen[n.ref] {
			seen[n.ref] = true
			needs = append(needs, n)
		}
	}
	for _, a := range args {
		doc, err := scenarios.LoadDocument(a, scenarios.WithEnv(lookupEnv(st)))
		if err != nil {
			return nil, err
		}
		stack, steps := doc.Stack, []*scenarios.Step(nil)
		if sc := doc.Scenario; sc != nil {
			stack = sc.Stack
			steps = slices.Concat(sc.Protect, sc.Inject, sc.Recover)
		}
		for _, name := range stack.Order {
			svc := stack.Services[name]
			add(imageNeed{ref: svc.Image, build: svc.Build})
		}
		steps = slices.Concat(steps, stack.Protect)
		for _, name := range slices.Sorted(maps.Keys(stack.Actions)) {
			steps = append(steps, stack.Actions[name].Steps...)
		}
		for _, s := range steps {
			if s.Run != nil {
				add(imageNeed{ref: s.Run.Image})
			}
		}
	}
	return needs, nil
}

// withBuildChecks adds the checks of the images a drill builds when absent after the other
// image checks.
func withBuildChecks(ctx context.Context, rt *docker.Runtime, checks []runtime.Check, needs []imageNeed) []runtime.Check {
	var builds []runtime.Check
	for _, n := range needs {
		if n.build != "" {
			builds = append(builds, docker.BuildCheck(ctx, rt, n.ref, n.build))
		}
	}
	at := slices.IndexFunc(checks, func(c runtime.Check) bool { return c.Name == "disk" })
	if at < 0 {
		at = len(checks)
	}
	return slices.Insert(checks, at, builds...)
}

// writeReport prints one aligned line per check: status, name, detail.
func writeReport(w io.Writer, rep runtime.Report) {
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
