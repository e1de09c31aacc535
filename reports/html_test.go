package reports

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/drill-dev/drill/reports/history"
	"github.com/drill-dev/drill/result"
)

func TestHTMLIsSelfContained(t *testing.T) {
	for name, rep := range goldenReports(t) {
		var buf bytes.Buffer
		if err := WriteHTML(&buf, rep); err != nil {
			t.Fatal(err)
		}
		h := buf.String()
		for _, bad := range []string{"<script", "<link", "<img", "<iframe", "@import", "url(", ` style="`, "javascript:"} {
			if strings.Contains(h, bad) {
				t.Errorf("%s: HTML contains %q", name, bad)
			}
		}
		for _, m := range regexp.MustCompile(`(?:src|href)="([^"#][^"]*)"`).FindAllStringSubmatch(h, -1) {
			t.Errorf("%s: HTML refers to %s", name, m[1])
		}
		// Every chart has a title, a description and a table behind it.
		charts := strings.Count(h, "<figure")
		if charts == 0 || strings.Count(h, "<desc>") < charts || strings.Count(h, `<table class="data">`) != charts {
			t.Errorf("%s: %d charts, %d descriptions, %d data tables", name, charts, strings.Count(h, "<desc>"), strings.Count(h, `<table class="data">`))
		}
	}
}

func TestHTMLFirstScreenOrder(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, Single(fixture(t, "fail-medium"))); err != nil {
		t.Fatal(err)
	}
	h := buf.String()
	order := []string{"FAIL", "the runbook failed: restore-sites[site-031]", "RTO", "not recovered", "Sites meeting targets", "6 of 10", "180 lost · 0 collateral", "<h3>Breaches</h3>", "Timeline"}
	at := 0
	for _, s := range order {
		i := strings.Index(h[at:], s)
		if i < 0 {
			t.Fatalf("%q missing, or not after %q", s, h[:min(at, 80)])
		}
		at += i
	}
	if !strings.Contains(h, "3 of 10 sites were restored after the 5m target.") || !strings.Contains(h, "restore-sites ran one site at a time") {
		t.Error("findings in plain words are missing")
	}
}

func TestHTMLEscapesScenarioText(t *testing.T) {
	r := fixture(t, "pass-small")
	r.Run.Description = `<script>alert("x")</script>`
	r.Sites[0].ID = `"><img src=x onerror=alert(1)>`
	r.Sites[0].Affected = true
	r.Timeline[0].Name = `</svg><script>bad()</script>`
	var buf bytes.Buffer
	if err := WriteHTML(&buf, Single(r)); err != nil {
		t.Fatal(err)
	}
	h := buf.String()
	if strings.Contains(h, "<script") || strings.Contains(h, "<img") {
		t.Error("scenario text reached the page unescaped")
	}
	if !strings.Contains(h, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
		t.Error("description not shown escaped")
	}
}

func TestSecretsNeverAppear(t *testing.T) {
	const secret = "hunter2-db-password"
	r := fixture(t, "fail-medium")
	r.Run.Repro.Command = "PGPASSWORD=" + secret + " drill run atlassian-2022"
	r.Timeline[len(r.Timeline)-1].Output = "psql: password " + secret + " rejected"
	r.Errors = []string{"connect postgres://drill:" + secret + "@db/x: refused"}
	r.Findings = append(r.Findings, "saw "+secret)
	rep := Single(r)
	for ext, write := range map[string]func(*bytes.Buffer) error{
		"html":     func(b *bytes.Buffer) error { return WriteHTML(b, rep, WithRedact(secret)) },
		"junit":    func(b *bytes.Buffer) error { return WriteJUnit(b, rep, WithRedact(secret)) },
		"markdown": func(b *bytes.Buffer) error { return WriteMarkdown(b, rep, WithRedact(secret)) },
		"json":     func(b *bytes.Buffer) error { return WriteJSON(b, rep, WithRedact(secret)) },
	} {
		var buf bytes.Buffer
		if err := write(&buf); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(buf.String(), secret) {
			t.Errorf("%s report shows the secret", ext)
		}
	}
	if r.Run.Repro.Command != "PGPASSWORD="+secret+" drill run atlassian-2022" {
		t.Error("redaction changed the caller's result")
	}
	// The fixtures themselves carry only redacted values.
	files, _ := filepath.Glob(filepath.Join("..", "result", "testdata", "*.json"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if regexp.MustCompile(`PGPASSWORD=[^*]|://[^:/]+:[^*@]+@`).Match(b) {
			t.Errorf("%s holds an unredacted credential", f)
		}
	}
}

func TestHTMLShowsHistoryOfTheSameDrill(t *testing.T) {
	r := fixture(t, "pass-small")
	rto := 52.0
	rows := []history.Row{
		{RunID: r.Run.ID, Scenario: r.Run.Scenario, Size: "small", Started: r.Run.Started, Verdict: result.Pass, RTOSeconds: r.Metrics.RTOSeconds, SitesAffected: 2, SitesRecovered: 2},
		{RunID: "older-run", Scenario: r.Run.Scenario, Size: "small", Started: r.Run.Started.Add(-24 * 3600e9), Verdict: result.Fail, RTOSeconds: &rto, SitesAffected: 2, SitesRecovered: 2},
		{RunID: "other-size", Scenario: r.Run.Scenario, Size: "large", Started: r.Run.Started, Verdict: result.Pass},
	}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, Single(r), WithHistory(rows)); err != nil {
		t.Fatal(err)
	}
	h := buf.String()
	if !strings.Contains(h, "Last runs of atlassian-2022[small]") || !strings.Contains(h, "older-run") || !strings.Contains(h, "this run") || strings.Contains(h, "other-size") {
		t.Error("history table should list this drill's runs and no other size's")
	}
}
