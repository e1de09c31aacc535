package restore

import (
	"fmt"
	"testing"
)

func TestFilterQuotesSites(t *testing.T) {
	for _, c := range []struct {
		sites []string
		want  string
	}{
		{nil, "true"},
		{[]string{"abc"}, "site_id IN ('abc')"},
		{[]string{"a", "o'brien"}, "site_id IN ('a', 'o''brien')"},
	} {
		if got := filter(c.sites); got != c.want {
			t.Errorf("filter(%q) = %s, want %s", c.sites, got, c.want)
		}
	}
}

func TestSelectProductsKeepsDependencyOrder(t *testing.T) {
	got, err := selectProducts([]string{"wiki", "identity"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Name != "identity" || got[1].Name != "wiki" {
		t.Fatalf("got %v", got)
	}
	if _, err := selectProducts([]string{"jira"}); err == nil {
		t.Fatal("an unknown product was accepted")
	}
}

func TestBatchesSplitInOrderEachSiteOnce(t *testing.T) {
	sites := []string{"a", "b", "c", "a", "d", "e"}
	for _, c := range []struct {
		size int
		want string
	}{
		{0, "[[a b c d e]]"},
		{1, "[[a] [b] [c] [d] [e]]"},
		{2, "[[a b] [c d] [e]]"},
		{5, "[[a b c d e]]"},
		{9, "[[a b c d e]]"},
	} {
		if got := fmt.Sprint(batches(sites, c.size)); got != c.want {
			t.Errorf("batches(size %d) = %s, want %s", c.size, got, c.want)
		}
	}
	if got := batches(nil, 0); len(got) != 0 {
		t.Errorf("no sites gave %v", got)
	}
}
