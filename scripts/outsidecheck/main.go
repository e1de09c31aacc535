// Command outsidecheck checks drill's recovered instants from outside, as a user's monitoring
// would: no drill code, only the stack file, the Docker CLI and plain HTTP to the ports the
// running drill published on 127.0.0.1.
//
//	outsidecheck watch -stack stacks/cloudsuite/stack.yaml -out out/x/outside.json [-sample 100] &
//	flock /tmp/drill-heavy.lock ./bin/drill run ... --out out/x
//	outsidecheck compare -polls out/x/outside.json -result out/x/result.json
//
// watch waits for the containers of a drill (label drill.run-id), finds each service's published
// port (docker port), keeps the union of the sites the stack's tenant list has named, and every
// -every (500ms) asks every product about every site: by the product's declared batch health
// form (one request per product), or with -per-site N, by the per-site health check of N sites
// spread over the list. A site passes an outside poll when every product answered it healthy.
// It stops when the drill's containers are gone and writes, per site, the instants it needs:
// the start of its last failing poll and of the first passing poll after it.
//
// compare reads the drill's result.json and checks every affected site that was watched: its
// recovered instant r(s) must come after the start of the last failing outside poll, and no
// later than the first passing outside poll after it plus the resolution the result states
// (the poll gap plus the largest proof lag; -larger checks against the larger of the two). It prints the minimum, mean and
// maximum of r(s) minus that first passing outside poll, and every violation; it exits 1 on a
// violation.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "watch":
		err = watch(os.Args[2:])
	case "compare":
		var ok bool
		ok, err = compare(os.Args[2:])
		if err == nil && !ok {
			os.Exit(1)
		}
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "outsidecheck:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: outsidecheck watch -stack STACK.yaml -out FILE [-every 500ms] [-per-site N]\n       outsidecheck compare -polls FILE -result result.json")
	os.Exit(2)
}

// stack is what outsidecheck reads of a stack file.
type stack struct {
	Services map[string]struct {
		Ports []int `yaml:"ports"`
	} `yaml:"services"`
	Tenants struct {
		List struct {
			HTTP *httpProbe `yaml:"http"`
		} `yaml:"list"`
	} `yaml:"tenants"`
	Products map[string]struct {
		Service     string `yaml:"service"`
		Health      *probe `yaml:"health"`
		HealthBatch *probe `yaml:"health-batch"`
	} `yaml:"products"`
}

type probe struct {
	HTTP *httpProbe `yaml:"http"`
}

type httpProbe struct {
	Service string `yaml:"service"`
	Method  string `yaml:"method"`
	Path    string `yaml:"path"`
}

// Polls is what watch writes: the watched run, how many outside polls it made and the largest
// gap between two of them, and per site the instants compare needs (unix nanoseconds; 0: none).
type Polls struct {
	RunID   string              `json:"run_id"`
	Every   string              `json:"every"`
	Mode    string              `json:"mode"`
	Polls   int                 `json:"polls"`
	MaxGap  float64             `json:"max_gap_seconds"`
	Skipped int                 `json:"skipped_answers"` // product answers lost to a request error (not counted either way)
	Sites   map[string]*outside `json:"sites"`
}

type outside struct {
	FirstFail   int64  `json:"first_fail"`
	LastFail    int64  `json:"last_fail"`     // start of the last failing outside poll
	LastFailEnd int64  `json:"last_fail_end"` // when its answer came in
	Healthy     int64  `json:"healthy"`       // start of the first passing poll after LastFail (0: failing at the end)
	Reason      string `json:"reason,omitempty"`
}

