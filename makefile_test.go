package drill_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestMakeDrillBuildsOnlyTheFlagshipsImages: make drill builds the images of the flagship's
// stack (cloudsuite) and no other; make images and make test build every catalogue image.
func TestMakeDrillBuildsOnlyTheFlagshipsImages(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make not installed")
	}
	plan := func(target string) string {
		out, err := exec.Command("make", "-n", target).CombinedOutput()
		if err != nil {
			t.Fatalf("make -n %s: %v\n%s", target, err, out)
		}
		return string(out)
	}
	const flagship, maria = "./stacks/cloudsuite/images.sh", "./stacks/maria-tenants/images.sh"
	if p := plan("drill"); !strings.Contains(p, flagship) || strings.Contains(p, maria) || !strings.Contains(p, "run atlassian-2022") {
		t.Errorf("make drill should build the cloudsuite images only, then run atlassian-2022:\n%s", p)
	}
	for _, target := range []string{"images", "test"} {
		if p := plan(target); !strings.Contains(p, flagship) || !strings.Contains(p, maria) {
			t.Errorf("make %s should build every catalogue image:\n%s", target, p)
		}
	}
}
