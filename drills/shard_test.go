package drills

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/drill-dev/drill/harness"
	"github.com/drill-dev/drill/reports"
	"github.com/drill-dev/drill/result"
	"github.com/drill-dev/drill/scenarios"
)

func catalogue(t *testing.T) []harness.Cell {
	t.Helper()
	cells, err := CatalogueCells()
	if err != nil {
		t.Fatal(err)
	}
	if len(cells) < 2 {
		t.Fatalf("catalogue has %d cells, want several", len(cells))
	}
	return cells
}

func names(cells []harness.Cell) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = c.Name()
	}
	return out
}

func TestCatalogueCellsAreDrillRunsOrder(t *testing.T) {
	cells := catalogue(t)
	// drill run NAME... --all-sizes: scenarios in the order given (drill list's, sorted), each
	// scenario's sizes in file order.
	var want []string
	for _, n := range scenarios.Builtins(nil, "Scenario") {
		sc, err := scenarios.Load(n)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sc.SizeNames() {
			want = append(want, n+"["+s+"]")
		}
	}
	if got := names(cells); !slices.Equal(got, want) {
		t.Errorf("cells = %v\nwant %v", got, want)
	}
}

func TestEveryCellLandsInExactlyOneShard(t *testing.T) {
	all := catalogue(t)
	small, err := Select(all, "size:small")
	if err != nil {
		t.Fatal(err)
	}
	for _, cells := range [][]harness.Cell{all, small} {
		for n := 1; n <= len(cells)+2; n++ {
			seen := map[string]int{}
			for k := 1; k <= n; k++ {
				shard, err := ShardOf(cells, fmt.Sprintf("%d/%d", k, n))
				if err != nil {
					t.Fatal(err)
				}
				again, _ := ShardOf(cells, fmt.Sprintf("%d/%d", k, n))
				if !slices.Equal(names(shard), names(again)) {
					t.Errorf("shard %d/%d differs between two computations", k, n)
				}
				// Round robin: shards differ in size by at most one.
				if lo, hi := len(cells)/n, (len(cells)+n-1)/n; len(shard) < lo || len(shard) > hi {
					t.Errorf("shard %d/%d has %d of %d cells, want %d to %d", k, n, len(shard), len(cells), lo, hi)
				}
				for _, c := range shard {
					seen[c.Name()]++
				}
			}
			for _, c := range cells {
				if seen[c.Name()] != 1 {
					t.Errorf("N=%d: %s is in %d shards, want exactly 1", n, c.Name(), seen[c.Name()])
				}
			}
			if len(seen) != len(cells) {
				t.Errorf("N=%d: shards hold %d distinct cells, want %d", n, len(seen), len(cells))
			}
		}
	}
	for _, bad := range []string{"0/3", "4/3", "1/0", "x", "1/3/2"} {
		if _, err := ShardOf(all, bad); err == nil {
			t.Errorf("ShardOf(%q): want an error", bad)
		}
	}
}

func TestLabelsSelectLikeTheMakefile(t *testing.T) {
	cells := catalogue(t)
	scs := len(scenarios.Builtins(nil, "Scenario"))
	count := func(filter string) int {
		t.Helper()
		got, err := Select(cells, filter)
		if err != nil {
			t.Fatal(err)
		}
		return len(got)
	}
	for filter, want := range map[string]int{
		"":                                   len(cells),
		"docker":                             len(cells),
		"size:small":                         scs,
		"!slow":                              scs,
		"slow":                               len(cells) - scs,
		"scenario:atlassian-2022":            3,
		"scenario:atlassian-2022 && !slow":   1,
		"size:small || scenario:soft-delete": scs + 2,
		"compose":                            3,       // pg-compose-tenant-purge at its three sizes
		"size:small && !compose":             scs - 1, // make test's filter
	} {
		if got := count(filter); got != want {
			t.Errorf("label filter %q selects %d cells, want %d", filter, got, want)
		}
	}
	if _, err := Select(cells, "size:small &&"); err == nil {
		t.Error("a malformed filter: want an error")
	}
	l := Labels(cells[1]) // atlassian-2022[medium]
	if want := []string{"scenario:atlassian-2022", "size:medium", "docker", "slow"}; !slices.Equal(l, want) {
		t.Errorf("labels = %v, want %v", l, want)
	}
}

