package reports

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/drill-dev/drill/result"
)

// timelineRow is one phase or one top-level step; a fanned-out step's instances are drawn
// inside its row.
type timelineRow struct {
	label, tip, outcome string
	phase, name         string
	start, end          float64
	inst                []result.Event // per-site instances of the step
	fails               []result.Event // failed instances or per-site sub-steps
}

// timelineRows lists the phases, then one row per step that ran once (no site): never one
// row per site. Per-site events (instances and their sub-steps) join the row of their step.
func timelineRows(r result.Result) ([]timelineRow, float64) {
	var rows []timelineRow
	end := 0.0
	for _, p := range r.Phases {
		rows = append(rows, timelineRow{label: p.Name, tip: p.Error, outcome: p.Outcome, start: p.Start, end: p.End})
		end = math.Max(end, p.End)
	}
	phases := len(rows)
	for _, e := range r.Timeline {
		if e.Kind == result.EventStep && e.Site == "" {
			rows = append(rows, timelineRow{label: e.Phase + ": " + e.Name, tip: e.Output, outcome: e.Outcome, phase: e.Phase, name: e.Name, start: e.Start, end: e.End})
			end = math.Max(end, e.End)
		}
	}
	for _, e := range r.Timeline {
		if e.Site == "" || (e.Kind != result.EventStep && e.Kind != result.EventInstance) {
			continue
		}
		for i := phases; i < len(rows); i++ {
			rw := &rows[i]
			if rw.phase != e.Phase || (e.Name != rw.name && !strings.HasPrefix(e.Name, rw.name+"/")) {
				continue
			}
			if e.Kind == result.EventInstance && e.Name == rw.name {
				rw.inst = append(rw.inst, e)
			}
			if e.Failed() {
				rw.fails = append(rw.fails, e)
			}
			break
		}
	}
	return rows, end
}

// timelineChart is the Gantt of the phases and the steps, zoomed on the drill, with t0 and the
// RTO target as lines (the target as a marker at the right edge when it lies beyond the drill).
func timelineChart(r result.Result, id string) *chart {
	rows, end := timelineRows(r)
	if len(rows) == 0 {
		return nil
	}
	t0 := -1.0
	if r.Run.T0Seconds != nil {
		t0 = *r.Run.T0Seconds
	}
	target, hasTarget := objectiveTarget(r, "rto")
	hasTarget = hasTarget && t0 >= 0
	f := frame{left: labelW, top: 28, width: chartWidth - labelW - 70, height: float64(len(rows)) * rowH, x: durationAxis(end, 9)}
	desc := fmt.Sprintf("%d phases and %d steps over %s", len(r.Phases), len(rows)-len(r.Phases), Dur(end))
	s := newSVG(chartWidth, f.top+f.height+42, "Timeline of "+drillName(r), desc)
	s.xAxis(f, "time since the drill started")
	c := &chart{ID: id, Title: "Timeline", Head: []string{"phase or step", "start", "end", "duration", "outcome", "sites"}}
	for i, rw := range rows {
		drawTimelineRow(s, f, f.top+float64(i)*rowH, rw, i < len(r.Phases))
		c.Rows = append(c.Rows, timelineData(rw)...)
	}
	if t0 >= 0 {
		s.line(f.px(t0), f.top-6, f.px(t0), f.top+f.height, colInk, 1, "3 3")
		s.text(f.px(t0), f.top-10, "middle", colInk, "t0")
	}
	if hasTarget {
		at := t0 + target
		lbl := "RTO target " + Dur(target)
		x := f.px(math.Min(at, f.x.Max))
		if at > f.x.Max {
			lbl += " (at " + Dur(at) + ", beyond the drill) →"
		}
		s.line(x, f.top-6, x, f.top+f.height, colTarget, 2, "6 3")
		s.text(x, f.top-10, anchorFor(x, 240), colTarget, lbl)
	}
	c.SVG = s.html()
	c.Caption = "Phases (grey) and steps (blue), one row per step: a step that ran per site shows its instances inside its row, darker where more ran at once; red marks a failed step or instance. The dashed lines are the fault instant t0 and the RTO target counted from it (at the right edge, with an arrow, when it lies beyond the drill)."
	return c
}

// bins is how many slices a fanned-out step's row is cut into to show its density.
const bins = 120

func drawTimelineRow(s *svg, f frame, y float64, rw timelineRow, phase bool) {
	fill := colBar
	if phase {
		fill = colMuted
	}
	bad := rw.outcome == result.OutcomeFailed || rw.outcome == result.OutcomeTimeout || rw.outcome == result.OutcomeAborted
	if bad {
		fill = colBad
	}
	s.textTip(4, y+13, "start", colInk, truncate(rw.label, 26), rw.label)
	tip := fmt.Sprintf("%s: %s → %s (%s), %s", rw.label, Dur(rw.start), Dur(rw.end), Dur(rw.end-rw.start), rw.outcome)
	if len(rw.inst) > 0 {
		tip += fmt.Sprintf(", %d sites", len(rw.inst))
	}
	if rw.tip != "" {
		tip += ": " + rw.tip
	}
	if len(rw.inst) < 2 {
		s.rect(f.px(rw.start), y+3, f.px(rw.end)-f.px(rw.start), rowH-6, fill, tip)
	} else {
		s.rect(f.px(rw.start), y+3, f.px(rw.end)-f.px(rw.start), rowH-6, "#ddf4ff", tip)
		drawDensity(s, f, y, rw.inst, fill)
	}
	for _, e := range rw.fails {
		s.rect(f.px(e.Start), y+1, math.Max(2, f.px(e.End)-f.px(e.Start)), rowH-2, colBad, e.Name+" failed for "+e.Site)
	}
	if bad {
		if x := f.px(rw.end) + 4; x+56 < chartWidth {
			s.text(x, y+13, "start", colBad, "✗ "+rw.outcome)
		} else {
			s.text(f.px(rw.start)-4, y+13, "end", colBad, "✗ "+rw.outcome)
		}
	}
}

// drawDensity draws how many instances ran at once along the row: bars whose height is the
// share of the peak.
func drawDensity(s *svg, f frame, y float64, inst []result.Event, fill string) {
	width := f.x.Max / bins
	counts := make([]int, bins)
	peak := 0
	for b := range counts {
		lo, hi := float64(b)*width, float64(b+1)*width
		for _, e := range inst {
			if e.Start < hi && e.End > lo {
				counts[b]++
			}
		}
		peak = max(peak, counts[b])
	}
	for b, n := range counts {
		if n == 0 {
			continue
		}
		h := (rowH - 6) * float64(n) / float64(peak)
		s.rect(f.px(float64(b)*width), y+rowH-3-h, f.width/bins, h, fill, "")
	}
}

// timelineData is the row's line in the data table, and for a fanned-out step its five
// slowest instances.
func timelineData(rw timelineRow) [][]string {
	sites := ""
	if len(rw.inst) > 0 {
		sites = num(float64(len(rw.inst)))
	}
	out := [][]string{{rw.label, Dur(rw.start), Dur(rw.end), Dur(rw.end - rw.start), rw.outcome, sites}}
	if len(rw.inst) < 2 {
		return out
	}
	slow := append([]result.Event(nil), rw.inst...)
	sort.SliceStable(slow, func(i, j int) bool { return slow[i].End-slow[i].Start > slow[j].End-slow[j].Start })
	for _, e := range slow[:min(5, len(slow))] {
		out = append(out, []string{"  slowest: " + e.Name + " for " + e.Site, Dur(e.Start), Dur(e.End), Dur(e.End - e.Start), e.Outcome, e.Site})
	}
	return out
}
