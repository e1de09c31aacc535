// Command gen writes the hand-made result fixtures in result/testdata. The drills are described
// by hand (sites hit, restore timings, data-loss windows, what went wrong) and every derived
// number (rto, percentiles, lost writes, objectives) is computed here from those rows, so that
// the fixtures stay internally consistent. Run from the module root:
//
//	go run ./result/testdata/gen
//
// The output is deterministic; commit the JSON files it writes.
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/drill-dev/drill/result"
)

var products = []string{"identity", "tracker", "wiki", "pager", "status"}

func main() {
	dir := "result/testdata"
	write := func(name string, v any) {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), append(b, '\n'), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	write("pass-small.json", passSmall())
	write("fail-medium.json", failMedium())
	write("negative-control.json", negativeControl())
	write("inconclusive.json", inconclusive())
	for _, r := range campaign() {
		write("campaign-"+r.Run.Size+".json", r)
	}
}

// spec describes one drill by hand; build derives the rest.
type spec struct {
	scenario, description, size string
	sites, affected             int
	records                     int
	seed                        int64
	started                     time.Time
	concurrency                 int
	restoreEach                 float64 // mean seconds per restore-sites instance
	pitrSeconds                 float64
	window                      float64 // data-loss window per product (pitr target is t0-window)
	failSite                    int     // index of an affected site whose restore fails; -1 none
	wholeDB                     bool    // negative control: whole-database PITR
	targets                     []target
	expect                      *result.Expect
	findings                    []string
	t0                          float64 // set by build: later for a bigger seed
}

type target struct {
	name, unit string
	value      float64
}

const probe = 1.0

func sid(i int) string { return fmt.Sprintf("site-%03d", i+1) }

func f(v float64) *float64 { v = math.Round(v*1000) / 1000; return &v }

func build(s spec) result.Result {
	rng := rand.New(rand.NewPCG(uint64(s.seed), 7))
	s.t0 = round(22.5 + float64(s.sites*s.records)/40000)
	t0 := s.t0
	canary := 0.25
	if s.sites > 40 {
		canary = 0.25 * math.Ceil(float64(s.sites)/40)
	}
	r := result.Result{Schema: result.SchemaVersion}
	r.Run = result.Run{
		ID:       fmt.Sprintf("%s-%s-%s", s.scenario, s.size, s.started.Format("20060102T150405Z")),
		Scenario: s.scenario, Description: s.description, Stack: "cloudsuite", Size: s.size,
		SizeParams: map[string]string{"sites": strconv.Itoa(s.sites), "records": strconv.Itoa(s.records)},
		Seed:       s.seed, Started: s.started, T0Seconds: f(t0),
		Repro: result.Repro{
			DrillVersion: "v0.1.0-dev+f81ed33",
			ScenarioHash: "9c1f7e2a4b6d8f0a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a",
			StackHash:    "3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1f7e2a4b6d8f0a1c",
			Images: map[string]string{
				"drill/postgres:15":    "sha256:5f1c0d6e2b7a4c9e8d3f6a1b0c9e8d7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d",
				"drill/cloudsuite:dev": "sha256:a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2",
			},
			DockerVersion: "20.10.24", HostCores: 2, HostOS: "linux/amd64",
			Command: fmt.Sprintf("drill run %s --size %s --seed %d", s.scenario, s.size, s.seed),
		},
	}
	// The fault: one delete instance per named site, 50ms apart.
	named := pickSites(rng, s.sites, s.affected)
	var ev []result.Event
	injectEnd := t0
	hit := map[int]float64{}
	for k, i := range named {
		st := t0 + 0.05*float64(k)
		en := st + 0.12 + 0.05*rng.Float64()
		hit[i] = st
		injectEnd = math.Max(injectEnd, en)
		ev = append(ev, result.Event{Phase: "inject", Kind: "instance", Name: "delete", Site: sid(i), Start: st, End: en, Outcome: "ok"})
	}
	ev = append([]result.Event{{Phase: "inject", Kind: "step", Name: "delete", Start: t0, End: injectEnd, Outcome: "ok"}}, ev...)
	// The runbook: a point-in-time side instance, then restore-sites per affected site.
	pitrStart := injectEnd + 0.4
	pitrEnd := pitrStart + s.pitrSeconds
	name := "pitr-side"
	if s.wholeDB {
		name = "pitr-whole-db"
	}
	ev = append(ev, result.Event{Phase: "recover", Kind: "step", Name: name, Start: pitrStart, End: pitrEnd, Outcome: "ok"})
	rec := map[int]float64{}
	restoreEnd := pitrEnd
	var inst []result.Event
	if !s.wholeDB {
		lanes := make([]float64, s.concurrency)
		for l := range lanes {
			lanes[l] = pitrEnd + 0.1
		}
		for k, i := range named {
			l := k % s.concurrency
			st := lanes[l]
			en := st + s.restoreEach*(0.8+0.4*rng.Float64())
			lanes[l] = en + 0.02
			out := "ok"
			e := result.Event{Phase: "recover", Kind: "instance", Name: "restore-sites", Site: sid(i), Start: st, End: en, Outcome: out}
			if k == s.failSite {
				e.Outcome = "failed"
				e.Attempt = 3
				e.Output = "restore-sites: copy wiki.pages for " + sid(i) + ": ERROR: insert or update on table \"pages\" violates foreign key constraint \"pages_issue_fk\" (PGPASSWORD=***)"
			} else {
				rec[i] = math.Ceil(en/probe) * probe
			}
			restoreEnd = math.Max(restoreEnd, en)
			inst = append(inst, e)
		}
		outcome := "ok"
		if s.failSite >= 0 {
			outcome = "failed"
		}
		ev = append(ev, result.Event{Phase: "recover", Kind: "step", Name: "restore-sites", Start: pitrEnd + 0.1, End: restoreEnd, Outcome: outcome})
		ev = append(ev, inst...)
	} else {
		for _, i := range named {
			rec[i] = math.Ceil((pitrEnd+2)/probe) * probe
		}
		restoreEnd = pitrEnd
	}
	r.Timeline = ev
	buildSites(&r, s, named, hit, rec, canary, pitrEnd)
	buildPhases(&r, s, injectEnd, pitrStart, restoreEnd)
	buildCanaries(&r, s, canary)
	score(&r, s)
	return r
}

