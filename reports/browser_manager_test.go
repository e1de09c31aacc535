package reports

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/drill-dev/drill/result"
)

// managerProduction is the production fixture as a manager saw it at 883 sites: every site
// back within 1m45s of its hit against an RTO target of 25m, and a runbook step that runs an
// action of one exec (the step and its exec part are two timeline events of the same name).
func managerProduction(t *testing.T) result.Result {
	t.Helper()
	r := fixture(t, "scale-1000")
	slowest := 0.0
	for _, s := range r.Sites {
		if s.RTOSeconds != nil {
			slowest = max(slowest, *s.RTOSeconds)
		}
	}
	for i := range r.Sites {
		if v := r.Sites[i].RTOSeconds; v != nil {
			x := *v * 105 / slowest
			r.Sites[i].RTOSeconds = &x
		}
	}
	for i := range r.Objectives {
		if r.Objectives[i].Name == "rto" {
			r.Objectives[i].Target = 25 * 60
		}
	}
	for i, e := range r.Timeline {
		if e.Kind == "step" && e.Name == "pitr-side" {
			r.Timeline[i].Name = "point-in-time side restore"
			part := r.Timeline[i]
			part.Name += "/exec"
			part.Start += 0.1
			r.Timeline = append(r.Timeline, part)
			break
		}
	}
	return r
}

// chartView is what a reader sees of one chart.
type chartView struct {
	Texts    []string `json:"texts"`
	Overlaps []string `json:"overlaps"` // pairs of labels drawn over each other
	// Reach is how far across the plot the curve rises to its top (0..1): where the last
	// site recovered.
	Reach  float64 `json:"reach"`
	Target string  `json:"target"`
}

const chartJS = `((sel) => {
  const out = {texts: [], overlaps: [], reach: 0, target: ''};
  const svg = document.querySelector(sel + ' svg');
  if (!svg) return out;
  const texts = [...svg.querySelectorAll('text')];
  const visible = t => [...t.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('');
  out.texts = texts.map(visible);
  const boxes = texts.map(t => t.getBoundingClientRect());
  for (let i = 0; i < texts.length; i++)
    for (let j = i + 1; j < texts.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.width && b.width && a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1)
        out.overlaps.push(JSON.stringify(out.texts[i]) + ' over ' + JSON.stringify(out.texts[j]));
    }
  const line = svg.querySelector('polyline');
  if (line) {
    const pts = line.getAttribute('points').split(' ').map(p => p.split(',').map(Number));
    const left = pts[0][0], right = pts[pts.length - 1][0];
    const topY = Math.min(...pts.map(p => p[1]));
    const first = pts.find(p => p[1] === topY);
    out.reach = (first[0] - left) / (right - left);
  }
  out.target = out.texts.find(t => /target/.test(t)) || '';
  return out;
})`

func readChart(t *testing.T, ctx context.Context, sel string) chartView {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cv, err := chromedp.Run(tctx, chromedp.Evaluate[chartView](chartJS+"("+quoteJS(sel)+")"))
	if err != nil {
		t.Fatal(err)
	}
	shot, err := chromedp.Run(tctx, chromedp.Screenshot(chromedp.CSS(sel)))
	if err == nil {
		path := filepath.Join(t.ArtifactDir(), t.Name()+".png")
		if os.WriteFile(path, shot, 0o644) == nil {
			t.Logf("screenshot: %s", path)
		}
	}
	return cv
}

func quoteJS(s string) string { return fmt.Sprintf("%q", s) }

func TestBrowserZoomsTheRecoveryCurveOnTheData(t *testing.T) {
	ctx, _ := browser(t)
	readReport(t, ctx, "production-zoom", Single(managerProduction(t)))
	cv := readChart(t, ctx, `figure[id$="-rto"]`)
	if cv.Reach < 0.5 {
		t.Errorf("the last of 889 recoveries (1m45s) sits at %.0f%% of the width: the curve is drawn on the target's scale, not the data's", cv.Reach*100)
	}
	if !strings.Contains(cv.Target, "RTO target 25m") || !strings.Contains(cv.Target, "beyond") {
		t.Errorf("the RTO target marker reads %q: want it at the edge, beyond the data", cv.Target)
	}
	for _, o := range cv.Overlaps {
		t.Error("recovery curve: " + o)
	}
}

