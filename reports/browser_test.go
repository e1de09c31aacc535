package reports

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// jenkinsCSP is the Content-Security-Policy Jenkins puts on archived artifacts by default:
// no script, no inline style.
const jenkinsCSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'self';"

// browser starts Debian's chromium as containers.md describes, or skips.
func browser(t *testing.T) (context.Context, *consoleLog) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not installed")
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.Headless, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelA() })
	cl := &consoleLog{}
	if err := chromedp.Listen(ctx, cl.add); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, log.Enable, struct{}{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, runtime.Enable, struct{}{}); err != nil {
		t.Fatal(err)
	}
	return ctx, cl
}

// consoleLog keeps the console errors a page produced.
type consoleLog struct {
	mu     sync.Mutex
	errors []string
}

func (c *consoleLog) add(ev any) {
	var msg string
	switch e := ev.(type) {
	case *log.EventEntryAdded:
		if e.Entry.Level == log.EntryLevelError {
			msg = string(e.Entry.Source) + ": " + e.Entry.Text
		}
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError {
			msg = "console.error"
		}
	case *runtime.EventExceptionThrown:
		msg = "exception: " + e.ExceptionDetails.Text
	}
	if msg != "" {
		c.mu.Lock()
		c.errors = append(c.errors, msg)
		c.mu.Unlock()
	}
}

func (c *consoleLog) all() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.errors...)
}

// pageCheck is what the page reports about itself.
type pageCheck struct {
	Verdict  string   `json:"verdict"`
	Visible  bool     `json:"visible"`
	Banner   string   `json:"banner"` // the banner's computed background colour
	Dot      string   `json:"dot"`    // the fill of the verdict's dot (an attribute: kept without CSS)
	Tiles    int      `json:"tiles"`
	Charts   int      `json:"charts"`
	Drawn    int      `json:"drawn"`
	Problems []string `json:"problems"`
}

const checkJS = `(() => {
  const out = {problems: [], charts: 0, drawn: 0};
  const v = document.querySelector('#verdict .verdict-word');
  out.verdict = v ? v.textContent : '';
  out.visible = !!v && v.getBoundingClientRect().height > 0;
  const h = document.querySelector('#verdict');
  out.banner = h ? getComputedStyle(h).backgroundColor : '';
  const dot = document.querySelector('#verdict circle');
  out.dot = dot ? dot.getAttribute('fill') : '';
  out.tiles = [...document.querySelectorAll('.tile')].filter(t => t.getBoundingClientRect().height > 0).length;
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width + 1)
    out.problems.push('page is ' + document.documentElement.scrollWidth + 'px wide in a ' + width + 'px window');
  for (const svg of document.querySelectorAll('figure svg')) {
    const box = svg.getBoundingClientRect();
    const name = svg.querySelector('title').textContent;
    if (box.width < 300 || box.height < 60) { out.problems.push(name + ': chart not visible (' + box.width + 'x' + box.height + ')'); continue; }
    if (box.right > width + 1) out.problems.push(name + ': chart wider than the page');
    out.charts++;
    for (const el of svg.querySelectorAll('rect, line, text, circle, polyline, path')) {
      const r = el.getBoundingClientRect();
      out.drawn++;
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
        out.problems.push(name + ': <' + el.tagName + '> "' + (el.textContent || '').slice(0, 30) + '" outside its chart');
    }
  }
  return out;
})()`

func inspect(t *testing.T, ctx context.Context, url, shot string) pageCheck {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	pc, err := chromedp.Run(tctx, chromedp.Evaluate[pageCheck](checkJS))
	if err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.ArtifactDir(), shot)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
	return pc
}

func writeReportFile(t *testing.T, name string, rep Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteHTML(&buf, rep); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name+".html")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestBrowserReadsTheReport(t *testing.T) {
	ctx, console := browser(t)
	for name, want := range map[string]string{
		"fail-medium": "FAIL", "pass-small": "PASS", "negative-control": "FAIL (expected: caught collateral-lost-writes)",
		"inconclusive": "INCONCLUSIVE", "campaign": "PASS",
	} {
		t.Run(name, func(t *testing.T) {
			rep := goldenReports(t)[name]
			path := writeReportFile(t, name, rep)
			before := len(console.all())
			pc := inspect(t, ctx, "file://"+path, name+".png")
			if pc.Verdict != want || !pc.Visible {
				t.Errorf("verdict reads %q (visible %v), want %q", pc.Verdict, pc.Visible, want)
			}
			if pc.Charts == 0 || pc.Drawn == 0 {
				t.Errorf("no chart drawn: %+v", pc)
			}
			for _, p := range pc.Problems {
				t.Error(p)
			}
			if errs := console.all()[before:]; len(errs) > 0 {
				t.Errorf("console errors: %q", errs)
			}
		})
	}
}

