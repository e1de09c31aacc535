package reports

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"

	"github.com/drill-dev/drill/result"
)

// objectivesTable is the one definition of the objectives table, rendered as Markdown for the
// CI summary and as text for the terminal.
// Unmeasured (the drill was inconclusive or aborted) marks every row "n/a", never a breach.
func objectivesTable(objs []result.Objective, unmeasured bool, cell func(string) string) table.Writer {
	t := table.NewWriter()
	t.AppendHeader(table.Row{"", "objective", "target", "measured", "margin"})
	for _, o := range objs {
		mark := "ok"
		switch {
		case unmeasured:
			mark = "n/a"
		case !o.Met:
			mark = "BREACH"
		}
		t.AppendRow(table.Row{mark, cell(label(o.Name)), cell(value(o.Unit, o.Target)), cell(actual(o)), cell(margin(o))})
	}
	return t
}

func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;", "\n", " ").Replace(s)
}

func plainCell(s string) string { return s }

// verdictLine is "PASS atlassian-2022[small]: all 7 objectives met; …".
func verdictLine(rep Report) string {
	o, reason := rep.Outcome()
	return fmt.Sprintf("%s %s: %s", o.Label, subject(rep), reason)
}

// subject names what the report covers.
func subject(rep Report) string {
	switch {
	case len(rep.Drills) == 1:
		return drillName(rep.Drills[0])
	case len(rep.Campaigns) == 1 && len(rep.Campaigns[0].Drills) == len(rep.Drills):
		return rep.Campaigns[0].Scenario + " campaign"
	}
	return fmt.Sprintf("%d drills", len(rep.Drills))
}

var mdIcon = map[result.Severity]string{result.SeverityOK: "✅", result.SeverityBad: "❌", result.SeverityWarn: "⚠️", result.SeverityMuted: "⏹️"}

// WriteMarkdown writes a summary for a CI job page: a verdict line, then per drill its verdict
// and objectives table, and per campaign its fit and projection.
func WriteMarkdown(w io.Writer, rep Report, opts ...Option) error {
	cfg := newConfig(opts)
	rep = redacted(rep, cfg.secrets)
	o, _ := rep.Outcome()
	var b strings.Builder
	fmt.Fprintf(&b, "### %s %s\n\n", mdIcon[o.Severity], mdCell(verdictLine(rep)))
	for _, c := range rep.Campaigns {
		co := c.Outcome()
		fmt.Fprintf(&b, "**%s campaign**: %s %s. %s\n\n", mdCell(c.Scenario), mdIcon[co.Severity], co.Label, mdCell(c.Reason))
		if line := fitLine(c); line != "" {
			fmt.Fprintf(&b, "%s\n\n", mdCell(line))
		}
		if len(c.Objectives) > 0 {
			b.WriteString(objectivesTable(c.Objectives, false, mdCell).RenderMarkdown() + "\n\n")
		}
	}
	for _, d := range rep.Drills {
		if len(rep.Drills) > 1 {
			o := result.OutcomeOf(&d)
			fmt.Fprintf(&b, "**%s**: %s %s. %s\n\n", mdCell(drillName(d)), mdIcon[o.Severity], mdCell(o.Label), mdCell(d.Reason))
		}
		if len(d.Objectives) > 0 {
			b.WriteString(objectivesTable(d.Objectives, unmeasured(d), mdCell).RenderMarkdown() + "\n\n")
		}
		if line := resolutionLine(d); line != "" {
			fmt.Fprintf(&b, "%s\n\n", mdCell(line))
		}
		for _, line := range regressionLines(d, cfg.history[d.Run.Scenario+"["+d.Run.Size+"]"]) {
			fmt.Fprintf(&b, "> ⚠️ **%s**: %s\n\n", mdCell(drillName(d)), mdCell(line))
		}
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(&b, "> %s\n\n", mdCell(n))
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("markdown: %w", err)
	}
	return nil
}

// WriteText writes the same summary as WriteMarkdown for a terminal.
func WriteText(w io.Writer, rep Report, opts ...Option) error {
	rep = redacted(rep, newConfig(opts).secrets)
	var b strings.Builder
	b.WriteString(verdictLine(rep) + "\n")
	for _, c := range rep.Campaigns {
		if line := fitLine(c); line != "" {
			b.WriteString(c.Scenario + " campaign: " + line + "\n")
		}
		if len(c.Objectives) > 0 {
			b.WriteString(objectivesTable(c.Objectives, false, plainCell).Render() + "\n")
		}
	}
	for _, d := range rep.Drills {
		if len(rep.Drills) > 1 {
			fmt.Fprintf(&b, "%s: %s. %s\n", drillName(d), result.OutcomeOf(&d).Label, d.Reason)
		}
		if len(d.Objectives) > 0 {
			b.WriteString(objectivesTable(d.Objectives, unmeasured(d), plainCell).Render() + "\n")
		}
		if line := resolutionLine(d); line != "" {
			b.WriteString(line + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// fitLine says the scaling fit and the projection in one sentence.
func fitLine(c result.Campaign) string {
	if c.Fit == nil {
		return "no scaling fit: fewer than two sizes measured an RTO"
	}
	s := fmt.Sprintf("RTO ≈ %s + %s per affected site (R² %.3f, %d sizes, %s)", Dur(c.Fit.Intercept), Dur(c.Fit.Slope), c.Fit.R2, len(c.Fit.Points), plural(c.HostCores, "core", "cores"))
	if c.ProjectedRTOSeconds != nil {
		s += fmt.Sprintf("; projected RTO at %d sites affected: %s", c.ProjectToSitesAffected, Dur(*c.ProjectedRTOSeconds))
		for _, o := range c.Objectives {
			s += fmt.Sprintf(" against a %s target (%s)", Dur(o.Target), margin(o))
		}
	}
	return s
}

// AppendStepSummary appends the Markdown summary to the file named by $GITHUB_STEP_SUMMARY, as
// GitHub Actions reads it; it does nothing when the variable is unset.
func AppendStepSummary(getenv func(string) string, rep Report, opts ...Option) error {
	path := getenv("GITHUB_STEP_SUMMARY")
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("step summary: %w", err)
	}
	if err := WriteMarkdown(f, rep, opts...); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("step summary: %w", err)
	}
	return nil
}

// unmeasured reports whether the drill's objectives mean nothing: it was inconclusive or aborted.
func unmeasured(d result.Result) bool {
	return d.Verdict == result.Inconclusive || d.Verdict == result.Aborted
}
