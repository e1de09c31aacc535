package result

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// CampaignSchemaVersion is the version of the JSON campaign format.
const CampaignSchemaVersion = "drill.campaign/v1"

// Campaign is several drills of one scenario at different sizes, reported together with the
// scaling curve: rto_seconds fitted against sites_affected by least squares.
type Campaign struct {
	Schema   string  `json:"schema"`
	Scenario string  `json:"scenario"`
	Verdict  Verdict `json:"verdict"`
	Reason   string  `json:"reason"`
	// Drills are ordered by sites affected, then by size name.
	Drills []Result `json:"drills"`
	// Fit is nil when fewer than two drills measured an RTO at distinct numbers of affected
	// sites.
	Fit *Fit `json:"fit"`
	// HostCores is the core count of the host that ran the drills (the largest when they
	// differ, with a note in Reason): the slope depends on it.
	HostCores int `json:"host_cores"`
	// ProjectToSitesAffected is the scenario's project-to; 0 when not set.
	ProjectToSitesAffected int `json:"project_to_sites_affected,omitempty"`
	// ProjectedRTOSeconds is the fitted RTO at ProjectToSitesAffected; nil without a fit or a
	// project-to.
	ProjectedRTOSeconds *float64 `json:"projected_rto_seconds,omitempty"`
	// Objectives holds the campaign's own objective (projected-rto) when a target is set.
	Objectives []Objective `json:"objectives,omitempty"`
	// Checks sets each drill at or beyond project-to (a production-size drill) against what
	// the smaller drills projected for it: the projection is only worth showing when a
	// measurement checks it.
	Checks []Check `json:"checks,omitempty"`
}

// Check is one drill at or beyond project-to against the RTO that the line fitted over the
// smaller drills projects at its sites affected.
type Check struct {
	Size          string `json:"size"`
	SitesAffected int    `json:"sites_affected"`
	// Points is the number of smaller drills the fit is over.
	Points int `json:"points"`
	// ProjectedRTOSeconds is nil when the smaller drills do not determine a line.
	ProjectedRTOSeconds *float64 `json:"projected_rto_seconds"`
	// MeasuredRTOSeconds is the drill's own rto_seconds: nil when it did not recover.
	MeasuredRTOSeconds *float64 `json:"measured_rto_seconds"`
	// ErrorPercent is (projected − measured) / measured × 100; nil without both.
	ErrorPercent *float64 `json:"error_percent"`
}

// fitted reports whether a drill's RTO is a point of the scaling curve.
func fitted(d Result) bool {
	return d.Metrics.RTOSeconds != nil && d.Verdict != Inconclusive && d.Verdict != Aborted
}

// Fit is a least-squares line rto = Intercept + Slope × sites affected.
type Fit struct {
	Points    []Point `json:"points"`
	Intercept float64 `json:"intercept_seconds"`
	Slope     float64 `json:"slope_seconds_per_site"`
	// R2 is the coefficient of determination; 1 when every point lies on the line.
	R2 float64 `json:"r2"`
}

// Point is one drill on the scaling curve.
type Point struct {
	Size          string  `json:"size"`
	SitesAffected int     `json:"sites_affected"`
	RTOSeconds    float64 `json:"rto_seconds"`
}

// At returns the fitted RTO at x sites affected.
func (f Fit) At(x float64) float64 { return f.Intercept + f.Slope*x }

// ErrNoFit is returned by FitLine when the points do not determine a line.
var ErrNoFit = errors.New("need two points at distinct sites affected")

// FitLine fits rto against sites affected by ordinary least squares.
func FitLine(points []Point) (Fit, error) {
	n := float64(len(points))
	var sx, sy float64
	for _, p := range points {
		sx += float64(p.SitesAffected)
		sy += p.RTOSeconds
	}
	if len(points) < 2 {
		return Fit{}, ErrNoFit
	}
	mx, my := sx/n, sy/n
	var sxx, sxy, syy float64
	for _, p := range points {
		dx, dy := float64(p.SitesAffected)-mx, p.RTOSeconds-my
		sxx += dx * dx
		sxy += dx * dy
		syy += dy * dy
	}
	if sxx == 0 {
		return Fit{}, ErrNoFit
	}
	f := Fit{Points: points, Slope: sxy / sxx}
	f.Intercept = my - f.Slope*mx
	var ssRes float64
	for _, p := range points {
		d := p.RTOSeconds - f.At(float64(p.SitesAffected))
		ssRes += d * d
	}
	f.R2 = 1
	if syy > 0 {
		f.R2 = 1 - ssRes/syy
	}
	return f, nil
}

// Projection is what a campaign projects to: the scenario's project-to and projected-rto.
type Projection struct {
	// SitesAffected is project-to's sites-affected; 0 projects nothing.
	SitesAffected int
	// TargetSeconds is the projected-rto target; nil sets no objective. Zero or nil fields are
	// taken from the drills' recorded project-to and projected-rto target, if any.
	TargetSeconds *float64
}

