package reports

import (
	"bytes"
	"strings"
	"testing"

	"github.com/drill-dev/drill/result"
)

// productionCampaign is the three-size campaign plus the production-size drill at 883 sites.
func productionCampaign(t testing.TB) Report {
	t.Helper()
	rep, err := Merge([]result.Result{fixture(t, "campaign-small"), fixture(t, "campaign-medium"), fixture(t, "campaign-large"), fixture(t, "scale-1000")},
		result.Projection{SitesAffected: 883})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestCampaignShowsProjectedAgainstMeasured(t *testing.T) {
	rep := productionCampaign(t)
	rows := projectionCheck(rep.Campaigns[0])
	if len(rows) != 1 || rows[0].Size != "production" {
		t.Fatalf("rows %+v, want the production drill", rows)
	}
	// The truth, computed here on its own: the line through the three smaller sizes.
	var pts []result.Point
	for _, d := range rep.Campaigns[0].Drills[:3] {
		pts = append(pts, result.Point{SitesAffected: d.Metrics.SitesAffected, RTOSeconds: *d.Metrics.RTOSeconds})
	}
	fit, _ := result.FitLine(pts)
	prod := rep.Campaigns[0].Drills[3]
	if want := Dur(fit.At(float64(prod.Metrics.SitesAffected))); rows[0].Projected != want || rows[0].Measured != Dur(*prod.Metrics.RTOSeconds) {
		t.Errorf("projected %s measured %s, want %s and %s", rows[0].Projected, rows[0].Measured, want, Dur(*prod.Metrics.RTOSeconds))
	}
	if !strings.HasSuffix(rows[0].Error, "%") && !strings.Contains(rows[0].Error, "%") {
		t.Errorf("error %q is not a percentage", rows[0].Error)
	}
	// Without a production-size drill there is nothing to compare.
	if rows := projectionCheck(campaignReport(t).Campaigns[0]); len(rows) != 0 {
		t.Errorf("a campaign below project-to: %+v", rows)
	}
}

func TestLargeDrillDrawsOneTimelineRowPerStep(t *testing.T) {
	r := fixture(t, "scale-1000")
	c := timelineChart(r, "t")
	steps := 0
	for _, e := range r.Timeline {
		if e.Kind == "step" && e.Site == "" {
			steps++
		}
	}
	if got := strings.Count(string(c.SVG), `text-anchor="start" fill="#1f2328"><title>`); got != len(r.Phases)+steps {
		t.Errorf("%d labelled rows, want %d phases + %d steps", got, len(r.Phases), steps)
	}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, Single(r)); err != nil {
		t.Fatal(err)
	}
	if n := buf.Len(); n > 1<<20 {
		t.Errorf("the 1,000-site report is %d bytes, want under 1 MiB", n)
	}
	if !strings.Contains(buf.String(), "slowest: restore-sites for site-") {
		t.Error("the timeline's data table does not name the slowest instances")
	}
}
