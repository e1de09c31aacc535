package main

import (
	"slices"
	"testing"
)

// TestImageScripts: drill images runs the reference stack's script first (pg-tenants uses its
// drill/postgres:15), then every other stack's images.sh, each once.
func TestImageScripts(t *testing.T) {
	got := imageScripts("../..")
	if len(got) < 2 || got[0] != imagesScript || !slices.Contains(got, "stacks/maria-tenants/images.sh") {
		t.Fatalf("scripts %v", got)
	}
	if slices.Index(got[1:], imagesScript) >= 0 {
		t.Errorf("the reference script twice: %v", got)
	}
}
