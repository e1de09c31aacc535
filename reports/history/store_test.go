package history

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/drill-dev/drill/result"
)

func fixtures(t *testing.T) []result.Result {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("..", "..", "result", "testdata", "*.json"))
	var out []result.Result
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var r result.Result
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func TestRecordImportAndTrend(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "nested", "history.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rs := fixtures(t)
	if n, err := s.Import(ctx, rs); err != nil || n != len(rs) {
		t.Fatalf("import: %d, %v", n, err)
	}
	// Recording a run again replaces it.
	again := rs[0]
	again.Reason = "replaced"
	if err := s.Record(ctx, again); err != nil {
		t.Fatal(err)
	}
	all, err := s.Trend(ctx, "", "", 0)
	if err != nil || len(all) != len(rs) {
		t.Fatalf("trend of everything: %d rows, %v", len(all), err)
	}
	for i := 1; i < len(all); i++ {
		if all[i].Started.After(all[i-1].Started) {
			t.Errorf("not newest first: %v then %v", all[i-1].Started, all[i].Started)
		}
	}
	medium, err := s.Trend(ctx, "atlassian-2022", "medium", 2)
	if err != nil || len(medium) != 2 {
		t.Fatalf("medium: %d rows, %v", len(medium), err)
	}
	if medium[0].Verdict != result.Pass || medium[0].RTOSeconds == nil || *medium[0].RTOSeconds != 88.6 {
		t.Errorf("newest medium run: %+v", medium[0])
	}
	if medium[1].Verdict != result.Inconclusive || medium[1].RTOSeconds != nil {
		t.Errorf("an unmeasured RTO must read back as nil: %+v", medium[1])
	}
	if !medium[0].Started.Equal(time.Date(2026, 3, 2, 18, 0, 0, 0, time.UTC)) {
		t.Errorf("started = %v", medium[0].Started)
	}
	// The file persists across opens.
	s.Close()
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if rows, _ := s2.Trend(ctx, "pitr-whole-db", "", 5); len(rows) != 1 || !rows[0].Expected || rows[0].CollateralLostWrites != 3900 {
		t.Errorf("negative control after reopen: %+v", rows)
	}
}

func TestImportRefusesAResultWithoutRunID(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Import(context.Background(), []result.Result{{}}); err == nil {
		t.Error("want an error for a result without a run id")
	}
}

func TestResolve(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, c := range []struct {
		flag string
		env  map[string]string
		path string
		on   bool
	}{
		{"", map[string]string{"XDG_DATA_HOME": "/x", "HOME": "/h"}, "/x/drill/history.db", true},
		{"", map[string]string{"HOME": "/h"}, "/h/.local/share/drill/history.db", true},
		{"", map[string]string{"XDG_DATA_HOME": "relative", "HOME": "/h"}, "/h/.local/share/drill/history.db", true},
		{"none", nil, "", false},
		{"ci.db", nil, "ci.db", true},
	} {
		p, on, err := Resolve(c.flag, env(c.env))
		if err != nil || p != c.path || on != c.on {
			t.Errorf("Resolve(%q, %v) = %q %v %v, want %q %v", c.flag, c.env, p, on, err, c.path, c.on)
		}
	}
}

// TestTrendKeepsWhatANegativeControlDeclares: a negative control that caught nothing has
// verdict pass and expected false; without its expect a trend row would read PASS.
func TestTrendKeepsWhatANegativeControlDeclares(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var caught result.Result
	for _, r := range fixtures(t) {
		if r.Expect != nil {
			caught = r
		}
	}
	if caught.Expect == nil || !caught.Expected {
		t.Fatal("no caught negative control among the fixtures")
	}
	missed := caught
	missed.Run.ID, missed.Run.Started = "missed", caught.Run.Started.Add(time.Hour)
	missed.Verdict, missed.Expected = result.Pass, false
	missed.Objectives = nil
	plain := missed
	plain.Run.ID, plain.Run.Started, plain.Expect = "plain", caught.Run.Started.Add(2*time.Hour), nil
	if _, err := s.Import(ctx, []result.Result{caught, missed, plain}); err != nil {
		t.Fatal(err)
	}
	rows, err := s.Trend(ctx, caught.Run.Scenario, caught.Run.Size, 0)
	if err != nil || len(rows) != 3 {
		t.Fatalf("trend: %d rows, %v", len(rows), err)
	}
	want := map[string]string{"plain": "PASS", "missed": "NOT CAUGHT", caught.Run.ID: "EXPECTED FAIL"}
	for _, r := range rows {
		if got := r.Outcome().Word; got != want[r.RunID] {
			t.Errorf("%s reads %q, want %q (expect %+v, breaches %q)", r.RunID, got, want[r.RunID], r.Expect, r.Breaches)
		}
	}
	if rows[1].Expect == nil || len(rows[1].Expect.Breaches) == 0 {
		t.Errorf("the missed control's row lost its expect: %+v", rows[1])
	}
}
