package result

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func loadFixture(t testing.TB, name string) Result {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var r Result
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return r
}

func TestFitLineRecoversAKnownLine(t *testing.T) {
	// rto = 30 + 3·x exactly, then with noise that lowers R².
	exact := []Point{{SitesAffected: 2, RTOSeconds: 36}, {SitesAffected: 20, RTOSeconds: 90}, {SitesAffected: 100, RTOSeconds: 330}}
	f, err := FitLine(exact)
	if err != nil {
		t.Fatal(err)
	}
	if !near(f.Slope, 3) || !near(f.Intercept, 30) || !near(f.R2, 1) {
		t.Errorf("fit = %+v, want slope 3, intercept 30, R² 1", f)
	}
	noisy := []Point{{SitesAffected: 1, RTOSeconds: 1}, {SitesAffected: 2, RTOSeconds: 3}, {SitesAffected: 3, RTOSeconds: 2}}
	f, err = FitLine(noisy)
	if err != nil {
		t.Fatal(err)
	}
	// slope 0.5, intercept 1, residuals -0.5, 1, -0.5 → SSres 1.5, SStot 2 → R² 0.25.
	if !near(f.Slope, 0.5) || !near(f.Intercept, 1) || !near(f.R2, 0.25) {
		t.Errorf("fit = %+v, want slope 0.5, intercept 1, R² 0.25", f)
	}
}

func TestFitLineNeedsTwoDistinctSizes(t *testing.T) {
	for _, pts := range [][]Point{nil, {{SitesAffected: 5, RTOSeconds: 1}}, {{SitesAffected: 5, RTOSeconds: 1}, {SitesAffected: 5, RTOSeconds: 2}}} {
		if _, err := FitLine(pts); err != ErrNoFit {
			t.Errorf("FitLine(%v) error = %v, want ErrNoFit", pts, err)
		}
	}
}

func TestNewCampaignProjectsAndScores(t *testing.T) {
	drills := []Result{loadFixture(t, "campaign-large.json"), loadFixture(t, "campaign-small.json"), loadFixture(t, "campaign-medium.json")}
	six := 6 * 3600.0
	c, err := NewCampaign(drills, Projection{SitesAffected: 883, TargetSeconds: &six})
	if err != nil {
		t.Fatal(err)
	}
	if got := []string{c.Drills[0].Run.Size, c.Drills[1].Run.Size, c.Drills[2].Run.Size}; got[0] != "small" || got[1] != "medium" || got[2] != "large" {
		t.Errorf("order = %v, want small, medium, large", got)
	}
	if c.Fit == nil || len(c.Fit.Points) != 3 {
		t.Fatalf("fit = %+v, want three points", c.Fit)
	}
	want := c.Fit.Intercept + c.Fit.Slope*883
	if c.ProjectedRTOSeconds == nil || !near(*c.ProjectedRTOSeconds, want) {
		t.Fatalf("projected = %v, want %v", c.ProjectedRTOSeconds, want)
	}
	if c.Verdict != Pass || len(c.Objectives) != 1 || !c.Objectives[0].Met {
		t.Errorf("verdict %s, objectives %+v: want pass with projected-rto met", c.Verdict, c.Objectives)
	}
	if c.HostCores != 2 {
		t.Errorf("host cores = %d, want 2", c.HostCores)
	}
	// A tighter target turns the projection into a breach and the campaign into a fail.
	ten := 600.0
	c, _ = NewCampaign(drills, Projection{SitesAffected: 883, TargetSeconds: &ten})
	if c.Verdict != Fail || c.Objectives[0].Met || *c.Objectives[0].Margin >= 0 {
		t.Errorf("verdict %s, objective %+v: want fail with a negative margin", c.Verdict, c.Objectives[0])
	}
}

func TestNewCampaignVerdictIsTheWorstDrill(t *testing.T) {
	pass := loadFixture(t, "campaign-small.json")
	inc := loadFixture(t, "inconclusive.json") // medium, no rto
	c, err := NewCampaign([]Result{pass, inc}, Projection{SitesAffected: 883})
	if err != nil {
		t.Fatal(err)
	}
	if c.Verdict != Inconclusive || c.Fit != nil || c.ProjectedRTOSeconds != nil {
		t.Errorf("verdict %s fit %v projected %v: want inconclusive, no fit, no projection", c.Verdict, c.Fit, c.ProjectedRTOSeconds)
	}
	if _, err := NewCampaign([]Result{pass, pass}, Projection{}); err == nil {
		t.Error("two drills of one size: want an error")
	}
	other := loadFixture(t, "negative-control.json")
	if _, err := NewCampaign([]Result{pass, other}, Projection{}); err == nil {
		t.Error("two scenarios: want an error")
	}
}

