package reports

import (
	"fmt"
	"html/template"
	"math"
	"sort"

	"github.com/drill-dev/drill/result"
)

// chart is an inline SVG with the table of the numbers it draws.
type chart struct {
	ID      string
	Title   string
	SVG     template.HTML
	Caption string
	Head    []string
	Rows    [][]string
}

const (
	rowH     = 18.0
	labelW   = 200.0
	cdfAbove = 60 // more sites than this draw a CDF instead of one bar per site
)

// anchorFor keeps a label of about width px inside the chart.
func anchorFor(x, width float64) string {
	switch {
	case x+width/2 > chartWidth:
		return "end"
	case x-width/2 < 0:
		return "start"
	}
	return "middle"
}

// item is one site in a distribution chart; a nil value never came (not recovered).
type item struct {
	label string
	v     *float64
	tip   string
}

// distribution draws one bar per item, sorted, or a CDF when there are many, on an axis
// zoomed on the values; the target is an edge marker when it lies beyond them.
func distribution(id, title, desc, axisTitle, targetName string, items []item, target *float64, nilWord string) *chart {
	if len(items) == 0 {
		return nil
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i].v, items[j].v
		if a == nil || b == nil {
			return b == nil && a != nil
		}
		return *a < *b
	})
	top := 0.0
	missing := 0
	for _, it := range items {
		if it.v == nil {
			missing++
		} else {
			top = math.Max(top, *it.v)
		}
	}
	if top == 0 && target != nil {
		top = *target // nothing measured: the target's scale
	}
	if top == 0 {
		top = 1
	}
	c := &chart{ID: id, Title: title}
	if len(items) > cdfAbove {
		c.SVG = cdf(title, desc, axisTitle, targetName, items, target, top, missing, nilWord)
		return c
	}
	lw := 110.0
	f := frame{left: lw, top: 24, width: chartWidth - lw - 110, height: float64(len(items)) * 15, x: durationAxis(top, 8)}
	s := newSVG(chartWidth, f.top+f.height+42, title, desc)
	s.xAxis(f, axisTitle)
	for i, it := range items {
		y := f.top + float64(i)*15
		s.text(lw-6, y+11, "end", colInk, truncate(it.label, 14))
		if it.v == nil {
			s.rect(f.left, y+2, f.width, 11, "#ffebe9", it.label+": "+nilWord)
			s.text(f.left+f.width+4, y+11, "start", colBad, nilWord)
			continue
		}
		fill := colBar
		if target != nil && *it.v > *target {
			fill = colBad
		}
		s.rect(f.left, y+2, f.px(*it.v)-f.left, 11, fill, it.tip)
		s.text(f.px(*it.v)+4, y+11, "start", colMuted, Dur(*it.v))
	}
	drawTarget(s, f, targetName, target)
	c.SVG = s.html()
	return c
}

// drawTarget draws a distribution's target as a dashed line, or as a marker at the right edge
// when it lies beyond the axis, which is zoomed on the data (as the timeline does).
func drawTarget(s *svg, f frame, name string, target *float64) {
	if target == nil {
		return
	}
	lbl := name + " " + Dur(*target)
	x := f.px(math.Min(*target, f.x.Max))
	if *target > f.x.Max {
		lbl += ", beyond the slowest →"
	}
	s.line(x, f.top-4, x, f.top+f.height, colTarget, 2, "6 3")
	s.text(x, f.top-8, anchorFor(x, 7*float64(len([]rune(lbl)))), colTarget, lbl)
}

// cdf draws the share of items at or under each value, as a step line.
func cdf(title, desc, axisTitle, targetName string, items []item, target *float64, top float64, missing int, nilWord string) template.HTML {
	f := frame{left: 60, top: 24, width: chartWidth - 60 - 30, height: 240, x: durationAxis(top, 8)}
	s := newSVG(chartWidth, f.top+f.height+42, title, desc)
	s.xAxis(f, axisTitle)
	py := func(share float64) float64 { return f.top + f.height - share*f.height }
	for _, q := range []float64{0, 0.25, 0.5, 0.75, 1} {
		s.line(f.left, py(q), f.left+f.width, py(q), colGrid, 1, "")
		s.text(f.left-6, py(q)+4, "end", colMuted, fmt.Sprintf("%.0f%%", q*100))
	}
	n := float64(len(items))
	pts := [][2]float64{{f.left, py(0)}}
	k := 0
	for _, it := range items {
		if it.v == nil {
			continue
		}
		k++
		x := f.px(*it.v)
		pts = append(pts, [2]float64{x, pts[len(pts)-1][1]}, [2]float64{x, py(float64(k) / n)})
	}
	pts = append(pts, [2]float64{f.left + f.width, pts[len(pts)-1][1]})
	s.polyline(pts, colBar, 2, "")
	if missing > 0 {
		s.text(f.left+f.width-4, f.top+f.height-8, "end", colBad, fmt.Sprintf("%d of %d %s", missing, len(items), nilWord))
	}
	drawTarget(s, f, targetName, target)
	return s.html()
}

