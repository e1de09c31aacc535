package reports

import (
	"fmt"
	"math"

	"github.com/drill-dev/drill/result"
)

// checkRow sets a production-size drill's measured RTO against what the sizes below
// project-to predicted for it (result.Campaign.Checks).
type checkRow struct {
	Size, Sites, Projected, Measured, Error, Basis string
	Bad                                            bool
}

// badProjection is the error beyond which a projection is called off.
const badProjection = 25 // percent

// projectionCheck formats the campaign's checks; empty when no production-size drill ran.
func projectionCheck(c result.Campaign) []checkRow {
	var out []checkRow
	for _, k := range c.Checks {
		row := checkRow{Size: k.Size, Sites: num(float64(k.SitesAffected)), Projected: optDur(k.ProjectedRTOSeconds, "no fit"),
			Measured: optDur(k.MeasuredRTOSeconds, "not recovered"), Error: "—", Basis: fmt.Sprintf("fit over the %d smaller sizes", k.Points)}
		if e := k.ErrorPercent; e != nil {
			row.Error = fmt.Sprintf("%+.0f%%", *e)
			if math.Abs(*e) > badProjection {
				row.Bad = true
				row.Error += " (the projection is off by more than a quarter)"
			}
		}
		out = append(out, row)
	}
	return out
}
