package reports

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/drill-dev/drill/result"
)

// TestFindingsStateEachFactOnce renders a result as a real run recorded it (the harness's
// findings in the result) and counts how often the report states that sites were late or not
// restored: once, in one wording.
func TestFindingsStateEachFactOnce(t *testing.T) {
	r := fixture(t, "fail-medium")
	r.Findings = []string{ // as harness/findings.go worded them
		"4 of 10 affected sites were restored after the 5m0s target or not at all.",
		"1 of 10 affected sites did not recover before verification ended.",
	}
	want := result.Findings(r)
	var buf bytes.Buffer
	if err := WriteHTML(&buf, Single(r)); err != nil {
		t.Fatal(err)
	}
	h := buf.String()
	start, end := strings.Index(h, `<ul class="findings">`), strings.Index(h, "<h3>Objectives</h3>")
	if start < 0 || end < start {
		t.Fatal("no findings section")
	}
	items := regexp.MustCompile(`<li>([^<]*)</li>`).FindAllStringSubmatch(h[start:end], -1)
	if len(items) != len(want) {
		t.Errorf("the report lists %d findings, result.Findings %d: %q", len(items), len(want), items)
	}
	late := 0
	for _, it := range items {
		if strings.Contains(it[1], "restored after") || strings.Contains(it[1], "did not recover") || strings.Contains(it[1], "not restored") {
			late++
		}
	}
	if late != 2 { // 3 sites late, 1 not restored at all: two facts
		t.Errorf("late and unrestored sites stated %d times, want 2: %q", late, items)
	}
}
