package drills_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onsi/gomega/types"

	"github.com/drill-dev/drill/drills"
	"github.com/drill-dev/drill/result"
)

var update = flag.Bool("update", false, "rewrite the golden failure messages in testdata/golden")

// fixture loads a hand-made result from result/testdata (written by result/fixtures).
func fixture(t testing.TB, name string) *result.Result {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "result", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var r result.Result
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return &r
}

// missedControl is the negative control of the fixtures had its fault gone unnoticed.
func missedControl(t testing.TB) *result.Result {
	r := fixture(t, "negative-control.json")
	r.Verdict, r.Expected = result.Pass, false
	r.Reason = "negative control did not catch what it declares (verdict fail, breaches [collateral-lost-writes]): all 3 objectives met"
	for i := range r.Objectives {
		r.Objectives[i].Met = true
	}
	return r
}

func match(t *testing.T, m types.GomegaMatcher, r any) bool {
	t.Helper()
	ok, err := m.Match(r)
	if err != nil {
		t.Fatalf("Match: %v", err)
	}
	return ok
}

// golden compares a failure message with testdata/golden/NAME.txt (-update rewrites it).
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".txt")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./drills -run %s -update)", err, t.Name())
	}
	if got+"\n" != string(want) {
		t.Errorf("%s: message changed (go test -update to accept):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func mustContain(t *testing.T, msg string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Errorf("message lacks %q:\n%s", p, msg)
		}
	}
}

func TestMeetTargetsCountsWhatCICounts(t *testing.T) {
	for name, want := range map[string]bool{
		"pass-small.json":       true,
		"negative-control.json": true, // caught what it declares
		"fail-medium.json":      false,
		"inconclusive.json":     false,
	} {
		if got := match(t, drills.MeetTargets(), fixture(t, name)); got != want {
			t.Errorf("%s: MeetTargets = %v, want %v", name, got, want)
		}
	}
	if match(t, drills.MeetTargets(), missedControl(t)) {
		t.Error("a negative control that passed met its targets; want a failure: it caught nothing")
	}
	// A value works as well as a pointer.
	if !match(t, drills.MeetTargets(), *fixture(t, "pass-small.json")) {
		t.Error("MeetTargets(result.Result value) = false, want true")
	}
}

func TestMeetTargetsListsEachBreachMeasuredAgainstTarget(t *testing.T) {
	msg := drills.MeetTargets().FailureMessage(fixture(t, "fail-medium.json"))
	mustContain(t, msg,
		"atlassian-2022[medium] did not meet its targets",
		"verdict: FAIL: the runbook failed: restore-sites[site-031]",
		"breached objectives (5 of 7):",
		"rto: an affected site did not recover, target 5m",
		"integrity-mismatches: measured 2, target 0 (2 over)",
		"broken-links: measured 3, target 0 (3 over)",
		"milestone:customers-notified: milestone never reached, target 2m",
		`recover "restore-sites" for site-031 failed after 3 attempts: restore-sites: copy wiki.pages for site-031`,
	)
	if strings.Contains(msg, "rpo:") {
		t.Errorf("a met objective (rpo) is listed as breached:\n%s", msg)
	}
	golden(t, "meet-targets-fail", msg)
	golden(t, "meet-targets-inconclusive", drills.MeetTargets().FailureMessage(fixture(t, "inconclusive.json")))
	golden(t, "meet-targets-missed-control", drills.MeetTargets().FailureMessage(missedControl(t)))
}

func TestMeetTargetsListsTheInnermostFailedStep(t *testing.T) {
	// An action step fails through the step inside it; only the inner one carries the output.
	r := fixture(t, "fail-medium.json")
	for i, e := range r.Timeline {
		if e.Kind == "instance" && e.Outcome == "failed" {
			inner := e
			inner.Name, inner.Output = e.Name+"/exec", "cloudsuite: side instance: connection refused"
			r.Timeline[i].Output = ""
			r.Timeline = append(r.Timeline, inner)
			break
		}
	}
	msg := drills.MeetTargets().FailureMessage(r)
	mustContain(t, msg, `recover "restore-sites/exec" for site-031 failed after 3 attempts: cloudsuite: side instance: connection refused`)
	if strings.Contains(msg, `recover "restore-sites" for`) || strings.Contains(msg, `recover "restore-sites" failed`) {
		t.Errorf("the outer step is listed besides the inner one:\n%s", msg)
	}
}