func pickSites(rng *rand.Rand, n, k int) []int {
	p := rng.Perm(n)[:k]
	sort.Ints(p)
	return p
}

func buildSites(r *result.Result, s spec, named []int, hit, rec map[int]float64, canary, pitrEnd float64) {
	t0 := s.t0
	isNamed := map[int]bool{}
	for _, i := range named {
		isNamed[i] = true
	}
	m := &r.Metrics
	m.Resolution = result.Resolution{ProbeIntervalSeconds: probe, CanaryIntervalSeconds: canary}
	m.SitesTotal = s.sites
	var rtos []float64
	unrecovered := 0
	lastRec := 0.0
	for i := 0; i < s.sites; i++ {
		site := result.Site{ID: sid(i), Affected: isNamed[i], Named: isNamed[i]}
		if !isNamed[i] {
			if s.wholeDB {
				// The whole-database restore rolled every site back and took it down meanwhile.
				down := pitrEnd - (t0 + 6) + 2
				site.DowntimeSeconds = down
				m.CollateralDowntimeSiteSeconds += down
				m.CollateralDowntimeSeconds = down
				lost := int(math.Round((pitrEnd - t0 + s.window) / canary))
				site.LostWrites = lost * len(products)
				m.CollateralLostWrites += site.LostWrites
			}
			r.Sites = append(r.Sites, site)
			continue
		}
		h := hit[i]
		firstFail := math.Ceil(h/probe)*probe + 0.0
		if firstFail == h {
			firstFail += probe
		}
		site.HitSeconds = f(h)
		site.DetectSeconds = f(firstFail - h)
		if m.DetectSeconds == nil || *site.DetectSeconds < *m.DetectSeconds {
			m.DetectSeconds = site.DetectSeconds
		}
		site.Products = map[string]result.ProductLoss{}
		worst := 0.0
		for p, name := range products {
			w := canary*math.Max(1, math.Round(s.window/canary)) - canary*float64(p%2)
			n := int(math.Round(w / canary))
			last := int(math.Floor(h/canary)) - int(18/canary)
			surv := last - n
			site.Products[name] = result.ProductLoss{WindowSeconds: w, LastAckedSeq: last, SurvivingSeq: &surv, LostWrites: n}
			site.LostWrites += n
			worst = math.Max(worst, w)
		}
		site.RPOSeconds = f(worst)
		m.LostWrites += site.LostWrites
		if m.RPOSeconds == nil || worst > *m.RPOSeconds {
			m.RPOSeconds = f(worst)
		}
		if rr, ok := rec[i]; ok {
			site.RecoveredSeconds = f(rr)
			site.RTOSeconds = f(rr - h)
			site.DowntimeSeconds = rr - firstFail
			rtos = append(rtos, rr-h)
			lastRec = math.Max(lastRec, rr)
		} else {
			unrecovered++
			site.DowntimeSeconds = r.Timeline[len(r.Timeline)-1].End + 60 - firstFail
			site.IntegrityMismatches = []string{"wiki", "pager"}
			site.BrokenLinks = 3
			m.IntegrityMismatches += 2
			m.BrokenLinks += 3
		}
		r.Sites = append(r.Sites, site)
	}
	m.SitesAffected = len(named)
	m.SitesRecovered = len(rtos)
	sort.Float64s(rtos)
	rank := func(q float64) *float64 {
		k := int(math.Ceil(q*float64(len(named)))) - 1
		if k >= len(rtos) {
			return nil
		}
		return f(rtos[k])
	}
	m.SiteRTOP50Seconds, m.SiteRTOP95Seconds = rank(0.5), rank(0.95)
	if unrecovered == 0 {
		m.RTOSeconds = f(rtos[len(rtos)-1])
		m.IncidentSeconds = f(lastRec - t0)
	}
}

