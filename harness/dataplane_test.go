package harness

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/drill-dev/drill/harness/clock"
	"github.com/drill-dev/drill/harness/verify"
	"github.com/drill-dev/drill/result"
	"github.com/drill-dev/drill/scenarios"
)

// upDrill loads a scenario of testdata, starts its stack on rt and seeds it, as the seed
// phase does up to the site list; the stack is torn down when the test ends.
func upDrill(t *testing.T, name string, rt *fakeRuntime) *drill {
	t.Helper()
	sc := load(t, name)
	size, _ := sc.Size("small")
	cfg := defaults()
	cfg.clock = clock.NewClock()
	d := newDrill(sc, size, rt, cfg, NewRunID())
	t.Cleanup(func() {
		_ = d.cleanup.Run(context.Background(), 10*time.Second)
		if left := rt.Leftovers(); len(left) > 0 {
			t.Errorf("left behind: %v", left)
		}
	})
	ctx := context.Background()
	if err := d.svcs.up(ctx, d.stack); err != nil {
		t.Fatal(err)
	}
	if err := d.runStep(ctx, d.stack.Tenants.Seed, stepEnv{phase: PhaseSeed, data: d.data()}); err != nil {
		t.Fatal(err)
	}
	return d
}

// transports are the three forms of the same fake stack: http (today's), exec (the same JSON
// through fake-http on stdin and stdout) and sql (the fake PostgreSQL server).
var transports = []struct{ name, scenario string }{
	{"http", "fake-restore.yaml"},
	{"exec", "fake-restore-exec.yaml"},
	{"sql", "fake-restore-sql.yaml"},
}

func newTransportRuntime(t *testing.T, transport string) *fakeRuntime {
	rt := newFakeRuntime()
	if transport == "sql" {
		startFakeSQL(t, rt)
	}
	return rt
}

// Each contract of the data plane, in each transport, on the same fake product: the site list
// in order, canary writes acknowledged per site (sql: all or none, one transaction), canaries
// read back per site, health passing and failing with a reason, the fingerprint's value.
func TestDataplaneContracts(t *testing.T) {
	ctx := context.Background()
	want := []string{"site-01", "site-02", "site-03", "site-04", "site-05", "site-06", "site-07", "site-08"}
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			rt := newTransportRuntime(t, tr.name)
			d := upDrill(t, tr.scenario, rt)
			sites, err := d.plane.ListSites(ctx, d.data())
			if err != nil || !reflect.DeepEqual(sites, want) {
				t.Fatalf("list: %v %v, want %v", sites, err, want)
			}
			d.sites = sites
			acked, err := d.plane.CanaryWrite(ctx, "things", 7, sites, d.data())
			if err != nil || len(acked) != len(sites) || slices.Contains(mapValues(acked), false) {
				t.Fatalf("write: %v %v, want every site acknowledged", acked, err)
			}
			rt.app.mu.Lock()
			rt.app.gone["site-03"] = true
			rt.app.mu.Unlock()
			acked, err = d.plane.CanaryWrite(ctx, "things", 8, sites, d.data())
			if tr.name == "sql" {
				if err == nil {
					t.Errorf("sql write with a site gone: want the transaction to fail, got %v", acked)
				}
			} else if err != nil || acked["site-03"] || !acked["site-04"] {
				t.Errorf("write with site-03 gone: %v %v, want all but site-03", acked, err)
			}
			read, err := d.plane.CanaryRead(ctx, "things", []string{"site-01", "site-03"}, d.data())
			if err != nil || !reflect.DeepEqual(read["site-01"], wantSeqs(tr.name)) {
				t.Errorf("read: %v %v, want site-01 %v", read, err, wantSeqs(tr.name))
			}
			data := d.data()
			data.Site = "site-01"
			prod := d.stack.Products["things"]
			if _, err := d.plane.Check(ctx, *prod.Health, data, prod.Service); err != nil {
				t.Errorf("health of site-01: %v", err)
			}
			fp, err := d.plane.Check(ctx, *prod.Fingerprint, data, prod.Service)
			if got := strings.TrimSpace(string(fp)); err != nil || got != "fp-site-01" {
				t.Errorf("fingerprint %q %v, want fp-site-01 (stdout only for exec)", got, err)
			}
			data.Site = "site-03"
			if _, err := d.plane.Check(ctx, *prod.Health, data, prod.Service); err == nil {
				t.Errorf("health of a deleted site passed")
			} else {
				t.Logf("health of a deleted site fails with: %v", err)
			}
		})
	}
}

func wantSeqs(transport string) []int {
	if transport == "sql" { // the second write failed as a whole
		return []int{7}
	}
	return []int{7, 8}
}

