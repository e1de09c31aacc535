package scenarios

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func siteIDs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("s%02d", i)
	}
	return out
}

func TestChooseSites(t *testing.T) {
	all := siteIDs(30)
	affected, unaffected := all[:4], all[4:]
	cases := []struct {
		name string
		f    *Foreach
		want int
	}{
		{"nil is all", nil, 30},
		{"all", &Foreach{From: SitesAll}, 30},
		{"affected", &Foreach{From: SitesAffected}, 4},
		{"unaffected", &Foreach{From: SitesUnaffected}, 26},
		{"count", &Foreach{From: SitesAll, Count: 5}, 5},
		{"count capped", &Foreach{From: SitesAffected, Count: 9}, 4},
		{"fraction rounds up", &Foreach{From: SitesAll, Fraction: 0.25}, 8},
		{"fraction exact in decimal", &Foreach{From: SitesAll, Fraction: 0.1}, 3},
		{"fraction at least one", &Foreach{From: SitesAffected, Fraction: 0.01}, 1},
	}
	for _, c := range cases {
		got := ChooseSites(c.f, all, affected, unaffected, 1)
		if len(got) != c.want {
			t.Errorf("%s: chose %d sites, want %d", c.name, len(got), c.want)
		}
	}
	if got := ChooseSites(&Foreach{From: SitesAffected}, all, nil, all, 1); len(got) != 0 {
		t.Errorf("no affected sites: chose %v", got)
	}
}

func TestChooseSitesDeterministic(t *testing.T) {
	all := siteIDs(40)
	f := &Foreach{From: SitesAll, Fraction: 0.25}
	a := ChooseSites(f, all, nil, nil, 7)
	if b := ChooseSites(f, all, nil, nil, 7); !reflect.DeepEqual(a, b) {
		t.Fatalf("same seed chose %v then %v", a, b)
	}
	if c := ChooseSites(f, all, nil, nil, 8); reflect.DeepEqual(a, c) {
		t.Errorf("seeds 7 and 8 chose the same sites %v", a)
	}
	g := &Foreach{From: SitesAll, Fraction: 0.25, Seed: 1, HasSeed: true}
	if c := ChooseSites(g, all, nil, nil, 7); reflect.DeepEqual(a, c) {
		t.Errorf("the step's seed did not change the choice %v", a)
	}
	for i := 1; i < len(a); i++ {
		if a[i-1] >= a[i] {
			t.Fatalf("chosen sites not in the order of the set: %v", a)
		}
	}
}

// A count given as a template of the size resolves per size; one that is not a whole number of
// sites is an error naming it.
func TestForeachCountBySize(t *testing.T) {
	f := &Foreach{From: SitesAll, CountText: "{{.Size.deleted}}"}
	got, err := f.Resolve(map[string]string{"sites": "1000", "deleted": "883"})
	if err != nil || got.Count != 883 || got.CountText != "" || f.Count != 0 {
		t.Fatalf("resolved %+v, %v; the original %+v must stay a template", got, err, f)
	}
	if _, err := f.Resolve(map[string]string{"deleted": "0"}); err == nil || !strings.Contains(err.Error(), "at least 1") {
		t.Fatalf("count 0: %v", err)
	}
}