func TestFixturesAreConsistent(t *testing.T) {
	for _, name := range []string{"pass-small.json", "fail-medium.json", "negative-control.json", "campaign-small.json", "campaign-medium.json", "campaign-large.json"} {
		r := loadFixture(t, name)
		worst, affected, recovered, lost := 0.0, 0, 0, 0
		unrecovered := false
		for _, s := range r.Sites {
			if !s.Affected {
				continue
			}
			affected++
			lost += s.LostWrites
			if s.RTOSeconds == nil {
				unrecovered = true
				continue
			}
			recovered++
			worst = math.Max(worst, *s.RTOSeconds)
			if !near(*s.RTOSeconds, *s.RecoveredSeconds-*s.HitSeconds) {
				t.Errorf("%s %s: rto %v != r−h", name, s.ID, *s.RTOSeconds)
			}
		}
		m := r.Metrics
		if m.SitesAffected != affected || m.SitesRecovered != recovered || m.LostWrites != lost || len(r.Sites) != m.SitesTotal {
			t.Errorf("%s: metrics %+v disagree with site rows (affected %d recovered %d lost %d)", name, m, affected, recovered, lost)
		}
		if unrecovered != (m.RTOSeconds == nil) || (!unrecovered && !near(*m.RTOSeconds, worst)) {
			t.Errorf("%s: rto %v, worst site %v, unrecovered %v", name, m.RTOSeconds, worst, unrecovered)
		}
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6*math.Max(1, math.Abs(b)) }

func TestCampaignProjectsWithTheScenarioRecordedInItsResults(t *testing.T) {
	target := 6 * 3600.0
	mk := func(size string, affected int, rto float64) Result {
		r := Result{Run: Run{Scenario: "s", Size: size, ProjectTo: map[string]float64{"sites-affected": 883}, ProjectedRTO: &target}}
		r.Metrics.SitesAffected, r.Metrics.RTOSeconds = affected, &rto
		return r
	}
	c, err := NewCampaign([]Result{mk("small", 2, 10), mk("medium", 20, 100)}, Projection{})
	if err != nil {
		t.Fatal(err)
	}
	if c.ProjectToSitesAffected != 883 || c.ProjectedRTOSeconds == nil || len(c.Objectives) != 1 {
		t.Fatalf("projection not taken from the results: %+v", c)
	}
	if got := *c.ProjectedRTOSeconds; got < 4414 || got > 4416 { // 5 s per site: 883 × 5 = 4415
		t.Fatalf("projected %v, want 4415", got)
	}
}

func TestCampaignFailsOnAnUncaughtNegativeControl(t *testing.T) {
	small, medium := loadFixture(t, "campaign-small.json"), loadFixture(t, "campaign-medium.json")
	// medium is now a negative control that declared a breach it did not get: it passed.
	medium.Expect = &Expect{Verdict: Fail, Breaches: []string{"collateral-lost-writes"}}
	c, err := NewCampaign([]Result{small, medium}, Projection{})
	if err != nil {
		t.Fatal(err)
	}
	if o := c.Outcome(); c.Verdict != Fail || o.Exit != ExitFail || c.Reason != "fail at medium" {
		t.Errorf("campaign %s %q (exit %d), want fail at medium", c.Verdict, c.Reason, o.Exit)
	}
	// Caught, it counts as a pass.
	medium.Verdict, medium.Expected = Fail, true
	if c, _ := NewCampaign([]Result{small, medium}, Projection{}); c.Verdict != Pass {
		t.Errorf("a caught control: campaign %s %q, want pass", c.Verdict, c.Reason)
	}
}

// A drill at project-to is checked against the line through the smaller drills alone: on the
// line rto = 10 s + 1 s × sites, 100 sites project 110 s; measured 88 s, the error is +25 %.
func TestCampaignChecksTheProjectionAgainstAMeasurement(t *testing.T) {
	at := func(size string, sites int, rto float64) Result {
		r := Result{Verdict: Pass}
		r.Run.Scenario, r.Run.Size = "s", size
		r.Metrics.SitesAffected, r.Metrics.RTOSeconds = sites, &rto
		return r
	}
	drills := []Result{at("small", 10, 20), at("medium", 20, 30), at("large", 40, 50), at("production", 100, 88)}
	c, err := NewCampaign(drills, Projection{SitesAffected: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Checks) != 1 {
		t.Fatalf("checks %+v, want the production drill", c.Checks)
	}
	k := c.Checks[0]
	if k.Size != "production" || k.Points != 3 || k.ProjectedRTOSeconds == nil || !near(*k.ProjectedRTOSeconds, 110) ||
		*k.MeasuredRTOSeconds != 88 || k.ErrorPercent == nil || !near(*k.ErrorPercent, 25) {
		t.Fatalf("check %+v (projected %v, error %v), want 110 s projected from 3 sizes, 88 s measured, +25%%", k, k.ProjectedRTOSeconds, k.ErrorPercent)
	}
	// Below project-to nothing is checked.
	if c, _ := NewCampaign(drills[:3], Projection{SitesAffected: 100}); len(c.Checks) != 0 {
		t.Errorf("checks %+v without a drill at project-to", c.Checks)
	}
}
