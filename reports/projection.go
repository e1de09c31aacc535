package reports

import (
	"fmt"
	"math"

	"github.com/drill-dev/drill/result"
)

// checkRow sets a production-size drill's measured RTO against what the sizes below
// project-to predicted for it.
type checkRow struct {
	Size, Sites, Projected, Measured, Error, Basis string
	Bad                                            bool
}

// projectionCheck compares, for every drill at or beyond project-to, the RTO the fit over the
// smaller sizes projects at its sites affected with the RTO it measured; the error is
// (projected − measured) / measured. It is empty when no production-size drill ran.
func projectionCheck(c result.Campaign) []checkRow {
	if c.ProjectToSitesAffected <= 0 {
		return nil
	}
	var points []result.Point
	var big []result.Result
	for _, d := range c.Drills {
		switch {
		case d.Metrics.SitesAffected >= c.ProjectToSitesAffected:
			big = append(big, d)
		case d.Metrics.RTOSeconds != nil && d.Verdict != result.Inconclusive && d.Verdict != result.Aborted:
			points = append(points, result.Point{Size: d.Run.Size, SitesAffected: d.Metrics.SitesAffected, RTOSeconds: *d.Metrics.RTOSeconds})
		}
	}
	if len(big) == 0 {
		return nil
	}
	fit, err := result.FitLine(points)
	var out []checkRow
	for _, d := range big {
		row := checkRow{Size: d.Run.Size, Sites: num(float64(d.Metrics.SitesAffected)), Projected: "no fit", Measured: optDur(d.Metrics.RTOSeconds, "not recovered"), Error: "—",
			Basis: fmt.Sprintf("fit over the %d smaller sizes", len(points))}
		if err == nil {
			p := fit.At(float64(d.Metrics.SitesAffected))
			row.Projected = Dur(p)
			if m := d.Metrics.RTOSeconds; m != nil && *m > 0 {
				e := (p - *m) / *m * 100
				row.Error = fmt.Sprintf("%+.0f%%", e)
				if math.Abs(e) > 25 {
					row.Bad = true
					row.Error += " (the projection is off by more than a quarter)"
				}
			}
		}
		out = append(out, row)
	}
	return out
}
