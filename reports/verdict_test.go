package reports

import (
	"bytes"
	"strings"
	"testing"

	"github.com/drill-dev/drill/result"
)

// missedControl is the negative control whose fault went unnoticed: the drill passed, so it
// did not catch the collateral lost writes it declares.
func missedControl(t testing.TB) result.Result {
	t.Helper()
	r := fixture(t, "negative-control")
	r.Verdict, r.Expected = result.Pass, false
	r.Reason = "negative control did not catch what it declares (verdict fail, breaches [collateral-lost-writes]): all 3 objectives met"
	for i := range r.Objectives {
		if r.Objectives[i].Name == "collateral-lost-writes" {
			zero := 0.0
			r.Objectives[i].Met, r.Objectives[i].Actual, r.Objectives[i].Margin = true, &zero, &zero
		}
	}
	r.Metrics.CollateralLostWrites = 0
	return r
}

const notCaught = "negative control did not catch: collateral-lost-writes"

func TestUncaughtNegativeControlIsRedInHTML(t *testing.T) {
	for name, rep := range map[string]Report{
		"alone":        Single(missedControl(t)),
		"among drills": {Drills: []result.Result{fixture(t, "pass-small"), missedControl(t)}},
	} {
		var buf bytes.Buffer
		if err := WriteHTML(&buf, rep); err != nil {
			t.Fatal(err)
		}
		h := buf.String()
		if strings.Contains(h, `<header class="banner pass"`) || strings.Contains(h, `<header class="banner ok"`) {
			t.Errorf("%s: the banner of an uncaught negative control is green", name)
		}
		if !strings.Contains(h, notCaught) {
			t.Errorf("%s: HTML does not say %q", name, notCaught)
		}
	}
}

func TestUncaughtNegativeControlHasNoTickInMarkdown(t *testing.T) {
	for name, rep := range map[string]Report{
		"alone":        Single(missedControl(t)),
		"among drills": {Drills: []result.Result{fixture(t, "pass-small"), missedControl(t)}},
	} {
		var buf bytes.Buffer
		if err := WriteMarkdown(&buf, rep); err != nil {
			t.Fatal(err)
		}
		md := buf.String()
		first := strings.SplitN(md, "\n", 2)[0]
		if strings.Contains(first, "✅") || !strings.Contains(first, "❌") {
			t.Errorf("%s: verdict line %q: want ❌, not ✅", name, first)
		}
		if !strings.Contains(md, notCaught) {
			t.Errorf("%s: Markdown does not say %q:\n%s", name, notCaught, md)
		}
	}
}

func TestUncaughtNegativeControlFailsInJUnit(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, Single(missedControl(t))); err != nil {
		t.Fatal(err)
	}
	x := buf.String()
	if !strings.Contains(x, `type="negative-control" message="`+notCaught) {
		t.Errorf("JUnit does not fail the control with %q:\n%s", notCaught, x)
	}
}