func TestBrowserReadsTheReportUnderJenkinsCSP(t *testing.T) {
	ctx, console := browser(t)
	var buf bytes.Buffer
	if err := WriteHTML(&buf, goldenReports(t)["fail-medium"]); err != nil {
		t.Fatal(err)
	}
	var scale bytes.Buffer
	if err := WriteHTML(&scale, Single(fixture(t, "scale-1000"))); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page := buf.Bytes()
		switch r.URL.Path {
		case "/":
		case "/scale":
			page = scale.Bytes()
		default:
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Content-Security-Policy", jenkinsCSP)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	}))
	defer srv.Close()
	pc := inspect(t, ctx, srv.URL+"/", "fail-medium-csp.png")
	if pc.Verdict != "FAIL" || !pc.Visible {
		t.Errorf("verdict reads %q (visible %v), want FAIL", pc.Verdict, pc.Visible)
	}
	if pc.Tiles != 4 {
		t.Errorf("%d tiles visible, want 4", pc.Tiles)
	}
	if pc.Charts != 4 {
		t.Errorf("%d charts visible, want 4", pc.Charts)
	}
	for _, p := range pc.Problems {
		t.Error(p)
	}
	// The 1,000-site report reads without its stylesheet too: verdict, nothing wider than the page.
	if pc := inspect(t, ctx, srv.URL+"/scale", "scale-1000-csp.png"); pc.Verdict != "FAIL" || pc.Dot != colBad || len(pc.Problems) > 0 {
		t.Errorf("1,000 sites under the CSP: verdict %q dot %s problems %q", pc.Verdict, pc.Dot, pc.Problems)
	}
	blocked := 0
	for _, e := range console.all() {
		if strings.Contains(e, "Refused to apply inline style") || strings.Contains(e, "style-src") {
			blocked++
			continue
		}
		t.Errorf("console error other than a blocked style: %s", e)
	}
	if blocked == 0 {
		t.Error("the CSP did not block the stylesheet: the test proves nothing")
	}
}

// red is colBad as the browser computes the banner's background.
const red = "rgb(207, 34, 46)"

func TestBrowserShowsAnUncaughtNegativeControlRed(t *testing.T) {
	ctx, _ := browser(t)
	path := writeReportFile(t, "missed-control", Single(missedControl(t)))
	pc := inspect(t, ctx, "file://"+path, "missed-control.png")
	if pc.Verdict != notCaught || !pc.Visible {
		t.Errorf("verdict reads %q (visible %v), want %q", pc.Verdict, pc.Visible, notCaught)
	}
	if pc.Banner != red || pc.Dot != colBad {
		t.Errorf("banner %s, dot %s: want red (%s, %s)", pc.Banner, pc.Dot, red, colBad)
	}
	// The caught control, for contrast, is green.
	path = writeReportFile(t, "caught-control", Single(fixture(t, "negative-control")))
	if pc := inspect(t, ctx, "file://"+path, "caught-control.png"); pc.Banner == red || pc.Dot != colOK {
		t.Errorf("a caught negative control: banner %s, dot %s, want green", pc.Banner, pc.Dot)
	}
}

// TestBrowserCheckCatchesADrawingOutsideItsChart proves the checks above can fail.
func TestBrowserCheckCatchesADrawingOutsideItsChart(t *testing.T) {
	ctx, _ := browser(t)
	page := `<!DOCTYPE html><html><body><span id="verdict"><span class="verdict-word">FAIL</span></span>
<figure><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 100" width="400"><title>bad</title>
<text x="380" y="50">a label that runs off the edge</text></svg></figure>
<div><table><tr><td>` + strings.Repeat("x", 3000) + `</td></tr></table></div></body></html>`
	path := filepath.Join(t.TempDir(), "bad.html")
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	pc := inspect(t, ctx, "file://"+path, "bad.png")
	joined := strings.Join(pc.Problems, "\n")
	if !strings.Contains(joined, "outside its chart") || !strings.Contains(joined, "page is") {
		t.Errorf("problems = %q, want an escaped label and a page overflow", pc.Problems)
	}
}