func TestBrowserReadsTheMatrixLegend(t *testing.T) {
	ctx, _ := browser(t)
	readReport(t, ctx, "production-matrix", Single(managerProduction(t)))
	cv := readChart(t, ctx, `figure[id$="-matrix"]`)
	for _, o := range cv.Overlaps {
		t.Error("recovery matrix: " + o)
	}
	legend := strings.Join(cv.Texts, " | ")
	for _, want := range []string{"first (", "last (", "never"} {
		if strings.Count(legend, want) != 1 {
			t.Errorf("the legend should say %q once: %s", want, legend)
		}
	}
}

func TestBrowserReadsOneTimelineRowPerStep(t *testing.T) {
	ctx, _ := browser(t)
	r := managerProduction(t)
	_, rv := readReport(t, ctx, "production-timeline", Single(r))
	cv := readChart(t, ctx, `figure[id$="-timeline"]`)
	if want := len(r.Phases) + 3; rv.TimelineRows != want {
		t.Errorf("timeline has %d rows, want %d: one per phase and per step, an action's part inside its step's row; labels %q", rv.TimelineRows, want, rv.TimelineLabels)
	}
	seen := map[string]bool{}
	for _, l := range cv.Texts {
		if strings.HasPrefix(l, "RTO target") || l == "t0" || strings.HasPrefix(l, "✗") || strings.ContainsAny(l[:1], "0123456789") || strings.HasPrefix(l, "time since") {
			continue
		}
		if seen[l] {
			t.Errorf("two timeline rows read %q", l)
		}
		seen[l] = true
	}
	if !seen["point-in-time side restore"] && !seen["  point-in-time side restore"] {
		t.Errorf("the step's name is not readable in full: %q", cv.Texts)
	}
	for _, o := range cv.Overlaps {
		t.Error("timeline: " + o)
	}
}

// inconclusiveAtScale is the production drill made inconclusive by canaries that could not
// be read back: the same error from every product.
func inconclusiveAtScale(t *testing.T) result.Result {
	t.Helper()
	r := fixture(t, "inconclusive")
	cause := "query canaries: dial tcp 172.18.0.4:3306: connect: connection refused"
	var parts []string
	for _, p := range []string{"identity", "tracker", "wiki", "pager", "status"} {
		parts = append(parts, "read canaries of "+p+": "+cause)
	}
	r.Reason = "canaries could not be read back: [" + strings.Join(parts, " ") + "]"
	return r
}

func TestBrowserGroupsTheInconclusiveReason(t *testing.T) {
	ctx, _ := browser(t)
	r := inconclusiveAtScale(t)
	readReport(t, ctx, "inconclusive-grouped", Single(r))
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	type view struct {
		Reason string `json:"reason"`
		Body   string `json:"body"`
	}
	v, err := chromedp.Run(tctx, chromedp.Evaluate[view](`({reason: document.querySelector('#verdict .reason').innerText,
	  body: [...document.querySelectorAll('ul.errors li')].map(l => l.innerText).join('\n')})`))
	if err != nil {
		t.Fatal(err)
	}
	want := "canaries could not be read back: read canaries of 5 products (identity, tracker, wiki, pager, status): query canaries: dial tcp 172.18.0.4:3306: connect: connection refused"
	if v.Reason != want {
		t.Errorf("verdict line:\n%s\nwant\n%s", v.Reason, want)
	}
	if !strings.Contains(v.Body, r.Reason) {
		t.Errorf("the body lost the detail %q:\n%s", r.Reason, v.Body)
	}
}

func TestBrowserShowsAnUncaughtControlInTheTrend(t *testing.T) {
	ctx, _ := browser(t)
	rows := storedRows(t, missedControl(t), fixture(t, "negative-control"))
	rep := Single(missedControl(t))
	rep.Drills[0].Run.ID = rows[0].RunID
	file := filepath.Join(t.TempDir(), "trend.html")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(f, rep, WithHistory(rows)); err != nil {
		t.Fatal(err)
	}
	f.Close()
	inspect(t, ctx, "file://"+file, "trend.png")
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	verdicts, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('table.history tbody tr')].map(r => r.cells[1].innerText)`))
	if err != nil {
		t.Fatal(err)
	}
	if len(verdicts) != 2 || verdicts[0] != "NOT CAUGHT" || verdicts[1] != "EXPECTED FAIL" {
		t.Errorf("the trend reads %q, want [NOT CAUGHT EXPECTED FAIL]", verdicts)
	}
}