func mapValues(m map[string]bool) []bool {
	out := make([]bool, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// An sql probe without a row does not pass (a list on exec: transport.TestListLines).
func TestDataplaneSQLNoRow(t *testing.T) {
	rt := newTransportRuntime(t, "sql")
	d := upDrill(t, "fake-restore-sql.yaml", rt)
	c := *d.stack.Products["things"].Health
	q := *c.SQL
	q.Query = "exists 'nope'"
	c.SQL = &q
	if _, err := d.plane.Check(context.Background(), c, d.data(), "app"); err == nil || !strings.Contains(err.Error(), "no row") {
		t.Errorf("a query without a row: %v, want a failure naming it", err)
	}
}

// The same known recovery (two sites deleted, restored in 1.5s each) measured through each
// transport: a product without a canary (exec) measures health and nothing else; the
// verdicts and the recovery agree.
func TestDataplaneDrillsMeasureTheSameRecovery(t *testing.T) {
	for _, tr := range transports[1:] {
		t.Run(tr.name, func(t *testing.T) {
			rt := newTransportRuntime(t, tr.name)
			res := run(t, context.Background(), load(t, tr.scenario), rt)
			if res.Verdict != result.Pass {
				t.Fatalf("verdict %s: %s %v", res.Verdict, res.Reason, res.Errors)
			}
			m := res.Metrics
			if m.SitesAffected != 2 || m.SitesRecovered != 2 || m.LostWrites == 0 || m.CollateralLostWrites != 0 {
				t.Errorf("affected %d recovered %d lost %d collateral %d, want 2 2 >0 0", m.SitesAffected, m.SitesRecovered, m.LostWrites, m.CollateralLostWrites)
			}
			if m.RTOSeconds == nil || *m.RTOSeconds < 1.5 || *m.RTOSeconds > 4 {
				t.Errorf("rto %v, want between the 1.5s restore and a few polls more", m.RTOSeconds)
			}
			for _, row := range res.Sites {
				if _, ok := row.Products["quiet"]; ok {
					t.Errorf("site %s has data loss for quiet, which declares no canary", row.ID)
				}
			}
			t.Logf("%s: rto %.2fs rpo %v lost %d, canary writes %d", tr.name, *m.RTOSeconds, fmtPtr(m.RPOSeconds), m.LostWrites, res.Canaries.Writes)
		})
	}
}

func fmtPtr(p *float64) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprintf("%.2fs", *p)
}

// The batch forms of health and fingerprint in each transport: one call for every site, an
// answer per site; a site gone fails health with the product's reason and has no checksum.
func TestDataplaneBatchContracts(t *testing.T) {
	forms := map[string][2]scenarios.Probe{
		"http": {{HTTP: &scenarios.HTTPCall{Method: "POST", Path: "/batch/health"}}, {HTTP: &scenarios.HTTPCall{Method: "POST", Path: "/batch/fingerprint"}}},
		"exec": {{Exec: &scenarios.ExecCall{Command: []string{"fake-batch", "health"}}}, {Exec: &scenarios.ExecCall{Command: []string{"fake-batch", "fingerprint"}}}},
		"sql":  {{SQL: &scenarios.SQLCall{Query: "health-batch {{pgarray .Sites}}"}}, {SQL: &scenarios.SQLCall{Query: "fingerprint-batch {{sqlin .Sites}}"}}},
	}
	ctx := context.Background()
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			rt := newTransportRuntime(t, tr.name)
			d := upDrill(t, tr.scenario, rt)
			prod := d.stack.Products["things"]
			f := forms[tr.name]
			prod.HealthBatch, prod.FingerprintBatch = &f[0], &f[1]
			rt.app.mu.Lock()
			rt.app.gone["site-02"] = true
			rt.app.corrupt["site-03"] = true
			rt.app.mu.Unlock()
			sites := []string{"site-01", "site-02", "site-03", "it's"}
			h := d.reader.Health(ctx, "things", sites, 5*time.Second)
			if h["site-01"].Err != nil || h["site-03"].Err != nil {
				t.Errorf("health of present sites: %v %v", h["site-01"].Err, h["site-03"].Err)
			}
			if err := h["site-02"].Err; err == nil || err.Error() != "gone" {
				t.Errorf("health of a deleted site: %v, want the product's reason", err)
			}
			fp := d.reader.Fingerprints(ctx, sites)
			if fp.Values["site-01"]["things"] != "fp-site-01" || fp.Values["site-03"]["things"] != "fp-site-03-corrupted" {
				t.Errorf("checksums %q %q", fp.Values["site-01"]["things"], fp.Values["site-03"]["things"])
			}
			if !errors.Is(fp.Errs["site-02"]["things"], verify.ErrNoAnswer) || !errors.Is(fp.Errs["it's"]["things"], verify.ErrNoAnswer) {
				t.Errorf("a site with no checksum: %v %v, want no answer", fp.Errs["site-02"]["things"], fp.Errs["it's"]["things"])
			}
		})
	}
}

// The sql pool is kept between probes and opened again after a connection error: a server
// that goes away (a restart moves its mapped port) fails one probe, and the next one reaches
// the server at its new endpoint.
func TestSQLPoolReopensAfterAConnectionError(t *testing.T) {
	ctx := context.Background()
	rt := newFakeRuntime()
	stop := startFakeSQL(t, rt)
	d := upDrill(t, "fake-restore-sql.yaml", rt)
	probe := *d.stack.Products["things"].Health
	data := d.data()
	data.Site = "site-01"
	for range 3 {
		if _, err := d.plane.Check(ctx, probe, data, "app"); err != nil {
			t.Fatal(err)
		}
	}
	if !slices.Contains(d.plane.Pools(), "app/fake") {
		t.Fatal("no pool kept after three probes")
	}
	stop()
	if _, err := d.plane.Check(ctx, probe, data, "app"); err == nil {
		t.Fatal("a probe passed with the server gone")
	}
	if slices.Contains(d.plane.Pools(), "app/fake") {
		t.Error("the pool was kept after a connection error")
	}
	startFakeSQL(t, rt) // the server is back, elsewhere
	if _, err := d.plane.Check(ctx, probe, data, "app"); err != nil {
		t.Errorf("after the server came back: %v", err)
	}
}
