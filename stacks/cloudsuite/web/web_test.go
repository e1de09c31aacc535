package web

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestSplitSites(t *testing.T) {
	for in, want := range map[string][]string{
		"a,b":        {"a", "b"},
		"a b":        {"a", "b"},
		"[a b c]":    {"a", "b", "c"},
		" a, ,b\n":   {"a", "b"},
		"":           nil,
		"[]":         nil,
		"only":       {"only"},
		"x,y z,[w]]": {"x", "y", "z", "[w]"},
	} {
		if got := SplitSites(in); !slices.Equal(got, want) {
			t.Errorf("SplitSites(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIDsAcceptsStringOrArray(t *testing.T) {
	for in, want := range map[string][]string{
		`"a"`:          {"a"},
		`"a,b"`:        {"a", "b"},
		`["a","b"]`:    {"a", "b"},
		`["a,b", "c"]`: {"a", "b", "c"},
	} {
		var ids IDs
		if err := json.Unmarshal([]byte(in), &ids); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if !slices.Equal(ids, want) {
			t.Errorf("%s = %q, want %q", in, ids, want)
		}
	}
	var ids IDs
	if err := json.Unmarshal([]byte(`{"a": 1}`), &ids); err == nil {
		t.Error("an object was accepted as IDs")
	}
}
