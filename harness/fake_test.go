package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/drill-dev/drill/harness/runtime"
)

// fakeRuntime runs "containers" as in-process HTTP servers: every service of the test stack is
// served by one fakeApp. It records every resource created and removed, in order.
type fakeRuntime struct {
	mu      sync.Mutex
	app     *fakeApp
	log     []string // "create network x", "remove container y" …
	missing map[string]bool
	live    map[string]bool
	built   []string
	// sql is the address of a fake PostgreSQL server over app (fake_sql_test.go); containers
	// answer it as the endpoint of port fakeSQLPort.
	sql string
	// endpoints counts the Endpoint calls (a Docker round trip each on a real engine).
	endpoints int
}

func newFakeRuntime() *fakeRuntime {
	return &fakeRuntime{app: newFakeApp(), missing: map[string]bool{}, live: map[string]bool{}}
}

func (r *fakeRuntime) record(op, name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.log = append(r.log, op+" "+name)
	switch {
	case strings.HasPrefix(op, "create"):
		r.live[name] = true
	case strings.HasPrefix(op, "remove"):
		delete(r.live, name)
	}
}

func (r *fakeRuntime) leftovers() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for n := range r.live {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

func (r *fakeRuntime) Info(context.Context) (runtime.Info, error) {
	return runtime.Info{ServerVersion: "fake", CPUs: 2}, nil
}

func (r *fakeRuntime) ImageID(_ context.Context, ref string) (string, error) {
	if r.missing[ref] {
		return "", runtime.ErrImageMissing
	}
	return "sha256:" + ref, nil
}

// BuildImage "builds" a missing image: it is present afterwards.
func (r *fakeRuntime) BuildImage(_ context.Context, ref, dir string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.missing, ref)
	r.built = append(r.built, ref+" from "+dir)
	return nil
}

func (r *fakeRuntime) CreateNetwork(_ context.Context, name string, _ map[string]string) error {
	r.record("create network", name)
	return nil
}

func (r *fakeRuntime) RemoveNetwork(_ context.Context, name string) error {
	r.record("remove network", name)
	return nil
}

func (r *fakeRuntime) CreateVolume(_ context.Context, name string, _ map[string]string) error {
	r.record("create volume", name)
	return nil
}

func (r *fakeRuntime) RemoveVolume(_ context.Context, name string) error {
	r.record("remove volume", name)
	return nil
}

func (r *fakeRuntime) WipeVolume(context.Context, string, string) error { return nil }

func (r *fakeRuntime) Start(_ context.Context, spec runtime.ContainerSpec) (runtime.Container, error) {
	r.record("create container", spec.Name)
	return &fakeContainer{rt: r, name: spec.Name, srv: httptest.NewServer(r.app)}, nil
}

func (r *fakeRuntime) RunOnce(_ context.Context, spec runtime.ContainerSpec) (runtime.ExecResult, error) {
	return runtime.ExecResult{Output: []byte(strings.Join(spec.Command, " "))}, nil
}

type fakeContainer struct {
	rt   *fakeRuntime
	name string
	mu   sync.Mutex
	srv  *httptest.Server
}

func (c *fakeContainer) Name() string { return c.name }
func (c *fakeContainer) ID() string   { return c.name }
func (c *fakeContainer) Endpoint(_ context.Context, port int) (string, error) {
	c.rt.mu.Lock()
	c.rt.endpoints++
	sql := c.rt.sql
	c.rt.mu.Unlock()
	if port == fakeSQLPort && sql != "" {
		return sql, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.TrimPrefix(c.srv.URL, "http://"), nil
}

// Exec understands "sleep SECONDS", so a runbook can take a known time, and the commands of
// fakeApp.exec (fake_exec_test.go).
func (c *fakeContainer) Exec(ctx context.Context, cmd []string, _ string, stdin []byte) (runtime.ExecResult, error) {
	c.mu.Lock()
	srv := c.srv
	c.mu.Unlock()
	if res, ok := c.rt.app.exec(srv, cmd, stdin); ok {
		return res, nil
	}
	if len(cmd) == 2 && cmd[0] == "sleep" {
		var s float64
		fmt.Sscan(cmd[1], &s)
		select {
		case <-time.After(time.Duration(s * float64(time.Second))):
		case <-ctx.Done():
			return runtime.ExecResult{}, ctx.Err()
		}
		return runtime.ExecResult{}, nil
	}
	if len(cmd) > 0 && cmd[0] == "false" {
		return runtime.ExecResult{ExitCode: 1, Output: []byte("false says no")}, nil
	}
	out := []byte(strings.Join(cmd, " "))
	return runtime.ExecResult{Output: out, Stdout: out}, nil
}

func (c *fakeContainer) Logs(context.Context) (io.ReadCloser, error) {
	return io.NopCloser(strings.NewReader("fake log\n")), nil
}
func (c *fakeContainer) State(context.Context) (string, error)     { return "running", nil }
func (c *fakeContainer) Stop(context.Context, time.Duration) error { return nil }
func (c *fakeContainer) Start(context.Context) error               { return nil }
func (c *fakeContainer) Kill(context.Context) error                { return nil }
func (c *fakeContainer) Pause(context.Context) error               { return nil }
func (c *fakeContainer) Unpause(context.Context) error             { return nil }

// Restart serves the same app on a new port, as a restarted container publishes anew.
func (c *fakeContainer) Restart(context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.srv.Close()
	c.srv = httptest.NewServer(c.rt.app)
	return nil
}
func (c *fakeContainer) Remove(_ context.Context, _ bool) error {
	c.mu.Lock()
	c.srv.Close()
	c.mu.Unlock()
	c.rt.record("remove container", c.name)
	return nil
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
		_ = json.NewEncoder(w).Encode(map[string]any{"results": a.batch(strings.TrimPrefix(path, "/batch/"), body.Sites)})
	case path == "/canary/read":
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
