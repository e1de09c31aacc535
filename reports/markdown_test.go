package reports

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMarkdownAndTextShareTheObjectivesTable(t *testing.T) {
	rep := Single(fixture(t, "fail-medium"))
	var md, txt bytes.Buffer
	if err := WriteMarkdown(&md, rep); err != nil {
		t.Fatal(err)
	}
	if err := WriteText(&txt, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(md.String(), "### ❌ FAIL atlassian-2022[medium]: the runbook failed: restore-sites[site-031]") {
		t.Errorf("markdown verdict line: %q", strings.SplitN(md.String(), "\n", 2)[0])
	}
	for _, s := range []string{"| BREACH | RTO | 5m | an affected site did not recover | — |", "| ok | RPO | 1m | 1s | 59s to spare |"} {
		if !strings.Contains(md.String(), s) {
			t.Errorf("markdown lacks row %q", s)
		}
	}
	if !strings.Contains(txt.String(), "BREACH") || !strings.Contains(txt.String(), "an affected site did not recover") {
		t.Errorf("text summary lacks the objectives:\n%s", txt.String())
	}
}

func TestStepSummaryAppendsWhenSet(t *testing.T) {
	rep := Single(fixture(t, "pass-small"))
	if err := AppendStepSummary(func(string) string { return "" }, rep); err != nil {
		t.Fatalf("unset GITHUB_STEP_SUMMARY must do nothing: %v", err)
	}
	path := filepath.Join(t.TempDir(), "summary.md")
	if err := os.WriteFile(path, []byte("earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := func(k string) string {
		if k == "GITHUB_STEP_SUMMARY" {
			return path
		}
		return ""
	}
	for range 2 {
		if err := AppendStepSummary(env, rep); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(b), "earlier step\n") || strings.Count(string(b), "✅ PASS atlassian-2022[small]") != 2 {
		t.Errorf("summary file:\n%s", b)
	}
}
