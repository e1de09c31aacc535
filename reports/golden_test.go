package reports

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/drill-dev/drill/result"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

func fixture(t testing.TB, name string) result.Result {
	t.Helper()
	rs, err := LoadFiles(filepath.Join("..", "result", "testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return rs[0]
}

// campaignReport is the 3-size campaign projected to the outage's 883 sites against 6h.
func campaignReport(t testing.TB) Report {
	t.Helper()
	six := 6 * 3600.0
	rep, err := Merge([]result.Result{fixture(t, "campaign-large"), fixture(t, "campaign-small"), fixture(t, "campaign-medium")},
		result.Projection{SitesAffected: 883, TargetSeconds: &six})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func goldenReports(t testing.TB) map[string]Report {
	out := map[string]Report{"campaign": campaignReport(t)}
	for _, n := range []string{"pass-small", "fail-medium", "negative-control", "inconclusive"} {
		out[n] = Single(fixture(t, n))
	}
	return out
}

var writers = map[string]func(*bytes.Buffer, Report) error{
	".html": func(b *bytes.Buffer, r Report) error { return WriteHTML(b, r) },
	".xml":  func(b *bytes.Buffer, r Report) error { return WriteJUnit(b, r) },
	".md":   func(b *bytes.Buffer, r Report) error { return WriteMarkdown(b, r) },
}

func TestGolden(t *testing.T) {
	for name, rep := range goldenReports(t) {
		for ext, write := range writers {
			t.Run(name+ext, func(t *testing.T) {
				var buf bytes.Buffer
				if err := write(&buf, rep); err != nil {
					t.Fatal(err)
				}
				path := filepath.Join("testdata", "golden", name+ext)
				if *update {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./reports -update)", err)
				}
				if !bytes.Equal(buf.Bytes(), want) {
					t.Errorf("%s differs from its golden file; run go test ./reports -update and review the diff", path)
				}
			})
		}
	}
}

func TestJUnitValidatesAgainstXSD(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint not installed")
	}
	for name, rep := range goldenReports(t) {
		var buf bytes.Buffer
		if err := WriteJUnit(&buf, rep); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), name+".xml")
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(xmllint, "--noout", "--schema", filepath.Join("testdata", "junit-10.xsd"), path).CombinedOutput()
		if err != nil {
			t.Errorf("%s: not valid against junit-10.xsd: %v\n%s", name, err, out)
		}
	}
}

func TestJUnitVerdicts(t *testing.T) {
	for _, c := range []struct {
		fixture                  string
		failures, errors, skips  int
		mustContain, mustNotHave []string
	}{
		{"pass-small", 0, 0, 0, []string{`name="atlassian-2022[small] rto"`, `<property name="rto_seconds" value="40.46">`}, []string{"<failure"}},
		{"fail-medium", 5, 0, 0, []string{
			`message="rto: measured an affected site did not recover, target 5m (—)"`,
			`message="integrity-mismatches: measured 2, target 0 (2 over)"`,
			`<property name="rto_seconds" value="null">`,
		}, nil},
		{"negative-control", 0, 0, 0, []string{"expected breach caught: collateral-lost-writes: measured 3900, target 0", `name="pitr-whole-db[small] expect"`}, []string{"<failure"}},
		{"inconclusive", 0, 1, 7, []string{`<error type="inconclusive" message="inconclusive: service wiki never became ready`}, []string{"<failure"}},
	} {
		var buf bytes.Buffer
		if err := WriteJUnit(&buf, Single(fixture(t, c.fixture))); err != nil {
			t.Fatal(err)
		}
		x := buf.String()
		for _, want := range append(c.mustContain, attr("failures", c.failures), attr("errors", c.errors), attr("skipped", c.skips)) {
			if !strings.Contains(x, want) {
				t.Errorf("%s: JUnit lacks %s", c.fixture, want)
			}
		}
		for _, bad := range c.mustNotHave {
			if strings.Contains(x, bad) {
				t.Errorf("%s: JUnit has %s", c.fixture, bad)
			}
		}
	}
}

func attr(name string, n int) string { return name + `="` + num(float64(n)) + `"` }

func TestNegativeControlThatMissesItsBreachFails(t *testing.T) {
	r := fixture(t, "negative-control")
	r.Expected = false
	for i := range r.Objectives {
		if r.Objectives[i].Name == "collateral-lost-writes" {
			r.Objectives[i].Met, r.Objectives[i].Actual = true, new(float64)
			zero := 0.0
			r.Objectives[i].Margin = &zero
		}
	}
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, Single(r)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `type="not-caught"`) || !strings.Contains(buf.String(), `type="negative-control"`) {
		t.Errorf("a negative control that caught nothing must fail:\n%s", buf.String())
	}
}
