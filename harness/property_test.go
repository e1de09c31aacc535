package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/drill-dev/drill/result"
	"github.com/drill-dev/drill/scenarios"
)

// TestPropertyValidDrillsAlwaysEndInAResult builds random valid stacks and scenarios (every
// data-plane transport, batch forms, products with and without canaries, volume options,
// faults that hit nothing, some sites or fail to inject, runbooks that restore, do nothing
// or fail) and runs each on the fake runtime: Run never panics, always returns a result with
// a verdict and a reason, the result marshals, and nothing is left behind.
// DRILL_PROPERTY_CASES sets the number of cases (default 4 with -short, 16 without) and
// DRILL_PROPERTY_SEED the first seed.
func TestPropertyValidDrillsAlwaysEndInAResult(t *testing.T) {
	n := 16
	if testing.Short() {
		n = 4
	}
	if v, err := strconv.Atoi(os.Getenv("DRILL_PROPERTY_CASES")); err == nil {
		n = v
	}
	first, _ := strconv.ParseUint(os.Getenv("DRILL_PROPERTY_SEED"), 10, 64)
	if first == 0 {
		first = uint64(time.Now().UnixNano() % 100000)
	}
	for seed := first; seed < first+uint64(n); seed++ {
		t.Run(fmt.Sprint("seed-", seed), func(t *testing.T) {
			t.Parallel()
			g := &gen{r: rand.New(rand.NewPCG(seed, 1))}
			stack, scenario := g.stack(), g.scenario()
			dir := t.TempDir()
			_ = os.WriteFile(filepath.Join(dir, "stack.yaml"), []byte(stack), 0o644)
			_ = os.WriteFile(filepath.Join(dir, "scenario.yaml"), []byte(scenario), 0o644)
			sc, err := scenarios.Load(filepath.Join(dir, "scenario.yaml"))
			if err != nil {
				t.Fatalf("the generator made an invalid drill: %v\n%s\n---\n%s", err, stack, scenario)
			}
			rt := newFakeRuntime()
			startFakeSQL(t, rt)
			res, err := Run(context.Background(), sc, "small", rt, WithTeardownTimeout(10*time.Second))
			if err != nil || res == nil {
				t.Fatalf("Run: %v (result %v)\n%s\n---\n%s", err, res != nil, stack, scenario)
			}
			switch res.Verdict {
			case result.Pass, result.Fail, result.Inconclusive:
			default:
				t.Errorf("verdict %q", res.Verdict)
			}
			if res.Reason == "" || strings.Contains(res.Reason, "harness panic") {
				t.Errorf("reason %q\nerrors %v\n%s\n---\n%s", res.Reason, res.Errors, stack, scenario)
			}
			if _, err := json.Marshal(res); err != nil {
				t.Errorf("result does not marshal: %v", err)
			}
			if left := rt.Leftovers(); len(left) > 0 {
				t.Errorf("left behind: %v\n%s\n---\n%s", left, stack, scenario)
			}
			t.Logf("seed %d: %s — %s", seed, res.Verdict, res.Reason)
		})
	}
}

// gen writes random valid stack and scenario documents for the fake runtime.
type gen struct {
	r     *rand.Rand
	sites int
}

func (g *gen) pick(options ...string) string { return options[g.r.IntN(len(options))] }
func (g *gen) chance(p float64) bool         { return g.r.Float64() < p }

// probe is a per-site (perSite) or batch probe of a fake product in one of the transports.
func (g *gen) probe(what string, perSite bool) string {
	site := `{{sqlquote .Site}}`
	switch t := g.pick("http", "exec", "sql"); {
	case t == "http" && perSite:
		return fmt.Sprintf(`{http: {service: app, path: "/sites/{{.Site}}/%s"}}`, what)
	case t == "http":
		return fmt.Sprintf(`{http: {service: app, method: POST, path: /batch/%s}}`, what)
	case t == "exec" && perSite:
		return fmt.Sprintf(`{exec: {service: app, command: [fake-http, GET, "/sites/{{.Site}}/%s"]}}`, what)
	case t == "exec":
		return fmt.Sprintf(`{exec: {service: app, command: [fake-batch, %s]}}`, what)
	case perSite:
		return fmt.Sprintf(`{sql: {service: app, query: "%s %s"}}`, what, site)
	default:
		return fmt.Sprintf(`{sql: {service: app, query: "%s-batch %s"}}`, what, g.pick("{{sqlin .Sites}}", "{{pgarray .Sites}}"))
	}
}

func (g *gen) canary() string {
	write := g.pick(`{http: {service: app, method: POST, path: /canary}}`,
		`{exec: {service: app, command: [fake-http, POST, /canary]}}`,
		`{sql: {service: app, query: "canary-write {{.Seq}} {{sqlin .Sites}}"}}`)
	read := g.pick(`{http: {service: app, method: POST, path: /canary/read}}`,
		`{exec: {service: app, command: [fake-http, POST, /canary/read]}}`,
		`{sql: {service: app, query: "canary-read {{pgarray .Sites}}"}}`)
	return fmt.Sprintf("{write: %s, read: %s}", write, read)
}