func buildPhases(r *result.Result, s spec, injectEnd, recoverStart, restoreEnd float64) {
	var verifyEnd float64
	for _, st := range r.Sites {
		if st.RecoveredSeconds != nil {
			verifyEnd = math.Max(verifyEnd, *st.RecoveredSeconds+3*probe)
		}
	}
	recoverOutcome := "ok"
	if s.failSite >= 0 {
		recoverOutcome = "failed"
		verifyEnd = restoreEnd + 60 // nothing changed any more for a minute
	}
	t0 := s.t0
	shift := t0 - 22.5
	seedEnd := 14.1 + shift
	ph := []result.Phase{
		{Name: "prepare", Start: 0, End: 1.2},
		{Name: "up", Start: 1.2, End: 9.8},
		{Name: "seed", Start: 9.8, End: seedEnd},
		{Name: "protect", Start: seedEnd, End: 18 + shift},
		{Name: "baseline", Start: 18 + shift, End: t0},
		{Name: "inject", Start: t0, End: injectEnd},
		{Name: "recover", Start: recoverStart, End: restoreEnd, Outcome: recoverOutcome},
		{Name: "verify", Start: t0, End: verifyEnd},
		{Name: "measure", Start: verifyEnd, End: verifyEnd + 0.3},
		{Name: "teardown", Start: verifyEnd + 0.3, End: verifyEnd + 6.1},
	}
	for i := range ph {
		if ph[i].Outcome == "" {
			ph[i].Outcome = "ok"
		}
		ph[i].Start, ph[i].End = round(ph[i].Start), round(ph[i].End)
	}
	if s.failSite >= 0 {
		ph[6].Error = "restore-sites[" + failedSite(r) + "]: exit status 1 after 3 attempts"
	}
	r.Phases = ph
	end := ph[len(ph)-1].End
	r.Run.WallSeconds = end
	r.Run.Finished = r.Run.Started.Add(time.Duration(end * float64(time.Second)))
	r.Run.Repro.CPUSeconds = round(end * 0.09)
	for i := range r.Timeline {
		r.Timeline[i].Start, r.Timeline[i].End = round(r.Timeline[i].Start), round(r.Timeline[i].End)
	}
}

func failedSite(r *result.Result) string {
	for _, e := range r.Timeline {
		if e.Outcome == "failed" && e.Site != "" {
			return e.Site
		}
	}
	return ""
}

func round(v float64) float64 { return math.Round(v*1000) / 1000 }

func buildCanaries(r *result.Result, s spec, canary float64) {
	from := r.Phases[4].Start
	to := r.Phases[7].End
	ticks := int((to - from) / canary)
	c := &r.Canaries
	c.IntervalSeconds = canary
	c.Writes = ticks * len(products)
	failed := 0
	for _, st := range r.Sites {
		if st.Affected {
			failed += int(st.DowntimeSeconds/canary) * len(products)
		} else if s.wholeDB {
			failed += int(st.DowntimeSeconds/canary) * len(products)
		}
	}
	c.Failed = failed
	c.Acked = ticks*len(products)*s.sites - failed
	c.RequestsPerSecond = round(float64(c.Writes) / (to - from))
	c.RowsPerSecond = round(float64(c.Writes*s.sites) / (to - from))
	c.MeanLatencySeconds = 0.004 + 0.00002*float64(s.sites)
}

