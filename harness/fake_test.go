package harness

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/drill-dev/drill/harness/runtime"
	"github.com/drill-dev/drill/harness/runtime/runtimetest"
)

// fakeRuntime runs "containers" as in-process HTTP servers (runtimetest.Fake): every service of
// the test stack is served by one fakeApp, whose exec commands (fake_exec_test.go) its
// containers understand.
type fakeRuntime struct {
	*runtimetest.Fake
	app *fakeApp
}

func newFakeRuntime() *fakeRuntime {
	rt := &fakeRuntime{Fake: runtimetest.New(), app: newFakeApp()}
	rt.Handler = rt.app
	rt.Exec = func(c *runtimetest.Container, cmd []string, stdin []byte) (runtime.ExecResult, bool) {
		return rt.app.exec(c.Server(), cmd, stdin)
	}
	return rt
}

// fakeApp is a tiny multi-site product: sites with data, canaries per site, a backup that can
// be taken and restored per site. It speaks drill's canary protocol.
type fakeApp struct {
	mu       sync.Mutex
	sites    []string
	gone     map[string]bool
	canaries map[string][]int
	backup   map[string][]int
	// corrupt sites answer health but their fingerprint differs; brokenLinks sites' link
	// checks answer 500.
	corrupt     map[string]bool
	brokenLinks map[string]bool
	// canaryDelay holds every canary answer this long after the write is applied.
	canaryDelay time.Duration
	// slowHealth holds the /slow/ID/health answers this long.
	slowHealth time.Duration
	// slowFingerprint holds every per-site fingerprint answer this long.
	slowFingerprint time.Duration
	// slowLinks holds every link check's answer this long.
	slowLinks time.Duration
	// slowBatchHealth holds every batch health answer this long.
	slowBatchHealth time.Duration
	// hungBatchHealth is how many batch health requests are still to get no answer at all,
	// until the client gives up, as over a stalled connection.
	hungBatchHealth int
	// flakyLinks is how many link reads are still to fail once each, as a stalled connection
	// would.
	flakyLinks int
	// flakyCanaryReads is how many canary reads are still to fail, as a stalled connection would.
	flakyCanaryReads int
}

func newFakeApp() *fakeApp {
	return &fakeApp{gone: map[string]bool{}, canaries: map[string][]int{}, corrupt: map[string]bool{}, brokenLinks: map[string]bool{}}
}

// restore brings sites back from the backup. a.mu must be held.
func (a *fakeApp) restore(sites []string) {
	for _, s := range sites {
		delete(a.gone, s)
		delete(a.corrupt, s)
		delete(a.brokenLinks, s)
		a.canaries[s] = slices.Clone(a.backup[s])
	}
}

