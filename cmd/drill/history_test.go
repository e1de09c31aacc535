package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHistoryImportTrendAndReport(t *testing.T) {
	env := map[string]string{"XDG_DATA_HOME": t.TempDir()}
	files, _ := filepath.Glob(fixtures + "*.json")
	for range 2 { // importing twice replaces, it does not duplicate
		code, out, errs := drillIn(env, append([]string{"history", "import"}, files...)...)
		if code != 0 || !strings.Contains(out, "recorded 8 drills in "+filepath.Join(env["XDG_DATA_HOME"], "drill", "history.db")) {
			t.Fatalf("import: exit %d\n%s%s", code, out, errs)
		}
	}
	code, out, _ := drillIn(env, "history", "atlassian-2022", "--size", "small")
	if code != 0 || strings.Count(out, "atlassian-2022[small]") != 2 {
		t.Fatalf("trend: exit %d\n%s", code, out)
	}
	if strings.Index(out, "20260302T170000Z") > strings.Index(out, "20260302T090000Z") {
		t.Errorf("trend is not newest first:\n%s", out)
	}
	code, out, _ = drillIn(env, "history")
	if code != 0 || strings.Count(out, "| 2026-03-02") != 8 || !strings.Contains(out, "pitr-whole-db[small]") {
		t.Errorf("whole history: exit %d\n%s", code, out)
	}
	// drill report finds the default store and shows the last runs of the same drill.
	dir := t.TempDir()
	code, _, errs := drillIn(env, "report", fixtures+"pass-small.json", "-r", "html="+filepath.Join(dir, "r.html"))
	html, _ := os.ReadFile(filepath.Join(dir, "r.html"))
	if code != 0 || !strings.Contains(string(html), "Last runs of atlassian-2022[small]") {
		t.Errorf("report with history: exit %d %s", code, errs)
	}
}

func TestHistoryNeedsAStore(t *testing.T) {
	code, _, errs := drillIn(nil, "history", "--history", "none")
	if code != exitUsage || !strings.Contains(errs, "needs a store") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	code, _, errs = drillIn(map[string]string{}, "history")
	if code != exitUsage || !strings.Contains(errs, "XDG_DATA_HOME") {
		t.Errorf("no HOME: exit %d, stderr %q", code, errs)
	}
}