// handMade returns a result per cell, from the campaign fixtures of result/testdata (pass at
// every size, RTO growing with the sites affected), renamed to the cell's scenario; the
// negative control's cells get the negative-control fixture's verdict and objectives.
func handMade(t *testing.T, cells []harness.Cell) []result.Result {
	t.Helper()
	load := func(name string) result.Result {
		b, err := os.ReadFile(filepath.Join("..", "result", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		var r result.Result
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	start := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
	var out []result.Result
	for i, c := range cells {
		fixture := "campaign-" + c.Size + ".json"
		if c.Size == "production" {
			fixture = "campaign-large.json" // a shape, not a figure: the merge is what is tested
		}
		r := load(fixture)
		if c.Scenario.Expect != nil {
			nc := load("negative-control.json")
			r.Verdict, r.Reason, r.Expect, r.Expected, r.Objectives = nc.Verdict, nc.Reason, nc.Expect, nc.Expected, nc.Objectives
		}
		r.Run.Scenario, r.Run.Size, r.Run.ID = c.Scenario.Name, c.Size, fmt.Sprintf("run%02d", i)
		r.Run.Started = start.Add(time.Duration(i) * time.Hour)
		if rto := r.Metrics.RTOSeconds; rto != nil {
			v := *rto + float64(i) // every scenario its own curve
			r.Metrics.RTOSeconds = &v
		}
		out = append(out, r)
	}
	return out
}

func projections(cells []harness.Cell) map[string]result.Projection {
	p := map[string]result.Projection{}
	for _, c := range cells {
		var e entry
		if err := json.Unmarshal([]byte(entryFor(c.Scenario, "x")), &e); err != nil {
			panic(err)
		}
		p[c.Scenario.Name] = result.Projection{SitesAffected: e.ProjectTo, TargetSeconds: e.ProjectedRTO}
	}
	return p
}

func byScenario(rs []result.Result) map[string][]result.Result {
	m := map[string][]result.Result{}
	for _, r := range rs {
		m[r.Run.Scenario] = append(m[r.Run.Scenario], r)
	}
	return m
}

// outcome is what must not depend on sharding: each campaign's verdict, fit, projection and
// objectives, and each drill's verdict and objectives.
func outcome(t *testing.T, rep reports.Report) map[string]any {
	t.Helper()
	out := map[string]any{}
	for _, c := range rep.Campaigns {
		out["campaign "+c.Scenario] = []any{c.Verdict, c.Fit, c.ProjectedRTOSeconds, c.Objectives, len(c.Drills)}
	}
	for _, d := range rep.Drills {
		k := d.Run.Scenario + "[" + d.Run.Size + "]"
		if _, dup := out[k]; dup {
			t.Errorf("%s twice in the report", k)
		}
		out[k] = []any{d.Verdict, d.Expected, d.Objectives}
	}
	return out
}

func TestShardedResultsMergeToTheUnshardedObjectives(t *testing.T) {
	cells := catalogue(t)
	all := handMade(t, cells)
	for i := range all { // campaigns and objectives come from the metrics: lean files keep it quick
		all[i].Sites, all[i].Timeline = nil, nil
	}
	proj := projections(cells)
	whole, err := mergeResults(byScenario(all), proj)
	if err != nil {
		t.Fatal(err)
	}
	want := outcome(t, whole)
	if len(whole.Campaigns) != len(scenarios.Builtins(nil, "Scenario")) {
		t.Fatalf("unsharded: %d campaigns, want one per scenario", len(whole.Campaigns))
	}
	flagship := whole.Campaigns[slices.IndexFunc(whole.Campaigns, func(c result.Campaign) bool { return c.Scenario == "atlassian-2022" })]
	if flagship.ProjectedRTOSeconds == nil || len(flagship.Objectives) != 1 || flagship.Objectives[0].Name != "projected-rto" {
		t.Fatalf("atlassian-2022 campaign: projected %v objectives %+v, want a projected-rto objective", flagship.ProjectedRTOSeconds, flagship.Objectives)
	}

	for _, n := range []int{2, 3, 4, 5, 7, len(cells)} {
		dir := t.TempDir()
		for k := 1; k <= n; k++ {
			spec := fmt.Sprintf("%d/%d", k, n)
			shard, _ := ShardOf(cells, spec)
			for _, c := range shard {
				r := all[slices.IndexFunc(cells, func(x harness.Cell) bool { return x.Name() == c.Name() })]
				r.Run.Shard = spec
				// Each shard's drills as RunCell writes them, in the shard's own artifact folder.
				path := filepath.Join(dir, fmt.Sprintf("shard-%d", k), c.Scenario.Name+"-"+c.Size, "result.json")
				if err := reports.Write(reports.Single(r), reports.Outputs{{Kind: "json", Path: path}}); err != nil {
					t.Fatal(err)
				}
			}
		}
		paths, _ := filepath.Glob(filepath.Join(dir, "shard-*", "*", "result.json"))
		if len(paths) != len(cells) {
			t.Fatalf("N=%d: %d result files, want %d", n, len(paths), len(cells))
		}
		loaded, err := reports.LoadFiles(paths...)
		if err != nil {
			t.Fatal(err)
		}
		merged, err := mergeResults(byScenario(loaded), proj)
		if err != nil {
			t.Fatal(err)
		}
		if got := outcome(t, merged); !reflect.DeepEqual(got, want) {
			t.Errorf("N=%d: merged shards differ from the unsharded set:\n got %v\nwant %v", n, got, want)
		}
		// drill report's own merge (one projection for all) agrees on the flagship.
		rep, err := reports.Merge(loaded, proj["atlassian-2022"])
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range rep.Campaigns {
			if c.Scenario == "atlassian-2022" && !reflect.DeepEqual(c.Objectives, flagship.Objectives) {
				t.Errorf("N=%d: reports.Merge projected-rto %+v, want %+v", n, c.Objectives, flagship.Objectives)
			}
		}
	}
}

// TestWriteReportsFromSpecEntries drives WriteReports as a ReportAfterSuite does, with the
// entries RunCell adds, and reads back drill's JUnit: a testsuite per drill with its metrics as
// properties, and the campaign's projection.
func TestWriteReportsFromSpecEntries(t *testing.T) {
	cells := catalogue(t)
	all := handMade(t, cells)
	dir := t.TempDir()
	t.Setenv("GITHUB_STEP_SUMMARY", filepath.Join(dir, "step-summary.md"))
	var report types.Report
	for i, c := range cells {
		path := filepath.Join(dir, c.Scenario.Name+"-"+c.Size, "result.json")
		if err := reports.Write(reports.Single(all[i]), reports.Outputs{{Kind: "json", Path: path}}); err != nil {
			t.Fatal(err)
		}
		e := types.ReportEntry{Name: entryName, Value: types.WrapEntryValue(entryFor(c.Scenario, path))}
		report.SpecReports = append(report.SpecReports, types.SpecReport{ReportEntries: types.ReportEntries{e}})
	}
	// A spec without a drill (the broken-runbook fixture is Unreported) adds nothing.
	report.SpecReports = append(report.SpecReports, types.SpecReport{})
	if err := WriteReports(report, dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"report.html", "summary.md", "step-summary.md"} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v, want a non-empty file", f, err)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Suites []struct {
			Name  string `xml:"name,attr"`
			Props []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b, &suites); err != nil {
		t.Fatal(err)
	}
	props := map[string]map[string]string{}
	for _, s := range suites.Suites {
		props[s.Name] = map[string]string{}
		for _, p := range s.Props {
			props[s.Name][p.Name] = p.Value
		}
	}
	small := props["atlassian-2022[small]"]
	if small == nil || small["rto_seconds"] != "40.46" || small["rpo_seconds"] != "1" {
		t.Errorf("atlassian-2022[small] properties = %v, want rto_seconds 40.46 and rpo_seconds 1", small)
	}
	if len(props) < len(cells) {
		t.Errorf("junit has %d testsuites, want one per drill (%d) and the campaigns", len(props), len(cells))
	}
	if !strings.Contains(string(b), "projected") {
		t.Error("junit lacks the flagship campaign's projected RTO")
	}

	// A suite that ran no drill (everything skipped under -short) writes nothing.
	empty := t.TempDir()
	if err := WriteReports(types.Report{SpecReports: types.SpecReports{{}}}, empty); err != nil {
		t.Fatal(err)
	}
	if fs, _ := os.ReadDir(empty); len(fs) != 0 {
		t.Errorf("no drills: wrote %d files, want none", len(fs))
	}
}
