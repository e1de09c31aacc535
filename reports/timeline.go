package reports

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/drill-dev/drill/result"
)

// timelineRow is one phase or one top-level step; a fanned-out step's instances and an
// action's parts (its own steps, named "step/part") are drawn inside its row.
type timelineRow struct {
	label, tip, outcome string
	phase, name         string
	start, end          float64
	step                bool
	inst                []result.Event // per-site instances of the step
	parts               []result.Event // the steps of the action the step ran, once (no site)
	fails               []result.Event // failed instances, parts or per-site sub-steps
}

// timelineRows lists each phase followed by its steps that ran once (no site): one row per
// step, never one per site or per part of an action. Per-site events (instances and their
// sub-steps) and an action's parts join the row of their step.
func timelineRows(r result.Result) ([]timelineRow, float64) {
	var steps []timelineRow
	end := 0.0
	for _, e := range r.Timeline {
		if e.Kind != result.EventStep || e.Site != "" {
			continue
		}
		if i := owner(steps, e); i >= 0 {
			steps[i].parts = append(steps[i].parts, e)
			if e.Failed() {
				steps[i].fails = append(steps[i].fails, e)
			}
			continue
		}
		steps = append(steps, timelineRow{label: e.Phase + ": " + e.Name, tip: e.Output, outcome: e.Outcome, phase: e.Phase, name: e.Name, start: e.Start, end: e.End, step: true})
		end = math.Max(end, e.End)
	}
	for _, e := range r.Timeline {
		if e.Site == "" || (e.Kind != result.EventStep && e.Kind != result.EventInstance) {
			continue
		}
		i := owner(steps, e)
		if i < 0 {
			continue
		}
		if e.Kind == result.EventInstance && e.Name == steps[i].name {
			steps[i].inst = append(steps[i].inst, e)
		}
		if e.Failed() {
			steps[i].fails = append(steps[i].fails, e)
		}
	}
	var rows []timelineRow
	placed := make([]bool, len(steps))
	for _, p := range r.Phases {
		rows = append(rows, timelineRow{label: p.Name, tip: p.Error, outcome: p.Outcome, start: p.Start, end: p.End})
		end = math.Max(end, p.End)
		for i, st := range steps {
			if st.phase == p.Name {
				rows, placed[i] = append(rows, st), true
			}
		}
	}
	for i, st := range steps {
		if !placed[i] {
			rows = append(rows, st)
		}
	}
	return rows, end
}

// owner is the index of the step row an event belongs to: the step of its name in its phase,
// or the step whose action it is a part of ("step/part", within the step's span); -1 when none.
func owner(steps []timelineRow, e result.Event) int {
	for i, st := range steps {
		part := e.Site == "" && strings.HasPrefix(e.Name, st.name+"/") && e.Start >= st.start && e.End <= st.end
		if st.phase == e.Phase && (part || e.Site != "" && (e.Name == st.name || strings.HasPrefix(e.Name, st.name+"/"))) {
			return i
		}
	}
	return -1
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
	names := rowNames(rows)
	for i, rw := range rows {
		drawTimelineRow(s, f, f.top+float64(i)*rowH, rw, names[i])
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
	c.Caption = "Phases (grey), each with its steps (blue) under it, one row per step: a step that ran per site shows its instances inside its row, darker where more ran at once, and a step that ran an action holds its parts; red marks a failed step, part or instance. The dashed lines are the fault instant t0 and the RTO target counted from it (at the right edge, with an arrow, when it lies beyond the drill)."
	return c
}

// bins is how many slices a fanned-out step's row is cut into to show its density.
const bins = 120

// labelRunes is how many characters of a row's name fit left of the timeline.
const labelRunes = 30

// rowNames are the names drawn left of the rows: a phase's, and indented under it, its steps'
// without the phase; cut to fit, and cut in the middle when two would read the same.
func rowNames(rows []timelineRow) []string {
	full := make([]string, len(rows))
	out := make([]string, len(rows))
	seen := map[string]int{}
	for i, rw := range rows {
		full[i], out[i] = rw.label, truncate(rw.label, labelRunes)
		if rw.step {
			full[i] = rw.name
			out[i] = truncate(rw.name, labelRunes-2)
		}
		seen[out[i]]++
	}
	for i, rw := range rows {
		if seen[out[i]] < 2 {
			continue
		}
		n := labelRunes
		if rw.step {
			n -= 2
		}
		out[i] = truncateMiddle(full[i], n)
	}
	count := map[string]int{}
	for i := range out {
		count[out[i]]++
		if k := count[out[i]]; k > 1 {
			out[i] = truncate(out[i], labelRunes-5) + fmt.Sprintf(" (%d)", k)
		}
	}
	return out
}

// truncateMiddle shortens a label to n runes keeping its start and its end.
func truncateMiddle(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	head := (n - 1) / 2
	return string(r[:head]) + "…" + string(r[len(r)-(n-1-head):])
}

func drawTimelineRow(s *svg, f frame, y float64, rw timelineRow, name string) {
	fill := colBar
	x := 4.0
	if !rw.step {
		fill = colMuted
	} else {
		x = 16 // a step sits under its phase
	}
	bad := rw.outcome == result.OutcomeFailed || rw.outcome == result.OutcomeTimeout || rw.outcome == result.OutcomeAborted
	if bad {
		fill = colBad
	}
	s.textTip(x, y+13, "start", colInk, name, rw.label)
	tip := fmt.Sprintf("%s: %s → %s (%s), %s", rw.label, Dur(rw.start), Dur(rw.end), Dur(rw.end-rw.start), rw.outcome)
	if len(rw.inst) > 0 {
		tip += fmt.Sprintf(", %d sites", len(rw.inst))
	}
	if len(rw.parts) > 0 {
		tip += ", " + plural(len(rw.parts), "part", "parts") + ": " + partNames(rw)
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
		what := e.Name + " " + e.Outcome
		if e.Site != "" {
			what += " for " + e.Site
		}
		s.rect(f.px(e.Start), y+1, math.Max(2, f.px(e.End)-f.px(e.Start)), rowH-2, colBad, what)
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
	for _, e := range rw.parts {
		out = append(out, []string{"  part: " + e.Name, Dur(e.Start), Dur(e.End), Dur(e.End - e.Start), e.Outcome, ""})
	}
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

// partNames lists an action's parts by their own names (without the step's).
func partNames(rw timelineRow) string {
	names := make([]string, len(rw.parts))
	for i, e := range rw.parts {
		names[i] = strings.TrimPrefix(e.Name, rw.name+"/")
	}
	return strings.Join(names, ", ")
}
