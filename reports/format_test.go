package reports

import "testing"

func TestDurReadsLikeAPerson(t *testing.T) {
	for sec, want := range map[float64]string{
		0: "0s", 0.35: "350ms", 2.5: "2.5s", 1: "1s", 45.4: "45s", 60: "1m", 252: "4m12s",
		300: "5m", 3600: "1h", 7500: "2h5m", 86400 * 3: "3d", 86400*3 + 4*3600: "3d4h", -90: "-1m30s",
	} {
		if got := Dur(sec); got != want {
			t.Errorf("Dur(%v) = %q, want %q", sec, got, want)
		}
	}
}

func TestDurationAxisEndsPastTheLargestValueOnHumanTicks(t *testing.T) {
	for _, c := range []struct {
		v    float64
		step string
		max  string
	}{
		{45, "10s", "50s"}, {60, "15s", "1m15s"}, {310, "1m", "6m"}, {300, "1m", "6m"},
		{3000, "10m", "1h"}, {8 * 3600, "2h", "10h"}, {14 * 86400, "7d", "21d"},
	} {
		a := durationAxis(c.v, 6)
		if Dur(a.Step) != c.step || Dur(a.Max) != c.max || a.Max <= c.v {
			t.Errorf("durationAxis(%v) = step %s max %s, want step %s max %s", c.v, Dur(a.Step), Dur(a.Max), c.step, c.max)
		}
	}
	a := countAxis(883, 6)
	if a.Step != 200 || a.Max != 1000 {
		t.Errorf("countAxis(883) = %+v, want step 200 max 1000", a)
	}
}