func TestHaveRTOWithin(t *testing.T) {
	small := fixture(t, "campaign-small.json") // RTO 40.46s
	if !match(t, drills.HaveRTOWithin(time.Minute), small) || !match(t, drills.HaveRTOWithin(40460*time.Millisecond), small) {
		t.Error("RTO 40.46s: want within 1m and within 40.46s")
	}
	if match(t, drills.HaveRTOWithin(30*time.Second), small) {
		t.Error("RTO 40.46s within 30s: want a failure")
	}
	msg := drills.HaveRTOWithin(30 * time.Second).FailureMessage(small)
	mustContain(t, msg, "atlassian-2022[small]: RTO: measured 40s, target 30s (10s over)", "sites over 30s:")
	golden(t, "rto-within-30s", msg)

	failed := fixture(t, "fail-medium.json") // site-031 never recovered
	if match(t, drills.HaveRTOWithin(24*time.Hour), failed) {
		t.Error("an unrecovered site: want no RTO within any bound")
	}
	mustContain(t, drills.HaveRTOWithin(5*time.Minute).FailureMessage(failed),
		"RTO: 1 of 10 affected sites did not recover, target 5m", "site-031: not recovered", "site-035: 6m35s")
	if match(t, drills.HaveRTOWithin(time.Hour), fixture(t, "inconclusive.json")) {
		t.Error("inconclusive drill: want no RTO within any bound")
	}
}

func TestHaveRPOWithin(t *testing.T) {
	r := fixture(t, "pass-small.json") // RPO 1s
	if !match(t, drills.HaveRPOWithin(time.Second), r) {
		t.Error("RPO 1s within 1s: want success")
	}
	if match(t, drills.HaveRPOWithin(500*time.Millisecond), r) {
		t.Error("RPO 1s within 500ms: want a failure")
	}
	mustContain(t, drills.HaveRPOWithin(500*time.Millisecond).FailureMessage(r), "RPO: measured 1s, target 500ms (500ms over)")

	r.Metrics.RPOBounded = true // no canary survived somewhere: 1s is only a lower bound
	for i := range r.Sites {
		if r.Sites[i].Affected {
			r.Sites[i].RPOBounded = true
			break
		}
	}
	if match(t, drills.HaveRPOWithin(time.Hour), r) {
		t.Error("a bounded RPO: want a failure whatever the bound")
	}
	msg := drills.HaveRPOWithin(time.Hour).FailureMessage(r)
	mustContain(t, msg, "a lower bound: no canary survived", "(a lower bound)")
}

func TestLoseNoWrites(t *testing.T) {
	if match(t, drills.LoseNoWrites(), fixture(t, "pass-small.json")) {
		t.Error("36 lost writes: want a failure even though the scenario sets no lost-writes target")
	}
	clean := fixture(t, "pass-small.json")
	clean.Metrics.LostWrites = 0
	for i := range clean.Sites {
		clean.Sites[i].LostWrites = 0
	}
	if !match(t, drills.LoseNoWrites(), clean) {
		t.Error("no writes lost: want success")
	}
	clean.Sites[2].Unreadable = []string{"wiki"}
	if match(t, drills.LoseNoWrites(), clean) {
		t.Error("canaries that cannot be read back count as lost: want a failure")
	}
	nc := fixture(t, "negative-control.json")
	msg := drills.LoseNoWrites().FailureMessage(nc)
	mustContain(t, msg, "lost-writes: measured 36, target 0 (36 over)", "collateral-lost-writes: measured 3900, target 0 (3900 over)", "(unaffected):")
	golden(t, "lose-no-writes", msg)
	if match(t, drills.LoseNoWrites(), fixture(t, "inconclusive.json")) {
		t.Error("an inconclusive drill never read its canaries: want a failure")
	}
}

func TestMatchersRefuseWhatIsNotAResult(t *testing.T) {
	for _, v := range []any{nil, (*result.Result)(nil), "pass"} {
		if _, err := drills.MeetTargets().Match(v); err == nil {
			t.Errorf("Match(%#v): want an error", v)
		}
	}
}
