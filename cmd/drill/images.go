package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/spf13/cobra"
)

func init() { register(newImagesCmd) }

// imagesScript is the reference stack's image build, relative to the repository root.
const imagesScript = "stacks/cloudsuite/images.sh"

// imageScripts are the image builds of the catalogue, in order: the reference stack's first
// (drill/postgres:15, which pg-tenants uses too), then every other stack's images.sh.
func imageScripts(root string) []string {
	out := []string{imagesScript}
	others, _ := filepath.Glob(filepath.Join(root, "stacks", "*", "images.sh"))
	for _, p := range others {
		if rel, err := filepath.Rel(root, p); err == nil && rel != imagesScript {
			out = append(out, rel)
		}
	}
	return out
}

func newImagesCmd(st *state) *cobra.Command {
	var source string
	cmd := &cobra.Command{
		Use:   "images",
		Short: "Build the catalogue's images (drill/postgres:15, drill/cloudsuite:dev, drill/mariadb:10.11)",
		Long: `Images builds the images of the built-in stacks with no registry: PostgreSQL 15 and
MariaDB 10.11 from Debian's packages (rootfs made by mmdebstrap, then docker import) and the
cloudsuite services (FROM scratch plus a static Go binary). It is idempotent: an image is rebuilt
only when its build context changed, so a second run takes seconds.

It builds from a source checkout of drill (the same as make images): run it inside the
repository or name it with --source. It needs Docker, Go and mmdebstrap.`,
		Example: `  drill images
  drill images --source ~/src/drill`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			root, err := findSource(source)
			if err != nil {
				return withCode(exitUsage, err)
			}
			for _, script := range imageScripts(root) {
				c := exec.CommandContext(cmd.Context(), "bash", filepath.Join(root, script))
				c.Dir, c.Stdout, c.Stderr = root, st.Stdout, st.Stderr
				if err := c.Run(); err != nil {
					return withCode(exitInconclusive, fmt.Errorf("images: %s: %w", script, err))
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&source, "source", "", "the drill source checkout (default: the repository around the current directory)")
	return cmd
}

// findSource returns the checkout holding the image script: dir when given, else the current
// directory or the nearest parent that has it.
func findSource(dir string) (string, error) {
	if dir != "" {
		if _, err := os.Stat(filepath.Join(dir, imagesScript)); err != nil {
			return "", fmt.Errorf("--source %s: no %s there", dir, imagesScript)
		}
		return dir, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, imagesScript)); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", errors.New("drill images builds from a source checkout of drill: run it inside the repository, or pass --source DIR")
		}
	}
}