func watch(args []string) error {
	fs := flag.NewFlagSet("watch", flag.ExitOnError)
	stackFile := fs.String("stack", "stacks/cloudsuite/stack.yaml", "the stack file")
	out := fs.String("out", "outside.json", "where to write the polls")
	every := fs.Duration("every", 500*time.Millisecond, "poll period")
	perSite := fs.Int("per-site", 0, "poll N sites by their per-site health check instead of every site by the batch form")
	sample := fs.Int("sample", 0, "poll N sites (spread over the list) by the batch form, not every site: less load on the stack")
	wait := fs.Duration("wait", 30*time.Minute, "how long to wait for a drill's containers")
	_ = fs.Parse(args)
	b, err := os.ReadFile(*stackFile)
	if err != nil {
		return err
	}
	var st stack
	if err := yaml.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("%s: %w", *stackFile, err)
	}
	runID, err := waitRun(*wait)
	if err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, "outsidecheck: watching run", runID)
	w := &watcher{st: st, runID: runID, client: &http.Client{Timeout: 5 * time.Second}, known: map[string]bool{},
		polls: Polls{RunID: runID, Every: every.String(), Mode: "batch", Sites: map[string]*outside{}}}
	switch {
	case *perSite > 0:
		w.polls.Mode = fmt.Sprintf("per-site, %d sites", *perSite)
	case *sample > 0:
		w.polls.Mode = fmt.Sprintf("batch, %d sites", *sample)
	}
	// The ports and the sites are refreshed on a goroutine of their own (docker ps takes a
	// while), so that the polls keep their period.
	gone := make(chan struct{})
	go func() {
		defer close(gone)
		for {
			alive, err := w.refresh()
			if err != nil {
				fmt.Fprintln(os.Stderr, "outsidecheck:", err)
			}
			if !alive {
				return
			}
			time.Sleep(3 * time.Second)
		}
	}()
	var last time.Time
	tick := time.NewTicker(*every)
	defer tick.Stop()
poll:
	for {
		select {
		case <-gone:
			break poll
		case <-tick.C:
		}
		w.mu.Lock()
		sites, ports := w.sites, w.ports
		w.mu.Unlock()
		if len(sites) == 0 || ports == nil {
			continue
		}
		switch {
		case *perSite > 0:
			sites = spread(sites, *perSite)
		case *sample > 0:
			sites = spread(sites, *sample)
		}
		start := time.Now()
		if !last.IsZero() {
			w.polls.MaxGap = max(w.polls.MaxGap, start.Sub(last).Seconds())
		}
		last = start
		w.poll(start, ports, sites, *perSite > 0)
	}
	b, err = json.MarshalIndent(w.polls, "", " ")
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "outsidecheck: %d polls of %d sites, largest gap %.2fs, %d answers skipped\n", w.polls.Polls, len(w.polls.Sites), w.polls.MaxGap, w.polls.Skipped)
	return os.WriteFile(*out, b, 0o644)
}

// waitRun waits until containers of a new drill run (label drill.run-id, a run that had no
// container when watch started) exist and returns that run id.
func waitRun(wait time.Duration) (string, error) {
	runs := func() []string {
		out, err := exec.Command("docker", "ps", "-a", "--filter", "label=drill.run-id", "--format", `{{.Label "drill.run-id"}}`).Output()
		if err != nil {
			return nil
		}
		return strings.Fields(string(out))
	}
	old := map[string]bool{}
	for _, id := range runs() {
		old[id] = true
	}
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		for _, id := range runs() {
			if !old[id] {
				return id, nil
			}
		}
		time.Sleep(time.Second)
	}
	return "", fmt.Errorf("no drill containers within %s", wait)
}

type watcher struct {
	mu     sync.Mutex // guards ports and sites
	st     stack
	runID  string
	client *http.Client
	ports  map[string]string // service -> 127.0.0.1:port
	sites  []string
	known  map[string]bool
	polls  Polls
}

// refresh finds the run's services' published ports and adds the sites the tenant list names
// now; alive is false once the run's containers are gone.
func (w *watcher) refresh() (alive bool, err error) {
	// -a: a container created but not yet started still belongs to a run that is alive.
	out, err := exec.Command("docker", "ps", "-a", "--filter", "label=drill.run-id="+w.runID, "--format", "{{.ID}} {{.Names}}").Output()
	if err != nil {
		return true, err
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) == 1 && lines[0] == "" {
		return false, nil
	}
	ports := map[string]string{}
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) != 2 {
			continue
		}
		svc := w.service(f[1])
		if svc == "" || len(w.st.Services[svc].Ports) == 0 {
			continue
		}
		p, err := exec.Command("docker", "port", f[0], fmt.Sprintf("%d/tcp", w.st.Services[svc].Ports[0])).Output()
		if err != nil {
			continue
		}
		first := strings.Fields(string(p))
		if len(first) == 0 {
			continue
		}
		hp := first[0]
		ports[svc] = "127.0.0.1:" + hp[strings.LastIndex(hp, ":")+1:]
	}
	var list []string
	if l := w.st.Tenants.List.HTTP; l != nil && ports[l.Service] != "" {
		_ = w.getJSON(ports[l.Service], l.Path, &list)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ports = ports
	sites := slices.Clone(w.sites) // a new slice: the polls hold the old one
	for _, s := range list {
		if !w.known[s] {
			w.known[s] = true
			sites = append(sites, s)
		}
	}
	w.sites = sites
	return true, nil
}

