package reports

import "math"

// durationSteps are the tick spacings a reader knows by heart, in seconds.
var durationSteps = []float64{
	0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800,
	21600, 43200, 86400, 172800, 604800, 1209600, 2419200,
}

// axis is a linear scale from 0 to Max with ticks every Step.
type axis struct {
	Max, Step float64
	Duration  bool
}

// durationAxis returns an axis for durations whose end lies past v (strictly, so the largest
// bar never touches the edge) with at most maxTicks human ticks (15s, 1m, 5m, 1h).
func durationAxis(v float64, maxTicks int) axis {
	step := durationSteps[len(durationSteps)-1]
	for _, s := range durationSteps {
		if v/s < float64(maxTicks) {
			step = s
			break
		}
	}
	return axis{Max: (math.Floor(v/step) + 1) * step, Step: step, Duration: true}
}

// countAxis returns an axis for counts with 1-2-5 ticks, ending past v.
func countAxis(v float64, maxTicks int) axis {
	if v <= 0 {
		v = 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v/float64(maxTicks))))
	step := p
	for _, m := range []float64{1, 2, 5, 10} {
		if v/(m*p) < float64(maxTicks) {
			step = m * p
			break
		}
	}
	step = math.Max(step, 1)
	return axis{Max: (math.Floor(v/step) + 1) * step, Step: step}
}

// ticks returns the tick values from 0 to Max.
func (a axis) ticks() []float64 {
	var out []float64
	for v := 0.0; v <= a.Max+a.Step/1e6; v += a.Step {
		out = append(out, math.Round(v*1e6)/1e6)
	}
	return out
}

func (a axis) label(v float64) string {
	if a.Duration {
		return Dur(v)
	}
	return num(v)
}
