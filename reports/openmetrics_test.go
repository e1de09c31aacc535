package reports

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/drill-dev/drill/result"
)

func TestOpenMetricsGolden(t *testing.T) {
	for name, rep := range goldenReports(t) {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteOpenMetrics(&buf, rep); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "golden", name+".prom")
			if *update {
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

func TestOpenMetricsValues(t *testing.T) {
	rto, rpo := 42.5, 1.25
	pass := result.Result{
		Run:        result.Run{Scenario: `we"ird\name`, Size: "small", Started: time.Unix(1700000000, 500e6)},
		Verdict:    result.Pass,
		Metrics:    result.Metrics{RTOSeconds: &rto, RPOSeconds: &rpo, LostWrites: 3, CollateralLostWrites: 7, SitesAffected: 2, SitesRecovered: 2, SitesTotal: 8},
		Objectives: []result.Objective{{Name: "rto", Met: true}, {Name: "lost-writes", Met: false}},
	}
	unrecovered := result.Result{
		Run:     result.Run{Scenario: "s", Size: "large", Shard: "2/5"},
		Verdict: result.Fail,
		Metrics: result.Metrics{SitesAffected: 3, SitesRecovered: 1, Milestones: map[string]*float64{"notified": nil}},
	}
	broken := result.Result{Run: result.Run{Scenario: "s", Size: "medium"}, Verdict: result.Inconclusive}
	var buf bytes.Buffer
	if err := WriteOpenMetrics(&buf, Report{Drills: []result.Result{pass, unrecovered, broken}}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		`drill_rto_seconds{scenario="we\"ird\\name",size="small",verdict="pass"} 42.5` + "\n",
		`drill_rpo_seconds{scenario="we\"ird\\name",size="small",verdict="pass"} 1.25` + "\n",
		`drill_lost_writes{scenario="we\"ird\\name",size="small",verdict="pass"} 3` + "\n",
		`drill_collateral_lost_writes{scenario="we\"ird\\name",size="small",verdict="pass"} 7` + "\n",
		`drill_start_timestamp_seconds{scenario="we\"ird\\name",size="small",verdict="pass"} 1700000000.5` + "\n",
		`drill_objective_met{scenario="we\"ird\\name",size="small",verdict="pass",objective="lost-writes"} 0` + "\n",
		`drill_succeeded{scenario="we\"ird\\name",size="small",verdict="pass"} 1` + "\n",
		`drill_rto_seconds{scenario="s",size="large",verdict="fail",shard="2/5"} +Inf` + "\n",
		`drill_milestone_seconds{scenario="s",size="large",verdict="fail",shard="2/5",milestone="notified"} +Inf` + "\n",
		`drill_succeeded{scenario="s",size="medium",verdict="inconclusive"} 0` + "\n",
		"# UNIT drill_rto_seconds seconds\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	for _, absent := range []string{
		`drill_lost_writes{scenario="s",size="medium"`, // an inconclusive drill measured no counts
		`drill_rto_seconds{scenario="s",size="medium"`,
		`drill_rpo_seconds{scenario="s",size="large"`, // not measured: no sample, not zero
	} {
		if strings.Contains(out, absent) {
			t.Errorf("%q should have no sample", absent)
		}
	}
	if !strings.HasSuffix(out, "\n# EOF\n") {
		t.Errorf("output does not end with # EOF")
	}
}

// TestOpenMetricsParses reads every golden report back with the reference OpenMetrics parser of
// the Prometheus Python client (Debian's python3-prometheus-client; scripts/deps test installs it).
func TestOpenMetricsParses(t *testing.T) {
	py := ""
	for _, cand := range []string{"/usr/bin/python3", "python3"} { // Debian's first: a PATH one may lack the package
		if exec.Command(cand, "-c", "import prometheus_client.openmetrics.parser").Run() == nil {
			py = cand
			break
		}
	}
	if py == "" {
		t.Skip("python3-prometheus-client not installed")
	}
	const check = `import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
n = 0
for f in text_string_to_metric_families(sys.stdin.read()):
    for s in f.samples:
        n += 1
print(n)
`
	for name, rep := range goldenReports(t) {
		var buf bytes.Buffer
		if err := WriteOpenMetrics(&buf, rep); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(py, "-c", check)
		cmd.Stdin = &buf
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("%s: the OpenMetrics parser refused it: %v\n%s", name, err, out)
			continue
		}
		if strings.TrimSpace(string(out)) == "0" {
			t.Errorf("%s: parsed no samples", name)
		}
	}
}
