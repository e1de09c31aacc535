package history

import (
	"testing"
	"time"

	"github.com/drill-dev/drill/result"
)

func TestRegressions(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	f := func(v float64) *float64 { return &v }
	past := func(rtos ...float64) []Row {
		var rows []Row
		for i, v := range rtos { // newest first, an hour apart
			rows = append(rows, Row{RunID: "old" + string(rune('a'+i)), Scenario: "s", Size: "small",
				Started: t0.Add(-time.Duration(i+1) * time.Hour), Verdict: result.Pass, RTOSeconds: f(v), RPOSeconds: f(1)})
		}
		return rows
	}
	drill := func(rto *float64, rpo float64) result.Result {
		return result.Result{Run: result.Run{ID: "now", Scenario: "s", Size: "small", Started: t0}, Verdict: result.Pass,
			Metrics: result.Metrics{RTOSeconds: rto, RPOSeconds: f(rpo), SitesAffected: 2, SitesRecovered: 2,
				Resolution: result.Resolution{ProbeIntervalSeconds: 0.5, CanaryIntervalSeconds: 0.25}}}
	}
	// The median of the last 5 of 40, 42, 38, 41, 39, 100 (the 6th is too old) is 40; the
	// threshold is 40 + max(8, 0.5) = 48.
	rows := past(40, 42, 38, 41, 39, 100)
	for name, tc := range map[string]struct {
		d    result.Result
		rows []Row
		want []string // metric names
	}{
		"within 20%":           {drill(f(48), 1), rows, nil},
		"just past 20%":        {drill(f(48.01), 1), rows, []string{"rto"}},
		"not recovered":        {func() result.Result { d := drill(nil, 1); d.Metrics.SitesRecovered = 1; return d }(), rows, []string{"rto"}},
		"rpo by one interval":  {drill(f(40), 1.26), rows, []string{"rpo"}}, // 1 + max(0.2, 0.25)
		"rpo within interval":  {drill(f(40), 1.24), rows, nil},
		"too few earlier runs": {drill(f(400), 1), rows[:2], nil},
		"later runs ignored": {drill(f(48.01), 1), append(past(40, 42), Row{RunID: "later", Scenario: "s", Size: "small",
			Started: t0.Add(time.Hour), Verdict: result.Pass, RTOSeconds: f(1)}), nil},
		"inconclusive runs ignored": {drill(f(60), 1), append(past(40, 42), Row{RunID: "x", Scenario: "s", Size: "small",
			Started: t0.Add(-time.Minute), Verdict: result.Inconclusive, RTOSeconds: f(1)}), nil},
	} {
		t.Run(name, func(t *testing.T) {
			got := Regressions(tc.d, tc.rows)
			var names []string
			for _, g := range got {
				names = append(names, g.Metric)
			}
			if len(names) != len(tc.want) || (len(names) > 0 && names[0] != tc.want[0]) {
				t.Fatalf("regressions %v (%+v), want %v", names, got, tc.want)
			}
		})
	}
	g := Regressions(drill(f(60), 1), rows)
	if len(g) != 1 || g[0].Median != 40 || g[0].Runs != 5 || g[0].Threshold != 48 {
		t.Errorf("got %+v, want median 40 over 5 runs, threshold 48", g)
	}
}
