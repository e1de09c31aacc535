package reports

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/drill-dev/drill/reports/history"
	"github.com/drill-dev/drill/result"
)

//go:embed report.html.tmpl
var reportTemplate string

//go:embed runbook.html.tmpl
var runbookTemplate string

var pageTmpl = template.Must(template.Must(template.New("report").Funcs(template.FuncMap{"runbook": runbookOf}).
	Parse(reportTemplate)).Parse(runbookTemplate))

// WriteHTML writes the report as one self-contained HTML page: no script, no external asset,
// inline SVG charts whose colours are attributes, so it still reads when a CI server blocks
// its stylesheet. The first screen is the verdict, the headline tiles and the breaches; the
// evidence follows.
func WriteHTML(w io.Writer, rep Report, opts ...Option) error {
	cfg := newConfig(opts)
	rep = redacted(rep, cfg.secrets)
	p := buildPage(rep, cfg)
	var buf bytes.Buffer
	if err := pageTmpl.Execute(&buf, p); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	return nil
}

type page struct {
	Title    string
	Banner   banner
	Notes    []string
	Summary  []drillView // when the report holds several drills
	Campaign []campaignView
	Drills   []drillView
}

type banner struct {
	Word, Class, Colour, Reason, Subject string
	OK                                   bool
}

type campaignView struct {
	ID, Scenario string
	Banner       banner
	Charts       []*chart
	Fit          string
	Objectives   []objRow
	Check        []checkRow
}

type drillView struct {
	ID, Name, Description string
	Banner                banner
	Tiles                 []tile
	Breaches, Objectives  []objRow
	Charts                []*chart
	Findings, Errors      []string
	Why                   []whyRow
	WhyMore               int
	Failures              []failure
	History               []historyRow
	Regressions           []string // against the history (trend.go)
	Methods               []method
	Canary                [][2]string
	Repro                 [][2]string
	Result                result.Result
}

// failure is a failed step or step instance with the tail of its output.
type failure struct{ What, Output string }

type tile struct {
	Label, Value, Detail, Colour, Mark string
}

type objRow struct {
	Label, Target, Actual, Margin, Status string
	Met                                   bool
}

type historyRow struct {
	Started, Verdict, RTO, RPO, Sites, Lost, RunID string
	Current                                        bool
}

type method struct{ Metric, Meaning, Resolution string }

// severityColour is the SVG colour of each outcome severity.
var severityColour = map[result.Severity]string{
	result.SeverityOK: colOK, result.SeverityBad: colBad, result.SeverityWarn: colWarn, result.SeverityMuted: colMuted,
}

// bannerOf shows an outcome: its label, in its severity's colour.
func bannerOf(o result.Outcome, reason, subject string) banner {
	return banner{Word: o.Label, Class: string(o.Severity), Colour: severityColour[o.Severity], Reason: reason, Subject: subject, OK: o.OK()}
}

func buildPage(rep Report, cfg config) page {
	o, reason := rep.Outcome()
	if len(rep.Drills) == 1 {
		reason = groupCauses(reason, siteIDs(rep.Drills[0]))
	}
	p := page{Banner: bannerOf(o, reason, subject(rep)), Notes: rep.Notes}
	p.Title = fmt.Sprintf("drill: %s — %s", p.Banner.Subject, p.Banner.Word)
	for i, c := range rep.Campaigns {
		id := fmt.Sprintf("campaign-%d", i+1)
		cv := campaignView{ID: id, Scenario: c.Scenario, Banner: bannerOf(c.Outcome(), c.Reason, c.Scenario+" campaign"),
			Fit: fitLine(c), Check: projectionCheck(c)}
		for k, measured := range []bool{false, true} {
			if ch := campaignChart(c, fmt.Sprintf("%s-scaling-%d", id, k+1), measured); ch != nil && (measured || c.ProjectToSitesAffected > 0) {
				cv.Charts = append(cv.Charts, ch)
			}
		}
		for _, o := range c.Objectives {
			cv.Objectives = append(cv.Objectives, objView(o, false))
		}
		p.Campaign = append(p.Campaign, cv)
	}
	for i, d := range rep.Drills {
		dv := buildDrill(d, fmt.Sprintf("drill-%d", i+1), cfg)
		p.Drills = append(p.Drills, dv)
	}
	if len(rep.Drills) > 1 {
		p.Summary = p.Drills
	}
	return p
}

func objView(o result.Objective, unmeasured bool) objRow {
	r := objRow{Label: label(o.Name), Target: value(o.Unit, o.Target), Actual: actual(o), Margin: margin(o), Met: o.Met, Status: "✓ yes"}
	switch {
	case unmeasured:
		r.Met, r.Status = true, "— not measured"
	case !o.Met:
		r.Status = "✗ no"
	}
	return r
}

