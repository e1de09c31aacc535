package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func init() { register(newVersionCmd) }

func newVersionCmd(st *state) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print drill's version",
		Long: `version prints drill's version (set at build time with
-ldflags "-X main.buildVersion=v1.2.3", else the module version, else "dev"), the commit it was
built from when known, and the Go version and platform.`,
		Example: `  drill version`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(st.Stdout, "drill %s", drillVersion())
			if rev := vcsRevision(); rev != "" {
				fmt.Fprintf(st.Stdout, " (commit %s)", rev)
			}
			fmt.Fprintf(st.Stdout, " %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		},
	}
}

// vcsRevision is the commit the binary was built from, shortened, with "+dirty" for a
// modified tree; empty when unknown (go test, go run).
func vcsRevision() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev == "" {
		return ""
	}
	return rev + dirty
}
