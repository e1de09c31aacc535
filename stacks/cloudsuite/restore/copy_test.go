package restore

import "testing"

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
