package reports

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/drill-dev/drill/result"
)

// readerView is what a reader sees of the manager's parts of a report.
type readerView struct {
	TimelineRows   int      `json:"timelineRows"`
	TimelineLabels []string `json:"timelineLabels"` // the full names, as the hover shows them
	TargetMarker   string   `json:"targetMarker"`
	MatrixTop      float64  `json:"matrixTop"` // px from the page's top
	MatrixCells    int      `json:"matrixCells"`
	MatrixSlowest  string   `json:"matrixSlowest"`
	MatrixRows     int      `json:"matrixRows"` // rows of its data table
	WhyRows        []string `json:"whyRows"`
	LostDot        string   `json:"lostDot"`
	Check          []string `json:"check"`
	Screen         float64  `json:"screen"`
}

const readerJS = `(() => {
  const out = {timelineLabels: [], whyRows: [], check: [], screen: window.innerHeight};
  const tl = document.querySelector('figure[id$="-timeline"] svg');
  if (tl) {
    const labels = [...tl.querySelectorAll('text > title')];
    out.timelineRows = labels.length;
    out.timelineLabels = labels.map(t => t.textContent);
    const m = [...tl.querySelectorAll('text')].find(t => t.textContent.startsWith('RTO target'));
    out.targetMarker = m ? m.textContent : '';
  }
  const mx = document.querySelector('figure[id$="-matrix"]');
  if (mx) {
    out.matrixTop = mx.getBoundingClientRect().top + window.scrollY;
    out.matrixCells = mx.querySelectorAll('svg rect').length;
    const slow = [...mx.querySelectorAll('svg text')].find(t => t.textContent.includes('(slowest)'));
    out.matrixSlowest = slow ? slow.textContent : '';
    const tbl = mx.nextElementSibling && mx.nextElementSibling.querySelector('table.data tbody');
    out.matrixRows = tbl ? tbl.rows.length : 0;
  }
  out.whyRows = [...document.querySelectorAll('table.why tbody tr')].map(r => r.innerText);
  const tiles = [...document.querySelectorAll('.tile')];
  const lost = tiles.find(t => t.textContent.includes('Lost writes'));
  out.lostDot = lost ? lost.querySelector('circle').getAttribute('fill') : '';
  out.check = [...document.querySelectorAll('table.projection-check tbody tr')].map(r => r.innerText);
  return out;
})()`

func readReport(t *testing.T, ctx context.Context, name string, rep Report) (pageCheck, readerView) {
	t.Helper()
	pc := inspect(t, ctx, "file://"+writeReportFile(t, name, rep), name+".png")
	tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	rv, err := chromedp.Run(tctx, chromedp.Evaluate[readerView](readerJS))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pc.Problems {
		t.Error(p)
	}
	return pc, rv
}

func TestBrowserReadsTheDrillAtScale(t *testing.T) {
	ctx, _ := browser(t)
	r := fixture(t, "scale-1000")
	steps := 0
	for _, e := range r.Timeline {
		if e.Kind == "step" && e.Site == "" {
			steps++
		}
	}
	pc, rv := readReport(t, ctx, "scale-1000", Single(r))
	if pc.Verdict != "FAIL" || pc.Banner != red {
		t.Errorf("verdict %q banner %s", pc.Verdict, pc.Banner)
	}
	if rv.TimelineRows != len(r.Phases)+steps {
		t.Errorf("timeline has %d rows, want one per phase and step (%d), never one per site", rv.TimelineRows, len(r.Phases)+steps)
	}
	if rv.MatrixTop == 0 || rv.MatrixTop > 3*rv.Screen {
		t.Errorf("the recovery matrix starts at %.0fpx, beyond the first three screens (%.0fpx each)", rv.MatrixTop, rv.Screen)
	}
	if rv.MatrixRows != 20 || rv.MatrixCells < 889*5 || !strings.Contains(rv.MatrixSlowest, "(slowest)") {
		t.Errorf("matrix: %d table rows, %d cells, slowest %q; want the slowest 20, every cell, a slowest product", rv.MatrixRows, rv.MatrixCells, rv.MatrixSlowest)
	}
	if len(rv.WhyRows) != 20 || !strings.Contains(rv.WhyRows[0], "not named by a fault") || !strings.Contains(rv.WhyRows[0], "context deadline exceeded") {
		t.Errorf("why table: %d rows, first %q", len(rv.WhyRows), first(rv.WhyRows))
	}
}

func TestBrowserReadsTheTimelineZoomedOnTheDrill(t *testing.T) {
	ctx, _ := browser(t)
	r := fixture(t, "pass-small")
	r.Timeline[0].Name = "delete sites given site IDs where app IDs were meant"
	r.Objectives = slicesWithout(r.Objectives, "collateral-lost-writes")
	_, rv := readReport(t, ctx, "pass-small-zoom", Single(r))
	if !strings.Contains(rv.TargetMarker, "beyond the drill") {
		t.Errorf("RTO target marker %q: want it at the edge, beyond a drill of %s", rv.TargetMarker, Dur(r.Run.WallSeconds))
	}
	found := false
	for _, l := range rv.TimelineLabels {
		found = found || l == "inject: delete sites given site IDs where app IDs were meant"
	}
	if !found {
		t.Errorf("the full step name is not readable: labels %q", rv.TimelineLabels)
	}
	if rv.LostDot != colMuted {
		t.Errorf("lost writes without a target wear %s, want neutral %s", rv.LostDot, colMuted)
	}
	if len(rv.WhyRows) != 2 || !strings.Contains(rv.WhyRows[0], "delete at") || !strings.Contains(rv.WhyRows[0], "404") {
		t.Errorf("why table %q", rv.WhyRows)
	}
}

func TestBrowserReadsProjectedAgainstMeasured(t *testing.T) {
	ctx, _ := browser(t)
	_, rv := readReport(t, ctx, "campaign-production", productionCampaign(t))
	if len(rv.Check) != 1 || !strings.Contains(rv.Check[0], "production") || !strings.Contains(rv.Check[0], "%") {
		t.Errorf("projected against measured: %q", rv.Check)
	}
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func slicesWithout(objs []result.Objective, name string) []result.Objective {
	var out []result.Objective
	for _, o := range objs {
		if o.Name != name {
			out = append(out, o)
		}
	}
	return out
}