func (g *gen) stack() string {
	var b strings.Builder
	b.WriteString("apiVersion: drill/v1\nkind: Stack\nname: prop\nservices:\n")
	b.WriteString("  app:\n    image: fake/app:1\n    ports: [8080, 5432]\n    sql: {port: 5432, user: drill, database: fake}\n")
	fmt.Fprintf(&b, "    volumes: {data: %s}\n", g.pick("/data", "{path: /data, nocopy: true}", "{path: /data, read-only: false}"))
	b.WriteString("    " + g.pick("ready: {http: /healthz}", "ready: {exec: [true]}", "ready: {sql: {query: ping}}", "# no readiness") + "\n")
	fmt.Fprintf(&b, "  side:\n    image: fake/app:1\n    ports: [8080]\n    %s\n    volumes: {logs: %s}\n",
		g.pick("depends-on: [app]", "# independent"), g.pick("/logs", "{path: /logs, read-only: true}"))
	b.WriteString("tenants:\n  seed: {action: seed}\n  list: ")
	b.WriteString(g.pick(`{http: {service: app, path: /admin/sites}}`, `{exec: {service: app, command: [fake-lines]}}`, `{sql: {service: app, query: sites}}`) + "\n")
	if g.chance(0.5) {
		b.WriteString("protect:\n  - {action: backup}\n")
	}
	b.WriteString("products:\n")
	for i := range 1 + g.r.IntN(3) {
		fmt.Fprintf(&b, "  p%d:\n    service: %s\n    health: %s\n", i, g.pick("app", "side"), g.probe("health", true))
		if g.chance(0.7) {
			fmt.Fprintf(&b, "    fingerprint: %s\n", g.probe("fingerprint", true))
		}
		if g.chance(0.3) {
			fmt.Fprintf(&b, "    health-batch: %s\n", g.probe("health", false))
		}
		if g.chance(0.3) {
			fmt.Fprintf(&b, "    fingerprint-batch: %s\n", g.probe("fingerprint", false))
		}
		if g.chance(0.7) {
			fmt.Fprintf(&b, "    canary: %s\n", g.canary())
		}
	}
	if g.chance(0.3) {
		b.WriteString("links:\n  l: {http: {service: app, path: \"/sites/{{.Site}}/links\"}}\n")
	}
	b.WriteString(propActions)
	return b.String()
}

const propActions = `actions:
  seed:
    steps: [{http: {service: app, method: POST, path: "/admin/seed?sites={{.Size.sites}}"}}]
  backup:
    steps: [{http: {service: app, method: POST, path: /admin/backup}}]
  delete:
    params: {ids: ~}
    steps: [{http: {service: app, method: POST, path: /admin/delete, body: '{"ids": {{json (list .Args.ids)}}}'}}]
  restore:
    params: {sites: ~, seconds: "0"}
    steps:
      - exec: {service: app, command: [sleep, "{{.Args.seconds}}"]}
      - http: {service: app, method: POST, path: /admin/restore, body: '{"sites": {{json (list .Args.sites)}}}'}
  drop-canaries:
    params: {sites: ~}
    steps: [{http: {service: app, method: POST, path: "/admin/drop-canaries?n=2", body: '{"sites": {{json (list .Args.sites)}}}'}}]
`

func (g *gen) scenario() string {
	g.sites = 1 + g.r.IntN(5)
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: drill/v1\nkind: Scenario\nname: prop\nstack: stack.yaml\nsizes:\n  small: {sites: %d}\ninject:\n", g.sites)
	for range 1 + g.r.IntN(2) {
		b.WriteString("  - " + g.pick(
			fmt.Sprintf(`{action: delete, foreach: {sites: {count: %d}}, with: {ids: "{{.Site}}"}}`, 1+g.r.IntN(g.sites)),
			`{action: delete, foreach: {sites: {fraction: 0.5}}, with: {ids: "{{.Site}}"}}`,
			`{action: drop-canaries, foreach: {sites: {count: 1}}, with: {sites: "{{.Site}}"}}`,
			`{sleep: 50ms}`,
			`{service: {name: side, op: `+g.pick("restart", "pause", "unpause", "kill", "stop", "start")+`}}`,
			`{volume: {name: data, op: wipe}}`,
			fmt.Sprintf(`{action: delete, foreach: {sites: {count: %d}}, with: {ids: "{{.Site}}"}}`, 1+g.r.IntN(g.sites)),
			`{exec: {service: app, command: ["false"]}}`,
		) + "\n")
	}
	b.WriteString("recover:\n")
	for range 1 + g.r.IntN(2) {
		b.WriteString("  - " + g.pick(
			fmt.Sprintf(`{action: restore, foreach: affected, concurrency: %d, with: {sites: "{{.Site}}", seconds: "0.%d"}}`, 1+g.r.IntN(3), g.r.IntN(4)),
			`{action: restore, with: {sites: "{{.Sites}}"}}`,
			`{sleep: 50ms}`,
			`{exec: {service: app, command: ["false"]}}`,
			`{sql: {service: app, query: "commit"}}`,
		) + "\n")
	}
	fmt.Fprintf(&b, "intervals: {probe: %dms, canary: %dms, settle: %d, grace: 500ms}\nrecovery-timeout: 3s\n",
		50+g.r.IntN(60), 50+g.r.IntN(60), 1+g.r.IntN(3))
	b.WriteString("targets: {" + g.pick("rto: 1m", "rpo: 1m, lost-writes: 0", "collateral-lost-writes: 0, integrity-mismatches: 0", "broken-links: 0") + "}\n")
	return b.String()
}
