package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/drill-dev/drill/reports"
	"github.com/drill-dev/drill/result"
)

// writeReports writes a drill's reports into its output directory and appends the Markdown
// summary to $GITHUB_STEP_SUMMARY when that is set. Failures are reported, not fatal: the
// result is already on disk.
func writeReports(st *state, res *result.Result, dir string, f runFlags) {
	rep := reports.Single(*res)
	write := func(name string, fn func(*os.File) error) {
		path := filepath.Join(dir, name)
		file, err := os.Create(path)
		if err == nil {
			err = fn(file)
			if cerr := file.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintf(st.Stderr, "drill: write %s: %v\n", path, err)
		}
	}
	write("junit.xml", func(w *os.File) error { return reports.WriteJUnit(w, rep) })
	write("summary.md", func(w *os.File) error { return reports.WriteMarkdown(w, rep) })
	if err := reports.AppendStepSummary(st.Getenv, rep); err != nil {
		fmt.Fprintln(st.Stderr, "drill: step summary:", err)
	}
}
