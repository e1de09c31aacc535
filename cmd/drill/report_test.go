package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const fixtures = "../../result/testdata/"

// drillIn runs drill in memory with env and returns its exit code, stdout and stderr.
func drillIn(env map[string]string, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	st := &state{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }}
	code := execute(st, args)
	return code, out.String(), errb.String()
}

func TestReportMergesSizesIntoACampaign(t *testing.T) {
	dir := t.TempDir()
	o := func(n string) string { return filepath.Join(dir, n) }
	code, out, errs := drillIn(nil, "report",
		fixtures+"campaign-small.json", fixtures+"campaign-large.json", fixtures+"campaign-medium.json",
		"--project-to", "883", "--projected-rto", "6h", "--history", "none",
		"-r", "html="+o("c.html")+",junit="+o("c.xml")+",markdown="+o("c.md")+",json="+o("c.json"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.HasPrefix(out, "PASS atlassian-2022 campaign") || !strings.Contains(out, "html report: "+o("c.html")) {
		t.Errorf("stdout:\n%s", out)
	}
	junit, _ := os.ReadFile(o("c.xml"))
	if !strings.Contains(string(junit), `name="atlassian-2022[campaign] projected-rto"`) {
		t.Error("JUnit lacks the projection testcase")
	}
	html, _ := os.ReadFile(o("c.html"))
	if !strings.Contains(string(html), "RTO against sites affected") {
		t.Error("HTML lacks the scaling chart")
	}
	// The campaign JSON merges again into the same campaign.
	code, out, _ = drillIn(nil, "report", o("c.json"), "--project-to", "883", "--history", "none", "-r", "markdown=-")
	if code != 0 || !strings.HasPrefix(out, "### ✅ PASS atlassian-2022 campaign") {
		t.Errorf("re-render of the campaign JSON: exit %d\n%s", code, out)
	}
}

func TestReportRejectsBadInputWithExit2(t *testing.T) {
	for _, args := range [][]string{
		{"report", fixtures + "pass-small.json", "-r", "pdf=x.pdf"},
		{"report", "no-such-result.json"},
		{"report", fixtures + "pass-small.json", "--project-to", "883", "--projected-rto", "six hours"},
		{"report"},
	} {
		code, _, errs := drillIn(nil, args...)
		if code != exitUsage || errs == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 with a message", args, code, errs)
		}
	}
}

func TestReportRedactsNamedEnvValues(t *testing.T) {
	raw, err := os.ReadFile(fixtures + "fail-medium.json")
	if err != nil {
		t.Fatal(err)
	}
	leaked := strings.Replace(string(raw), "PGPASSWORD=***", "PGPASSWORD=s3cret-value", 1)
	in := filepath.Join(t.TempDir(), "result.json")
	if err := os.WriteFile(in, []byte(leaked), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"PGPASSWORD": "s3cret-value"}
	code, out, errs := drillIn(env, "report", in, "--redact-env", "PGPASSWORD", "--history", "none", "-r", "html=-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if strings.Contains(out, "s3cret-value") || !strings.Contains(out, "PGPASSWORD=***") {
		t.Error("the secret reached the HTML report")
	}
}
