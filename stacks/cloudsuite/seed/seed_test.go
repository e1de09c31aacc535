package seed

import (
	"bufio"
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/drill-dev/drill/stacks/cloudsuite/catalog"
)

func TestSiteIDsAreDeterministicAndExtendable(t *testing.T) {
	a, b := SiteIDs(7, 400), SiteIDs(7, 20)
	if !slices.Equal(a[:20], b) {
		t.Fatal("the first 20 of 400 sites differ from 20 sites with the same seed")
	}
	if slices.Equal(SiteIDs(8, 20), b) {
		t.Fatal("another seed gave the same sites")
	}
	seen := map[string]bool{}
	for _, id := range a {
		if len(id) != 12 || strings.Trim(id, "0123456789abcdef") != "" {
			t.Fatalf("site ID %q is not 12 hex digits", id)
		}
		if seen[id] {
			t.Fatalf("duplicate site ID %s", id)
		}
		seen[id] = true
	}
	for ord := 1; ord <= 400; ord++ {
		for k := range catalog.Apps {
			app := AppID(7, ord, k)
			if seen[app] {
				t.Fatalf("app ID %s collides with a site or app ID", app)
			}
			seen[app] = true
		}
	}
}

// TestEverySeededTableHasAGenerator: a table added to the catalogue must be seeded too.
func TestEverySeededTableHasAGenerator(t *testing.T) {
	for _, p := range catalog.Products {
		for _, tab := range p.Tables {
			if _, ok := generators[tab.ID()]; ok != tab.Seeded {
				t.Errorf("%s: seeded %v, generator %v", tab.ID(), tab.Seeded, ok)
			}
		}
	}
}

func generate(t *testing.T, table string, seed int64, records int) string {
	t.Helper()
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	r := &row{w: w, first: true}
	for ord, id := range SiteIDs(seed, 3) {
		generators[table](site{seed: seed, ordinal: ord + 1, id: id, records: records}, rng(seed, ord+1, 0), r)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestRowsAreDeterministicAndWellFormed(t *testing.T) {
	for _, p := range catalog.Products {
		for _, tab := range p.Tables {
			if !tab.Seeded {
				continue
			}
			a, b := generate(t, tab.ID(), 3, 50), generate(t, tab.ID(), 3, 50)
			if a != b {
				t.Fatalf("%s: two generations with the same seed differ", tab.ID())
			}
			lines := strings.Split(strings.TrimSuffix(a, "\n"), "\n")
			for _, l := range lines {
				if got := len(strings.Split(l, "\t")); got != len(tab.Columns) {
					t.Fatalf("%s: %d fields, want %d: %q", tab.ID(), got, len(tab.Columns), l)
				}
				if strings.Contains(l, `\\`) {
					t.Fatalf("%s: a backslash needs escaping: %q", tab.ID(), l)
				}
			}
			if tab.Name == p.Main && len(lines) != 3*50 {
				t.Errorf("%s: %d rows for 3 sites of 50 records", tab.ID(), len(lines))
			}
		}
	}
}

func TestWikiPagesLinkToSeededIssues(t *testing.T) {
	for _, l := range strings.Split(strings.TrimSpace(generate(t, "wiki.pages", 1, 20)), "\n") {
		f := strings.Split(l, "\t")
		issue := f[len(f)-1]
		if n := len(issue); n == 0 || n > 2 || issue == "0" || (n == 2 && issue > "20") {
			t.Fatalf("page links to issue %s, outside 1..20", issue)
		}
	}
}