// score turns targets into objectives and sets the verdict, as the result model describes.
func score(r *result.Result, s spec) {
	m := r.Metrics
	actual := map[string]*float64{
		"rto": m.RTOSeconds, "site-rto-p95": m.SiteRTOP95Seconds, "rpo": m.RPOSeconds,
		"lost-writes": fp(m.LostWrites), "collateral-lost-writes": fp(m.CollateralLostWrites),
		"integrity-mismatches": fp(m.IntegrityMismatches), "broken-links": fp(m.BrokenLinks),
	}
	for k, v := range m.Milestones {
		actual["milestone:"+k] = v
	}
	var breaches []string
	for _, t := range s.targets {
		o := result.Objective{Name: t.name, Unit: t.unit, Target: t.value, Actual: actual[t.name]}
		if o.Actual != nil {
			o.Margin = f(t.value - *o.Actual)
			o.Met = *o.Actual <= t.value
		} else {
			o.Note = "not recovered"
			if t.unit == "seconds" && t.name != "rto" && t.name != "site-rto-p95" {
				o.Note = "not reached"
			}
		}
		if !o.Met {
			breaches = append(breaches, t.name)
		}
		r.Objectives = append(r.Objectives, o)
	}
	stepFailed := s.failSite >= 0
	switch {
	case len(breaches) == 0 && !stepFailed:
		r.Verdict = result.Pass
		r.Reason = fmt.Sprintf("all %d objectives met; RTO %s against a %s target", len(s.targets), dur(*m.RTOSeconds), dur(s.targets[0].value))
	default:
		r.Verdict = result.Fail
		r.Reason = fmt.Sprintf("%d of %d objectives breached (%s)", len(breaches), len(s.targets), join(breaches))
		if stepFailed {
			r.Reason += "; runbook step restore-sites failed for " + failedSite(r)
		}
	}
	if s.expect != nil {
		r.Expect = s.expect
		r.Expected = r.Verdict == s.expect.Verdict && join(breaches) == join(s.expect.Breaches)
		if r.Expected {
			r.Reason = "negative control caught what it declares: " + join(breaches) + " breached"
		}
	}
	r.Findings = s.findings
}

func fp(n int) *float64 { v := float64(n); return &v }

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}

func dur(sec float64) string {
	d := time.Duration(sec * float64(time.Second)).Round(time.Second)
	s := d.String()
	for _, z := range []string{"m0s", "h0m"} {
		if strings.HasSuffix(s, z) {
			s = strings.TrimSuffix(s, z[1:])
		}
	}
	return s
}

var day = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func baseTargets() []target {
	return []target{
		{"rto", "seconds", 300}, {"site-rto-p95", "seconds", 180}, {"rpo", "seconds", 60},
		{"collateral-lost-writes", "count", 0}, {"integrity-mismatches", "count", 0}, {"broken-links", "count", 0},
		{"milestone:customers-notified", "seconds", 120},
	}
}

const atlDesc = "A script given site IDs instead of app IDs permanently deletes a quarter of the sites across every product, as at Atlassian in April 2022; the runbook restores them from a point-in-time side instance without touching other sites."

func withMilestone(r result.Result, at *float64) result.Result {
	r.Metrics.Milestones = map[string]*float64{"customers-notified": at}
	return r
}

func passSmall() result.Result {
	return sized("small", 8, 200, day)
}

func sized(size string, sites, records int, started time.Time) result.Result {
	s := spec{
		scenario: "atlassian-2022", description: atlDesc, size: size, sites: sites, records: records,
		affected: int(math.Ceil(float64(sites) * 0.25)), seed: 42, started: started, concurrency: 4,
		restoreEach: 11, pitrSeconds: 28, window: 1.0, failSite: -1, targets: baseTargets(),
	}
	if size == "large" {
		s.targets[0].value = 1200
		s.targets[1].value = 900
	}
	// The milestone is measured before scoring; set it through a pre-pass.
	return scoreWithMilestone(s, 38+float64(s.affected)*0.2)
}

func scoreWithMilestone(s spec, at float64) result.Result {
	r := build(s)
	r.Objectives = nil
	r = withMilestone(r, f(at))
	score(&r, s)
	return r
}