// service is the stack service a container name ends with (the longest that matches).
func (w *watcher) service(name string) string {
	best := ""
	for svc := range w.st.Services {
		if (name == svc || strings.HasSuffix(name, "-"+svc) || strings.HasSuffix(name, "_"+svc)) && len(svc) > len(best) {
			best = svc
		}
	}
	return best
}

func (w *watcher) getJSON(hostport, path string, v any) error {
	resp, err := w.client.Get("http://" + hostport + path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", path, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// poll asks every product about sites at once and records each site's outcome.
func (w *watcher) poll(start time.Time, ports map[string]string, sites []string, perSite bool) {
	type ans struct {
		site, product, reason string
		ok, skip              bool
	}
	var mu sync.Mutex
	var all []ans
	var wg sync.WaitGroup
	add := func(a ans) { mu.Lock(); all = append(all, a); mu.Unlock() }
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for name, p := range w.st.Products {
		hp := ports[p.Service]
		switch {
		case hp == "":
		case !perSite && p.HealthBatch != nil && p.HealthBatch.HTTP != nil:
			wg.Go(func() {
				body, _ := json.Marshal(map[string][]string{"sites": sites})
				method := cmpOr(p.HealthBatch.HTTP.Method, http.MethodPost)
				req, _ := http.NewRequestWithContext(ctx, method, "http://"+hp+p.HealthBatch.HTTP.Path, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				resp, err := w.client.Do(req)
				var res struct {
					Results map[string]string `json:"results"`
				}
				if err == nil {
					err = json.NewDecoder(resp.Body).Decode(&res)
					resp.Body.Close()
				}
				for _, s := range sites {
					if err != nil {
						add(ans{site: s, product: name, skip: true})
						continue
					}
					v := res.Results[s]
					add(ans{site: s, product: name, ok: v == "ok" || v == "true", reason: v})
				}
			})
		case p.Health != nil && p.Health.HTTP != nil:
			for _, s := range sites {
				wg.Go(func() {
					path := strings.ReplaceAll(p.Health.HTTP.Path, "{{.Site}}", s)
					req, _ := http.NewRequestWithContext(ctx, cmpOr(p.Health.HTTP.Method, http.MethodGet), "http://"+hp+path, nil)
					resp, err := w.client.Do(req)
					if err != nil {
						add(ans{site: s, product: name, ok: false, reason: err.Error()})
						return
					}
					b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
					resp.Body.Close()
					add(ans{site: s, product: name, ok: resp.StatusCode == http.StatusOK, reason: strings.TrimSpace(string(b))})
				})
			}
		}
	}
	wg.Wait()
	end := time.Now()
	failing := map[string]string{}
	for _, a := range all {
		if a.skip {
			w.polls.Skipped++
			continue
		}
		if !a.ok {
			failing[a.site] = a.product + ": " + a.reason
		}
	}
	w.polls.Polls++
	for _, s := range sites {
		o := w.polls.Sites[s]
		if o == nil {
			o = &outside{}
			w.polls.Sites[s] = o
		}
		if why, bad := failing[s]; bad {
			if o.FirstFail == 0 {
				o.FirstFail = start.UnixNano()
			}
			o.LastFail, o.LastFailEnd, o.Healthy, o.Reason = start.UnixNano(), end.UnixNano(), 0, why
		} else if o.LastFail != 0 && o.Healthy == 0 {
			o.Healthy = start.UnixNano()
		}
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// spread picks n sites evenly over the list.
func spread(sites []string, n int) []string {
	if n >= len(sites) {
		return sites
	}
	out := make([]string, 0, n)
	for i := range n {
		out = append(out, sites[i*len(sites)/n])
	}
	return out
}

// result is what compare reads of drill's result.json.
type result struct {
	Run struct {
		ID      string    `json:"id"`
		Size    string    `json:"size"`
		Started time.Time `json:"started"`
	} `json:"run"`
	Metrics struct {
		Resolution map[string]float64 `json:"resolution"`
	} `json:"metrics"`
	Sites []struct {
		ID        string   `json:"id"`
		Affected  bool     `json:"affected"`
		Recovered *float64 `json:"recovered_seconds"`
		ProofLag  *float64 `json:"proof_lag_seconds"`
	} `json:"sites"`
}

func compare(args []string) (bool, error) {
	fs := flag.NewFlagSet("compare", flag.ExitOnError)
	pollsFile := fs.String("polls", "outside.json", "what watch wrote")
	resultFile := fs.String("result", "result.json", "the drill's result")
	larger := fs.Bool("larger", false, "state the resolution as the larger of poll gap and proof lag, not their sum")
	_ = fs.Parse(args)
	var p Polls
	var r result
	for f, v := range map[string]any{*pollsFile: &p, *resultFile: &r} {
		b, err := os.ReadFile(f)
		if err != nil {
			return false, err
		}
		if err := json.Unmarshal(b, v); err != nil {
			return false, fmt.Errorf("%s: %w", f, err)
		}
	}
	if p.RunID != r.Run.ID {
		return false, fmt.Errorf("the polls watched run %s, the result is of run %s", p.RunID, r.Run.ID)
	}
	res := r.Metrics.Resolution
	stated := res["poll_gap_seconds"] + res["proof_lag_max_seconds"]
	if *larger {
		stated = max(res["poll_gap_seconds"], res["proof_lag_max_seconds"])
	}
	var diffs []float64
	var violations []string
	checked, unseen := 0, 0
	for _, s := range r.Sites {
		o := p.Sites[s.ID]
		if !s.Affected || o == nil {
			continue
		}
		if s.Recovered == nil {
			violations = append(violations, s.ID+": drill says not recovered")
			continue
		}
		if o.LastFail == 0 {
			unseen++ // the outside poller never saw it fail: nothing to compare with
			continue
		}
		checked++
		rs := r.Run.Started.Add(time.Duration(*s.Recovered * float64(time.Second)))
		lastFail := time.Unix(0, o.LastFail)
		if !rs.After(lastFail) {
			violations = append(violations, fmt.Sprintf("%s: recovered at %s, before an outside poll begun at %s failed (%s)", s.ID, rs.Format("15:04:05.000"), lastFail.Format("15:04:05.000"), o.Reason))
		}
		if o.Healthy == 0 {
			violations = append(violations, s.ID+": still failing outside at the last outside poll")
			continue
		}
		d := rs.Sub(time.Unix(0, o.Healthy)).Seconds()
		diffs = append(diffs, d)
		if d > stated {
			lag := "?"
			if s.ProofLag != nil {
				lag = fmt.Sprintf("%.2fs", *s.ProofLag)
			}
			violations = append(violations, fmt.Sprintf("%s: recovered %.2fs after the first healthy outside poll, beyond the stated resolution %.2fs (its proof lag %s)", s.ID, d, stated, lag))
		}
	}
	fmt.Printf("run %s (%s): %d outside polls (%s, every %s, largest gap %.2fs); %d affected sites compared, %d never seen failing outside\n",
		r.Run.ID, r.Run.Size, p.Polls, p.Mode, p.Every, p.MaxGap, checked, unseen)
	fmt.Printf("stated resolution %.2fs (poll gap %.2fs, proof lag p50 %.2fs p95 %.2fs max %.2fs)\n", stated, res["poll_gap_seconds"],
		res["proof_lag_p50_seconds"], res["proof_lag_p95_seconds"], res["proof_lag_max_seconds"])
	if len(diffs) > 0 {
		sort.Float64s(diffs)
		sum := 0.0
		for _, d := range diffs {
			sum += d
		}
		fmt.Printf("r(s) − first healthy outside poll: min %.2fs mean %.2fs p95 %.2fs max %.2fs\n", diffs[0], sum/float64(len(diffs)),
			diffs[max(int(math.Ceil(0.95*float64(len(diffs)))), 1)-1], diffs[len(diffs)-1])
	}
	slices.Sort(violations)
	fmt.Printf("violations: %d\n", len(violations))
	for i, v := range violations {
		if i == 20 {
			fmt.Printf("  … and %d more\n", len(violations)-20)
			break
		}
		fmt.Println("  " + v)
	}
	return len(violations) == 0, nil
}