func buildDrill(d result.Result, id string, cfg config) drillView {
	dv := drillView{ID: id, Name: drillName(d), Description: d.Run.Description, Result: d,
		Banner: bannerOf(result.OutcomeOf(&d), groupCauses(d.Reason, siteIDs(d)), drillName(d)), Errors: d.Errors}
	if dv.Banner.Reason != d.Reason && !slices.Contains(d.Errors, d.Reason) {
		dv.Errors = append([]string{d.Reason}, d.Errors...) // the verdict line grouped it: the detail stays here
	}
	dv.Tiles = tiles(d)
	for _, o := range d.Objectives {
		row := objView(o, unmeasured(d))
		dv.Objectives = append(dv.Objectives, row)
		if !row.Met {
			dv.Breaches = append(dv.Breaches, row)
		}
	}
	for _, c := range []*chart{timelineChart(d, id+"-timeline"), recoveryMatrix(d, id+"-matrix"), siteRTOChart(d, id+"-rto"), dataLossChart(d, id+"-rpo")} {
		if c != nil {
			dv.Charts = append(dv.Charts, c)
		}
	}
	dv.Findings = result.Findings(d)
	dv.Why, dv.WhyMore = whyRows(d)
	for _, e := range d.Timeline {
		if !e.Failed() {
			continue
		}
		what := e.Phase + ": " + e.Name
		if e.Site != "" {
			what += " for " + e.Site
		}
		what += " " + e.Outcome
		if e.Attempt > 1 {
			what += fmt.Sprintf(" after %d attempts", e.Attempt)
		}
		dv.Failures = append(dv.Failures, failure{What: what, Output: e.Output})
	}
	for _, h := range cfg.history[d.Run.Scenario+"["+d.Run.Size+"]"] {
		dv.History = append(dv.History, historyView(h, d.Run.ID))
	}
	dv.Regressions = regressionLines(d, cfg.history[d.Run.Scenario+"["+d.Run.Size+"]"])
	dv.Methods = methods(d)
	dv.Canary = canaryRows(d.Canaries)
	dv.Repro = reproRows(d)
	return dv
}

func tiles(d result.Result) []tile {
	m := d.Metrics
	obj := func(name string) *result.Objective {
		for i := range d.Objectives {
			if d.Objectives[i].Name == name {
				return &d.Objectives[i]
			}
		}
		return nil
	}
	timeTile := func(lbl, name string, v *float64, none string, bounded bool) tile {
		t := tile{Label: lbl, Value: optDur(v, none), Colour: colMuted, Mark: "–"}
		if bounded && v != nil {
			t.Value = "≥ " + t.Value
		}
		if o := obj(name); o != nil {
			t.Detail = "target " + value(o.Unit, o.Target) + " · " + margin(*o)
			t.Colour, t.Mark = markOf(o.Met)
			if unmeasured(d) {
				t.Colour, t.Mark = colMuted, "–"
			}
		} else {
			t.Detail = "no target"
		}
		return t
	}
	out := []tile{
		timeTile("RTO", "rto", m.RTOSeconds, notMeasuredOr(d, "not recovered"), false),
		timeTile("RPO", "rpo", m.RPOSeconds, notMeasuredOr(d, "not measured"), m.RPOBounded),
	}
	meet, of := sitesMeeting(d)
	st := tile{Label: "Sites meeting targets", Value: fmt.Sprintf("%d of %d", meet, of), Detail: "affected sites within the RTO and RPO targets"}
	st.Colour, st.Mark = markOf(meet == of)
	if _, rto := objectiveTarget(d, "rto"); !rto {
		if _, rpo := objectiveTarget(d, "rpo"); !rpo {
			st.Colour, st.Mark, st.Detail = colMuted, "–", "affected sites recovered (no RTO or RPO target)"
		}
	}
	if of == 0 {
		st.Colour, st.Mark, st.Value = colMuted, "–", "none affected"
	}
	lw := tile{Label: "Lost writes", Value: fmt.Sprintf("%s lost · %s collateral", num(float64(m.LostWrites)), num(float64(m.CollateralLostWrites))),
		Detail: "acknowledged canary writes missing at the end, of affected · of other sites"}
	// A metric without a target is neutral: only the targets set judge the tile.
	lw.Colour, lw.Mark = colMuted, "–"
	if a, b := obj("lost-writes"), obj("collateral-lost-writes"); a != nil || b != nil {
		lw.Colour, lw.Mark = markOf((a == nil || a.Met) && (b == nil || b.Met))
	} else {
		lw.Detail += " (no target)"
	}
	if unmeasured(d) {
		lw.Value, lw.Colour, lw.Mark = "not measured", colMuted, "–"
	}
	return append(out, st, lw)
}

func notMeasuredOr(d result.Result, s string) string {
	if d.Verdict == result.Inconclusive || d.Verdict == result.Aborted {
		return "not measured"
	}
	return s
}

func markOf(ok bool) (colour, mark string) {
	if ok {
		return colOK, "✓"
	}
	return colBad, "✗"
}