func failMedium() result.Result {
	s := spec{
		scenario: "atlassian-2022", description: atlDesc, size: "medium", sites: 40, records: 1000,
		affected: 10, seed: 7, started: day.Add(2 * time.Hour), concurrency: 1, restoreEach: 34,
		pitrSeconds: 41, window: 1.0, failSite: 6, targets: baseTargets(),
		findings: []string{"restore-sites copies wiki pages before the tracker issues they link to; the foreign key rejected site-0XX's pages on every attempt"},
	}
	r := scoreWithMilestone(s, 0)
	r.Metrics.Milestones["customers-notified"] = nil
	r.Objectives = nil
	score(&r, s)
	r.Findings = []string{"restore-sites copies wiki pages before the tracker issues they link to; the foreign key rejected " + failedSite(&r) + "'s pages on every attempt"}
	return r
}

func negativeControl() result.Result {
	s := spec{
		scenario: "pitr-whole-db", size: "small", sites: 8, records: 200, affected: 2, seed: 42,
		description: "Negative control: restoring the whole database to a point in time brings the deleted sites back but rolls every other site back too; drill must report the collateral lost writes.",
		started:     day.Add(4 * time.Hour), concurrency: 1, pitrSeconds: 31, window: 1.0, failSite: -1, wholeDB: true,
		targets: []target{{"rto", "seconds", 300}, {"rpo", "seconds", 60}, {"collateral-lost-writes", "count", 0}},
		expect:  &result.Expect{Verdict: result.Fail, Breaches: []string{"collateral-lost-writes"}},
	}
	return build(s)
}

func inconclusive() result.Result {
	started := day.Add(6 * time.Hour)
	r := result.Result{Schema: result.SchemaVersion, Verdict: result.Inconclusive}
	r.Run = result.Run{
		ID: "atlassian-2022-medium-" + started.Format("20060102T150405Z"), Scenario: "atlassian-2022",
		Description: atlDesc, Stack: "cloudsuite", Size: "medium",
		SizeParams: map[string]string{"sites": "80", "records": "1000"}, Seed: 42,
		Started: started, Finished: started.Add(131400 * time.Millisecond), WallSeconds: 131.4,
		Repro: result.Repro{DrillVersion: "v0.1.0-dev+f81ed33", HostCores: 2, HostOS: "linux/amd64", DockerVersion: "20.10.24",
			Command: "drill run atlassian-2022 --size medium --seed 42"},
	}
	r.Reason = "service wiki never became ready (GET /healthz: connection refused for 2m0s); nothing was measured"
	r.Errors = []string{"up: service wiki not ready after 2m0s: GET http://wiki:8080/healthz: dial tcp 172.22.0.5:8080: connect: connection refused"}
	r.Phases = []result.Phase{
		{Name: "prepare", Start: 0, End: 1.1, Outcome: "ok"},
		{Name: "up", Start: 1.1, End: 125.2, Outcome: "failed", Error: r.Errors[0]},
		{Name: "teardown", Start: 125.2, End: 131.4, Outcome: "ok"},
	}
	r.Timeline = []result.Event{
		{Phase: "up", Kind: "step", Name: "start db", Start: 1.1, End: 4.9, Outcome: "ok"},
		{Phase: "up", Kind: "step", Name: "start identity", Start: 4.9, End: 6.0, Outcome: "ok"},
		{Phase: "up", Kind: "step", Name: "start wiki", Start: 6.0, End: 125.2, Outcome: "timeout",
			Output: "wiki: pq: password authentication failed for user \"wiki\" (DATABASE_URL=postgres://wiki:***@db/cloudsuite)"},
	}
	r.Metrics.SitesTotal = 80
	r.Metrics.Resolution = result.Resolution{ProbeIntervalSeconds: 1, CanaryIntervalSeconds: 0.5}
	for _, t := range baseTargets() {
		r.Objectives = append(r.Objectives, result.Objective{Name: t.name, Unit: t.unit, Target: t.value, Note: "not measured"})
	}
	return r
}

func campaign() []result.Result {
	var out []result.Result
	for k, sz := range []struct {
		name           string
		sites, records int
	}{{"small", 8, 200}, {"medium", 80, 1000}, {"large", 400, 5000}} {
		r := sized(sz.name, sz.sites, sz.records, day.Add(time.Duration(8+k)*time.Hour))
		out = append(out, r)
	}
	return out
}