// siteRTOChart shows each affected site's recovery time against the RTO target.
func siteRTOChart(r result.Result, id string) *chart {
	var items []item
	c := &chart{Head: []string{"site", "hit at", "recovered at", "recovery time", "detected after", "downtime"}}
	for _, s := range r.Sites {
		if !s.Affected {
			continue
		}
		it := item{label: s.ID, v: s.RTOSeconds}
		if s.RTOSeconds != nil {
			it.tip = fmt.Sprintf("%s recovered %s after it was hit", s.ID, Dur(*s.RTOSeconds))
		}
		items = append(items, it)
		c.Rows = append(c.Rows, []string{s.ID, optDur(s.HitSeconds, "—"), optDur(s.RecoveredSeconds, "not recovered"), optDur(s.RTOSeconds, "not recovered"), optDur(s.DetectSeconds, "—"), Dur(s.DowntimeSeconds)})
	}
	var target *float64
	if t, ok := objectiveTarget(r, "rto"); ok {
		target = &t
	}
	desc := fmt.Sprintf("%d affected sites, %d recovered", r.Metrics.SitesAffected, r.Metrics.SitesRecovered)
	d := distribution(id, "Recovery time per site", desc, "time from the fault to the site passing every probe", "RTO target", items, target, "not recovered")
	if d == nil {
		return nil
	}
	d.Head, d.Rows = c.Head, c.Rows
	if len(items) > cdfAbove {
		d.Caption = "Share of affected sites recovered within each time after they were hit, on a scale that ends past the slowest; the dashed line is the RTO target (at the right edge, with an arrow, when it lies beyond)."
	} else {
		d.Caption = "One bar per affected site, fastest first; red bars missed the RTO target (dashed; at the right edge, with an arrow, when it lies beyond the slowest)."
	}
	return d
}

// dataLossChart shows each affected site's largest data-loss window over its products.
func dataLossChart(r result.Result, id string) *chart {
	var items []item
	var products []string
	seen := map[string]bool{}
	for _, s := range r.Sites {
		for p := range s.Products {
			if !seen[p] {
				seen[p] = true
				products = append(products, p)
			}
		}
	}
	sort.Strings(products)
	head := append([]string{"site"}, products...)
	head = append(head, "lost writes")
	var rows [][]string
	for _, s := range r.Sites {
		if !s.Affected {
			continue
		}
		it := item{label: s.ID, v: s.RPOSeconds}
		if s.RPOSeconds != nil {
			bound := ""
			if s.RPOBounded {
				bound = "at least "
			}
			it.tip = fmt.Sprintf("%s lost %s%s of writes (%d writes)", s.ID, bound, Dur(*s.RPOSeconds), s.LostWrites)
		}
		items = append(items, it)
		row := []string{s.ID}
		for _, p := range products {
			pl, ok := s.Products[p]
			switch {
			case !ok:
				row = append(row, "—")
			case pl.Bounded:
				row = append(row, "≥ "+Dur(pl.WindowSeconds))
			default:
				row = append(row, Dur(pl.WindowSeconds))
			}
		}
		rows = append(rows, append(row, num(float64(s.LostWrites))))
	}
	var target *float64
	if t, ok := objectiveTarget(r, "rpo"); ok {
		target = &t
	}
	desc := fmt.Sprintf("largest data-loss window per affected site; resolution %s (the canary interval)", Dur(r.Metrics.Resolution.CanaryIntervalSeconds))
	d := distribution(id, "Data-loss window per site", desc, "writes lost before the fault (window)", "RPO target", items, target, "not measured")
	if d == nil {
		return nil
	}
	d.Head, d.Rows = head, rows
	d.Caption = "The largest window over the site's products between the last write acknowledged before the fault and the newest one that survived; the dashed line is the RPO target (at the right edge, with an arrow, when it lies beyond the largest)."
	return d
}