// sitesMeeting counts affected sites whose recovery time and data loss are within the rto and
// rpo targets (a missing target does not constrain).
func sitesMeeting(d result.Result) (meet, of int) {
	rto, hasRTO := objectiveTarget(d, "rto")
	rpo, hasRPO := objectiveTarget(d, "rpo")
	for _, s := range d.Sites {
		if !s.Affected {
			continue
		}
		of++
		if s.RTOSeconds == nil || (hasRTO && *s.RTOSeconds > rto) {
			continue
		}
		if hasRPO && (s.RPOSeconds == nil || *s.RPOSeconds > rpo || s.RPOBounded) {
			continue
		}
		meet++
	}
	return meet, of
}

func historyView(h history.Row, current string) historyRow {
	return historyRow{
		Started: h.Started.UTC().Format("2006-01-02 15:04"), Verdict: h.Outcome().Word,
		RTO: optDur(h.RTOSeconds, "not recovered"), RPO: optDur(h.RPOSeconds, "—"),
		Sites: fmt.Sprintf("%d of %d", h.SitesRecovered, h.SitesAffected), Lost: num(float64(h.LostWrites)),
		RunID: h.RunID, Current: h.RunID == current,
	}
}

func methods(d result.Result) []method {
	probe := "probe interval " + Dur(d.Metrics.Resolution.ProbeIntervalSeconds)
	if r := d.Metrics.Resolution; r.PollGapSeconds > 1.5*r.ProbeIntervalSeconds {
		probe += " (polls of one site were up to " + Dur(r.PollGapSeconds) + " apart)"
	}
	canary := "canary interval " + Dur(d.Metrics.Resolution.CanaryIntervalSeconds)
	return []method{
		{"RTO", "The worst affected site's time from being hit (its fault step, or its first failed probe) to the start of its final passing streak: healthy in every product, fingerprints equal to the baseline, links resolving. A site that never recovers leaves the RTO unmeasured and breached.", rtoResolution(d, probe)},
		{"site RTO p50 / p95", "Nearest-rank percentiles of the per-site recovery times; an unrecovered site counts as infinite.", rtoResolution(d, probe)},
		{"RPO", "The largest data-loss window over affected sites and products: from the last canary acknowledged before the hit to the newest one still present at the end.", canary},
		{"lost writes", "Acknowledged canaries of affected sites missing at the end; canaries that cannot be read back count as missing.", "exact count"},
		{"collateral lost writes", "Acknowledged canaries of sites the fault did not touch, missing at the end (what a whole-database restore causes).", "exact count"},
		{"collateral downtime", "Time unaffected sites spent failing probes, summed over sites and as wall-clock time.", probe},
		{"integrity mismatches, broken links", "Site and product pairs whose data checksum differs from the baseline, and cross-product references that no longer resolve, at the end.", "exact count"},
		{"detection, milestones", "Seconds from the fault until drill's own probes saw a failure, and until each declared milestone probe turned true.", probe},
	}
}

func canaryRows(c result.CanaryLoad) [][2]string {
	return [][2]string{
		{"interval", Dur(c.IntervalSeconds)},
		{"batched write requests", num(float64(c.Writes))},
		{"site canaries acknowledged / failed", num(float64(c.Acked)) + " / " + num(float64(c.Failed))},
		{"requests per second", num(c.RequestsPerSecond)},
		{"rows per second", num(c.RowsPerSecond)},
		{"mean latency", Dur(c.MeanLatencySeconds)},
	}
}

func reproRows(d result.Result) [][2]string {
	r := d.Run
	rows := [][2]string{
		{"run", r.ID}, {"command", r.Repro.Command}, {"scenario", r.Scenario}, {"stack", r.Stack},
		{"size", r.Size + " " + sizeParams(r.SizeParams)}, {"seed", fmt.Sprint(r.Seed)},
		{"started", r.Started.UTC().Format("2006-01-02 15:04:05 MST")}, {"wall time", Dur(r.WallSeconds)},
		{"drill version", r.Repro.DrillVersion}, {"scenario sha256", r.Repro.ScenarioHash},
		{"stack sha256", r.Repro.StackHash}, platformRow(r.Repro),
		{"host", fmt.Sprintf("%s, %s", r.Repro.HostOS, plural(r.Repro.HostCores, "core", "cores"))},
		{"drill's own CPU time", Dur(r.Repro.CPUSeconds)},
	}
	if r.Shard != "" {
		rows = append(rows, [2]string{"shard", r.Shard})
	}
	for _, img := range sortedKeys(r.Repro.Images) {
		rows = append(rows, [2]string{"image " + img, r.Repro.Images[img]})
	}
	var out [][2]string
	for _, row := range rows {
		if strings.TrimSpace(row[1]) != "" {
			out = append(out, row)
		}
	}
	return out
}

func sizeParams(p map[string]string) string {
	keys := sortedKeys(p)
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+"="+p[k])
	}
	if len(parts) == 0 {
		return ""
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// platformRow names what the drill ran on: Docker's version, or the Kubernetes API server's.
func platformRow(r result.Repro) [2]string {
	if r.KubernetesVersion != "" {
		return [2]string{"kubernetes", r.KubernetesVersion}
	}
	return [2]string{"docker", r.DockerVersion}
}
