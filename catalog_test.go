package drill_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	drill "github.com/drill-dev/drill"
	"github.com/drill-dev/drill/scenarios"
)

// TestCatalogEmbedsEveryFile: every scenario file of scenarios/ and every stack and compose
// file of stacks/ on disk is in the embedded catalogue, byte for byte.
func TestCatalogEmbedsEveryFile(t *testing.T) {
	onDisk, _ := filepath.Glob("scenarios/*.yaml")
	stacks, _ := filepath.Glob("stacks/*/stack.yaml")
	composes, _ := filepath.Glob("stacks/*/docker-compose.yml")
	onDisk = append(append(onDisk, stacks...), composes...)
	if len(onDisk) < 6 {
		t.Fatalf("only %d catalogue files on disk", len(onDisk))
	}
	for _, p := range onDisk {
		want, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := fs.ReadFile(drill.Catalog(), filepath.ToSlash(p))
		if err != nil {
			t.Errorf("%s is not embedded (add its pattern to catalog.go): %v", p, err)
			continue
		}
		if string(got) != string(want) {
			t.Errorf("%s: embedded copy differs", p)
		}
	}
}

// TestCatalogValidates loads every built-in by name, as an installed drill would.
func TestCatalogValidates(t *testing.T) {
	names := scenarios.Builtins(nil, "Scenario")
	if len(names) < 6 {
		t.Fatalf("built-in scenarios: %v", names)
	}
	stacks := scenarios.Builtins(nil, "Stack")
	if len(stacks) == 0 {
		t.Skip("no stack file in the catalogue yet (stacks/cloudsuite/stack.yaml)")
	}
	for _, n := range stacks {
		if _, err := scenarios.LoadStack(n); err != nil {
			t.Errorf("built-in stack %s:\n%v", n, err)
		}
	}
	for _, n := range names {
		sc, err := scenarios.Load(n)
		if err != nil {
			t.Errorf("built-in scenario %s:\n%v", n, err)
			continue
		}
		if sc.File != "builtin:scenarios/"+n+".yaml" || sc.Name != n {
			t.Errorf("%s: file %q, name %q", n, sc.File, sc.Name)
		}
	}
}

// TestExampleStacksAreAllSQL: the example stacks of docs/own-stack.md have no HTTP service of
// their own: no service exposes an HTTP readiness check, and every part of their data plane
// (tenants list, health, fingerprint, canary write and read) is sql. Each has a scenario that
// must pass and a negative control that declares what it catches.
func TestExampleStacksAreAllSQL(t *testing.T) {
	examples := map[string][2]string{
		"pg-tenants":    {"pg-tenant-purge", "pg-whole-db-restore"},
		"maria-tenants": {"maria-tenant-purge", "maria-whole-server-restore"},
	}
	for name, scs := range examples {
		st, err := scenarios.LoadStack(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, s := range st.Services {
			if s.Ready != nil && s.Ready.Probe.HTTP != nil {
				t.Errorf("%s: service %s is checked over HTTP", name, s.Name)
			}
		}
		sqlOnly := func(what string, p *scenarios.Probe) {
			if p == nil || p.SQL == nil {
				t.Errorf("%s: %s is not sql", name, what)
			}
		}
		sqlOnly("tenants.list", st.Tenants.List)
		if len(st.Products) == 0 {
			t.Errorf("%s: no product", name)
		}
		for pn, p := range st.Products {
			sqlOnly(pn+".health", p.Health)
			sqlOnly(pn+".fingerprint", p.Fingerprint)
			sqlOnly(pn+".canary.write", p.CanaryWrite)
			sqlOnly(pn+".canary.read", p.CanaryRead)
		}
		pass, control := scs[0], scs[1]
		if sc, err := scenarios.Load(pass); err != nil || sc.Stack.Name != name || sc.Expect != nil {
			t.Errorf("%s: want a scenario on %s with no expect: %v", pass, name, err)
		}
		sc, err := scenarios.Load(control)
		if err != nil || sc.Stack.Name != name || sc.Expect == nil ||
			!slices.Equal(sc.Expect.Breaches, []string{"collateral-lost-writes"}) {
			t.Errorf("%s: want a negative control on %s expecting collateral-lost-writes: %v", control, name, err)
		}
	}
}

// TestComposeExample: the example stack of docs/own-stack.md's "Services from a compose file"
// takes its service from its compose file (image, volumes, the healthcheck as readiness) and
// adds only the drill parts (the sql connection, the secret), and a scenario runs on it.
func TestComposeExample(t *testing.T) {
	st, err := scenarios.LoadStack("pg-compose")
	if err != nil {
		t.Fatal(err)
	}
	db := st.Services["db"]
	if st.Compose != "builtin:stacks/pg-compose/docker-compose.yml" || len(st.Services) != 1 || db == nil {
		t.Fatalf("compose %q, services %v", st.Compose, st.Services)
	}
	if db.Image != "drill/postgres:15" || len(db.Volumes) != 3 || !slices.Equal(db.Ports, []int{5432}) ||
		db.Ready == nil || db.Ready.Probe.Exec == nil || !slices.Equal(db.Ready.Probe.Exec.Command, []string{"drill-pg", "ready"}) {
		t.Errorf("db from the compose file: %+v", db)
	}
	if db.SQL == nil || !db.Env["POSTGRES_PASSWORD"].Secret || db.Env["POSTGRES_DB"].Value != "notes" {
		t.Errorf("db's drill parts: sql %+v, env %+v", db.SQL, db.Env)
	}
	if sc, err := scenarios.Load("pg-compose-tenant-purge"); err != nil || sc.Stack.Name != "pg-compose" {
		t.Errorf("pg-compose-tenant-purge: %v", err)
	}
}