// campaignChart plots RTO against sites affected with the fitted line and, unless measured is
// set, the projection to project-to and its target; measured zooms on the sizes that ran.
func campaignChart(c result.Campaign, id string, measured bool) *chart {
	if len(c.Drills) == 0 {
		return nil
	}
	maxX, maxY := 0.0, 0.0
	for _, d := range c.Drills {
		maxX = math.Max(maxX, float64(d.Metrics.SitesAffected))
		if d.Metrics.RTOSeconds != nil {
			maxY = math.Max(maxY, *d.Metrics.RTOSeconds)
		}
	}
	if measured && c.Fit != nil {
		maxY = math.Max(maxY, c.Fit.At(maxX))
	}
	if measured {
		c.ProjectToSitesAffected, c.ProjectedRTOSeconds, c.Objectives = 0, nil, nil
	}
	maxX = math.Max(maxX, float64(c.ProjectToSitesAffected))
	if c.ProjectedRTOSeconds != nil {
		maxY = math.Max(maxY, *c.ProjectedRTOSeconds)
	}
	var target *float64
	for _, o := range c.Objectives {
		t := o.Target
		target = &t
		maxY = math.Max(maxY, t)
	}
	if maxY == 0 {
		maxY = 1
	}
	f := frame{left: 70, top: 24, width: chartWidth - 70 - 40, height: 280, x: countAxis(maxX, 8)}
	y := durationAxis(maxY, 6)
	py := func(v float64) float64 { return f.top + f.height - v/y.Max*f.height }
	desc := "RTO of each size against the sites it affected"
	if c.Fit != nil {
		desc += fmt.Sprintf(", least-squares line with R² %.3f", c.Fit.R2)
	}
	title := "RTO against sites affected: " + c.Scenario
	if measured {
		title = "RTO of the sizes that ran: " + c.Scenario
	}
	s := newSVG(chartWidth, f.top+f.height+42, title, desc)
	s.xAxis(f, "sites affected")
	for _, t := range y.ticks() {
		s.line(f.left, py(t), f.left+f.width, py(t), colGrid, 1, "")
		s.text(f.left-6, py(t)+4, "end", colMuted, Dur(t))
	}
	ch := &chart{ID: id, Title: "Scaling to project-to", Head: []string{"size", "sites affected", "RTO", "fitted RTO", "residual"}}
	if c.Fit != nil {
		lastX := 0.0
		for _, p := range c.Fit.Points {
			lastX = math.Max(lastX, float64(p.SitesAffected))
		}
		clip := func(x float64) [2]float64 {
			v := c.Fit.At(x)
			return [2]float64{f.px(x), py(math.Max(0, math.Min(v, y.Max)))}
		}
		s.polyline([][2]float64{clip(0), clip(lastX)}, colFit, 2, "")
		if c.ProjectToSitesAffected > 0 {
			s.polyline([][2]float64{clip(lastX), clip(float64(c.ProjectToSitesAffected))}, colFit, 2, "6 4")
		}
	}
	if target != nil {
		s.line(f.left, py(*target), f.left+f.width, py(*target), colTarget, 2, "6 3")
		s.text(f.left+f.width-4, py(*target)-6, "end", colTarget, "projected-RTO target "+Dur(*target))
	}
	lastLabel := math.Inf(-1)
	for _, d := range c.Drills {
		if d.Metrics.RTOSeconds == nil {
			ch.Rows = append(ch.Rows, []string{d.Run.Size, num(float64(d.Metrics.SitesAffected)), "not recovered", "—", "—"})
			continue
		}
		x, v := float64(d.Metrics.SitesAffected), *d.Metrics.RTOSeconds
		fill := colBar
		if !result.OutcomeOf(&d).OK() {
			fill = colBad
		}
		s.circle(f.px(x), py(v), 5, fill, fmt.Sprintf("%s: %d sites affected, RTO %s", d.Run.Size, d.Metrics.SitesAffected, Dur(v)))
		if f.px(x)-lastLabel > 60 { // a label that would collide with its neighbour stays in the tooltip
			s.text(f.px(x)+8, math.Max(py(v)-10, f.top+12), "start", colInk, d.Run.Size)
			lastLabel = f.px(x)
		}
		fit, res := "—", "—"
		if c.Fit != nil {
			fit, res = Dur(c.Fit.At(x)), Dur(v-c.Fit.At(x))
		}
		ch.Rows = append(ch.Rows, []string{d.Run.Size, num(x), Dur(v), fit, res})
	}
	if c.ProjectedRTOSeconds != nil {
		x, v := float64(c.ProjectToSitesAffected), *c.ProjectedRTOSeconds
		fill := colFit
		for _, o := range c.Objectives {
			if !o.Met {
				fill = colBad
			}
		}
		s.circle(f.px(x), py(math.Min(v, y.Max)), 7, fill, fmt.Sprintf("projected RTO at %d sites affected: %s", c.ProjectToSitesAffected, Dur(v)))
		s.text(f.px(x)-10, py(math.Min(v, y.Max))-10, "end", fill, "projected "+Dur(v))
		ch.Rows = append(ch.Rows, []string{"projection", num(x), "—", Dur(v), "—"})
	}
	ch.SVG = s.html()
	ch.Caption = "Each dot is one size; the solid line is the least-squares fit over them, dashed where it extrapolates to project-to. " + fitLine(c) + "."
	if measured {
		ch.Title = "Scaling over the sizes that ran"
		ch.Caption = "The same fit, zoomed on the sizes that ran, to judge how well the line describes them."
	}
	return ch
}

func optDur(v *float64, none string) string {
	if v == nil {
		return none
	}
	return Dur(*v)
}