func (a *fakeApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	locked := true
	defer func() {
		if locked {
			a.mu.Unlock()
		}
	}()
	// wait releases the lock for d, as a slow service would answer later.
	wait := func(d time.Duration) {
		a.mu.Unlock()
		locked = false
		time.Sleep(d)
	}
	var body struct {
		Seq   int      `json:"seq"`
		Sites []string `json:"sites"`
		IDs   []string `json:"ids"`
	}
	_ = json.NewDecoder(r.Body).Decode(&body)
	path := r.URL.Path
	switch {
	case path == "/healthz":
	case path == "/admin/seed":
		n := 0
		fmt.Sscan(r.URL.Query().Get("sites"), &n)
		a.sites = nil
		for i := 1; i <= n; i++ {
			a.sites = append(a.sites, fmt.Sprintf("site-%02d", i))
		}
	case path == "/admin/sites":
		_ = json.NewEncoder(w).Encode(a.sites)
	case path == "/admin/backup":
		a.backup = map[string][]int{}
		for s, c := range a.canaries {
			a.backup[s] = slices.Clone(c)
		}
	case path == "/admin/delete":
		for _, s := range body.IDs {
			a.gone[s] = true
			delete(a.canaries, s)
		}
	case path == "/admin/restore":
		a.restore(body.Sites)
	case path == "/admin/restore-later": // accepted now, done ?seconds later
		var secs float64
		fmt.Sscan(r.URL.Query().Get("seconds"), &secs)
		sites := body.Sites
		time.AfterFunc(time.Duration(secs*float64(time.Second)), func() {
			a.mu.Lock()
			defer a.mu.Unlock()
			a.restore(sites)
		})
	case path == "/admin/corrupt":
		for _, s := range body.Sites {
			a.corrupt[s] = true
		}
	case path == "/admin/repair":
		for _, s := range body.Sites {
			delete(a.corrupt, s)
		}
	case path == "/admin/break-links":
		for _, s := range body.Sites {
			a.brokenLinks[s] = true
		}
	case path == "/admin/set":
		fmt.Sscan(r.URL.Query().Get("canary-delay"), &a.canaryDelay)
		fmt.Sscan(r.URL.Query().Get("slow-health"), &a.slowHealth)
		fmt.Sscan(r.URL.Query().Get("slow-fingerprint"), &a.slowFingerprint)
		fmt.Sscan(r.URL.Query().Get("slow-batch-health"), &a.slowBatchHealth)
		fmt.Sscan(r.URL.Query().Get("hung-batch-health"), &a.hungBatchHealth)
		fmt.Sscan(r.URL.Query().Get("flaky-links"), &a.flakyLinks)
		fmt.Sscan(r.URL.Query().Get("flaky-canary-reads"), &a.flakyCanaryReads)
		fmt.Sscan(r.URL.Query().Get("slow-links"), &a.slowLinks)
	case path == "/admin/at-most": // passes when ?sites lists at most ?n sites
		n := 0
		fmt.Sscan(r.URL.Query().Get("n"), &n)
		if len(strings.Split(r.URL.Query().Get("sites"), ",")) > n {
			http.Error(w, "too many", http.StatusConflict)
		}
	case path == "/admin/drop-canaries":
		n := 0
		fmt.Sscan(r.URL.Query().Get("n"), &n)
		for _, s := range body.Sites {
			c := a.canaries[s]
			a.canaries[s] = c[:max(len(c)-n, 0)]
		}
	case path == "/canary":
		res := map[string]string{}
		for _, s := range body.Sites {
			if a.gone[s] {
				res[s] = "site not found"
				continue
			}
			a.canaries[s] = append(a.canaries[s], body.Seq)
			res[s] = "ok"
		}
		if a.canaryDelay > 0 {
			wait(a.canaryDelay)
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"results": res})
	case strings.HasPrefix(path, "/batch/"): // /batch/health, /batch/fingerprint (fake_exec_test.go)
		if a.hungBatchHealth > 0 && path == "/batch/health" {
			a.hungBatchHealth--
			a.mu.Unlock()
			locked = false
			<-r.Context().Done()
			return
		}
		if d := a.slowBatchHealth; d > 0 && path == "/batch/health" {
			wait(d)
		}
		if d := a.slowFingerprint; d > 0 && path == "/batch/fingerprint" {
			res := a.batch("fingerprint", body.Sites) // as the read began
			wait(d)
			_ = json.NewEncoder(w).Encode(map[string]any{"results": res})
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"results": a.batch(strings.TrimPrefix(path, "/batch/"), body.Sites)})
	case path == "/canary/read":
		if a.flakyCanaryReads > 0 {
			a.flakyCanaryReads--
			http.Error(w, "stalled", http.StatusBadGateway)
			return
		}
		out := map[string][]int{}
		for _, s := range body.Sites {
			out[s] = append([]int{}, a.canaries[s]...)
		}
		_ = json.NewEncoder(w).Encode(out)
	case strings.HasPrefix(path, "/slow/"): // /slow/ID/health: the site's health, answered after slowHealth
		gone := a.gone[strings.Split(path, "/")[2]]
		if d := a.slowHealth; d > 0 {
			wait(d)
		}
		if gone {
			http.Error(w, "gone", http.StatusGone)
		}
	case strings.HasPrefix(path, "/sites/"):
		parts := strings.Split(path, "/") // "", sites, ID, what
		if len(parts) != 4 || a.gone[parts[2]] {
			http.Error(w, "gone", http.StatusGone)
			return
		}
		switch site := parts[2]; parts[3] {
		case "health":
		case "fingerprint":
			corrupt := a.corrupt[site] // as the read began
			if d := a.slowFingerprint; d > 0 {
				wait(d)
			}
			if corrupt {
				fmt.Fprintf(w, "fp-%s-corrupted\n", site)
				return
			}
			fmt.Fprintf(w, "fp-%s\n", site)
		case "links":
			if d := a.slowLinks; d > 0 {
				wait(d)
				a.mu.Lock()
				locked = true
			}
			if a.flakyLinks > 0 {
				a.flakyLinks--
				http.Error(w, "stalled", http.StatusGatewayTimeout)
				return
			}
			if a.brokenLinks[site] {
				http.Error(w, "link index unavailable", http.StatusInternalServerError)
				return
			}
			fmt.Fprint(w, `{"broken": 0}`)
		}
	default:
		http.NotFound(w, r)
	}
}
