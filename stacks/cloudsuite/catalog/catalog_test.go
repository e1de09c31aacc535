package catalog

import (
	"strings"
	"testing"
)

func TestEveryTableIsPerSite(t *testing.T) {
	if Products[0].Name != Identity {
		t.Fatal("identity must come first: products depend on it")
	}
	for _, p := range Products {
		if _, ok := p.Table(p.Main); !ok {
			t.Errorf("%s: main table %q missing", p.Name, p.Main)
		}
		for _, tab := range p.Tables {
			if tab.Schema != p.Name {
				t.Errorf("%s is in schema %s, not its product's", tab.ID(), tab.Schema)
			}
			has := false
			for _, c := range tab.Columns {
				has = has || c.Name == "site_id"
			}
			if !has || len(tab.Key) == 0 {
				t.Errorf("%s: needs site_id and a key", tab.ID())
			}
		}
	}
}

func TestFindTable(t *testing.T) {
	for _, c := range []struct{ product, table, want string }{
		{"tracker", "issues", "tracker.issues"},
		{"", "wiki.pages", "wiki.pages"},
		{"status", "status.subscribers", "status.subscribers"},
	} {
		got, err := FindTable(c.product, c.table)
		if err != nil || got.ID() != c.want {
			t.Errorf("FindTable(%q, %q) = %s, %v", c.product, c.table, got.ID(), err)
		}
	}
	for _, c := range []struct{ product, table, msg string }{
		{"tracker", "isues", `unknown table "isues" in tracker (want sites, issues, canaries)`},
		{"jira", "issues", `unknown product "jira" (want identity, tracker, wiki, pager, status)`},
		{"wiki", "tracker.issues", `table "tracker.issues" is not in product "wiki"`},
	} {
		_, err := FindTable(c.product, c.table)
		if err == nil || err.Error() != c.msg {
			t.Errorf("FindTable(%q, %q) error %v, want %s", c.product, c.table, err, c.msg)
		}
	}
}

func TestDDLCreatesEveryTableIdempotently(t *testing.T) {
	ddl := strings.Join(DDL(), ";\n")
	for _, p := range Products {
		for _, tab := range p.Tables {
			if !strings.Contains(ddl, "CREATE TABLE IF NOT EXISTS "+tab.QualifiedName()) {
				t.Errorf("no DDL for %s", tab.ID())
			}
		}
	}
	if strings.Contains(ddl, "CREATE TABLE \"") || strings.Contains(ddl, "CREATE SCHEMA \"") {
		t.Error("a statement is not idempotent")
	}
}