// NewCampaign merges drills of one scenario into a campaign. It fails when the drills are of
// different scenarios or when two drills have the same size.
func NewCampaign(drills []Result, p Projection) (Campaign, error) {
	if len(drills) == 0 {
		return Campaign{}, errors.New("campaign: no drills")
	}
	c := Campaign{Schema: CampaignSchemaVersion, Scenario: drills[0].Run.Scenario}
	seen := map[string]bool{}
	for _, d := range drills {
		if d.Run.Scenario != c.Scenario {
			return Campaign{}, fmt.Errorf("campaign: drills of %q and %q: one scenario per campaign", c.Scenario, d.Run.Scenario)
		}
		if seen[d.Run.Size] {
			return Campaign{}, fmt.Errorf("campaign %s: size %q twice", c.Scenario, d.Run.Size)
		}
		seen[d.Run.Size] = true
	}
	c.Drills = append([]Result(nil), drills...)
	sort.SliceStable(c.Drills, func(i, j int) bool {
		a, b := c.Drills[i], c.Drills[j]
		if a.Metrics.SitesAffected != b.Metrics.SitesAffected {
			return a.Metrics.SitesAffected < b.Metrics.SitesAffected
		}
		return a.Metrics.SitesTotal < b.Metrics.SitesTotal
	})
	var points []Point
	cores := map[int]bool{}
	for _, d := range c.Drills {
		cores[d.Run.Repro.HostCores] = true
		c.HostCores = max(c.HostCores, d.Run.Repro.HostCores)
		if fitted(d) {
			points = append(points, Point{Size: d.Run.Size, SitesAffected: d.Metrics.SitesAffected, RTOSeconds: *d.Metrics.RTOSeconds})
		}
	}
	if f, err := FitLine(points); err == nil {
		c.Fit = &f
	}
	c.project(p)
	c.check()
	c.score(len(cores) > 1)
	return c, nil
}

// check compares every drill at or beyond project-to with the projection of the smaller drills.
func (c *Campaign) check() {
	if c.ProjectToSitesAffected <= 0 {
		return
	}
	var points []Point
	var big []Result
	for _, d := range c.Drills {
		switch {
		case d.Metrics.SitesAffected >= c.ProjectToSitesAffected:
			big = append(big, d)
		case fitted(d):
			points = append(points, Point{Size: d.Run.Size, SitesAffected: d.Metrics.SitesAffected, RTOSeconds: *d.Metrics.RTOSeconds})
		}
	}
	fit, err := FitLine(points)
	for _, d := range big {
		k := Check{Size: d.Run.Size, SitesAffected: d.Metrics.SitesAffected, Points: len(points), MeasuredRTOSeconds: d.Metrics.RTOSeconds}
		if err == nil {
			v := fit.At(float64(d.Metrics.SitesAffected))
			k.ProjectedRTOSeconds = &v
			if m := d.Metrics.RTOSeconds; m != nil && *m > 0 {
				e := (v - *m) / *m * 100
				k.ErrorPercent = &e
			}
		}
		c.Checks = append(c.Checks, k)
	}
}

func (c *Campaign) project(p Projection) {
	// What the caller leaves unset comes from the drills: the scenario's project-to and
	// projected-rto target, recorded in each result.
	for _, d := range c.Drills {
		if p.SitesAffected == 0 {
			p.SitesAffected = int(d.Run.ProjectTo["sites-affected"])
		}
		if p.TargetSeconds == nil {
			p.TargetSeconds = d.Run.ProjectedRTO
		}
	}
	c.ProjectToSitesAffected = p.SitesAffected
	target := p.TargetSeconds
	if c.Fit != nil && p.SitesAffected > 0 {
		v := c.Fit.At(float64(p.SitesAffected))
		c.ProjectedRTOSeconds = &v
	}
	if target == nil || p.SitesAffected == 0 {
		return
	}
	o := Objective{Name: "projected-rto", Unit: "seconds", Target: *target, Actual: c.ProjectedRTOSeconds}
	if o.Actual != nil {
		m := o.Target - *o.Actual
		o.Margin = &m
		o.Met = m >= 0
	} else {
		o.Note = "no fit: fewer than two drills measured an RTO"
	}
	c.Objectives = []Objective{o}
}

// score sets the campaign verdict: the worst of its drills' outcomes (a negative control that
// caught what it declares counts as a pass, one that did not as a failure), and fail when the
// projection misses its target.
func (c *Campaign) score(mixedCores bool) {
	outs := make([]Outcome, len(c.Drills))
	for i := range c.Drills {
		outs[i] = OutcomeOf(&c.Drills[i])
	}
	code := WorstExit(Exits(outs)...)
	var worst []string
	for i, o := range outs {
		if o.Exit == code && !o.OK() {
			worst = append(worst, c.Drills[i].Run.Size)
		}
	}
	c.Verdict = VerdictOfExit(code)
	var parts []string
	if c.Verdict != Pass {
		parts = append(parts, fmt.Sprintf("%s at %s", c.Verdict, joinWords(worst)))
	}
	for _, o := range c.Objectives {
		if !o.Met {
			if c.Verdict == Pass {
				c.Verdict = Fail
			}
			if o.Actual != nil {
				parts = append(parts, fmt.Sprintf("projected RTO at %d sites affected is %.0fs, over the %.0fs target", c.ProjectToSitesAffected, *o.Actual, o.Target))
			} else {
				parts = append(parts, "projected-rto "+o.Note)
			}
		}
	}
	if len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("all %d drills passed", len(c.Drills)))
		if len(c.Objectives) > 0 {
			parts[0] += " and the projection meets its target"
		}
	}
	if mixedCores {
		parts = append(parts, "drills ran on hosts with different core counts")
	}
	c.Reason = strings.Join(parts, "; ")
}

func joinWords(s []string) string { return strings.Join(s, ", ") }

// Outcome is what the campaign's verdict means.
func (c Campaign) Outcome() Outcome { return Judge(c.Verdict, nil, false, nil) }
