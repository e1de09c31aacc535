package reports

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/drill-dev/drill/result"
)

// The JUnit XML elements drill writes, a subset of the schema Jenkins reads (junit-10.xsd).
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Time     string       `xml:"time,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name       string          `xml:"name,attr"`
		Tests      int             `xml:"tests,attr"`
		Failures   int             `xml:"failures,attr"`
		Errors     int             `xml:"errors,attr"`
		Skipped    int             `xml:"skipped,attr"`
		Time       string          `xml:"time,attr"`
		Timestamp  string          `xml:"timestamp,attr,omitempty"`
		ID         string          `xml:"id,attr,omitempty"`
		Package    string          `xml:"package,attr"`
		Properties []junitProperty `xml:"properties>property"`
		Cases      []junitCase     `xml:"testcase"`
		SystemOut  string          `xml:"system-out,omitempty"`
	}
	junitProperty struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	junitCase struct {
		Name      string        `xml:"name,attr"`
		Classname string        `xml:"classname,attr"`
		Time      string        `xml:"time,attr"`
		Failure   *junitProblem `xml:"failure,omitempty"`
		Error     *junitProblem `xml:"error,omitempty"`
		Skipped   *junitProblem `xml:"skipped,omitempty"`
		SystemOut string        `xml:"system-out,omitempty"`
	}
	junitProblem struct {
		Type    string `xml:"type,attr,omitempty"`
		Message string `xml:"message,attr"`
		Text    string `xml:",chardata"`
	}
)

// WriteJUnit writes JUnit XML: a testsuite per drill (and one per campaign with a projection), a
// testcase per objective named like "atlassian-2022[small] rto", the measurement against the
// target in each failure message, and the metrics as testsuite properties. A negative control
// that caught what it declares passes; an inconclusive or aborted drill is one error and its
// objectives are skipped.
func WriteJUnit(w io.Writer, rep Report, opts ...Option) error {
	cfg := newConfig(opts)
	rep = redacted(rep, cfg.secrets)
	all := junitSuites{Name: "drill"}
	var total float64
	for _, d := range rep.Drills {
		s := drillSuite(d)
		all.Suites = append(all.Suites, s)
		total += d.Run.WallSeconds
	}
	for _, c := range rep.Campaigns {
		if len(c.Objectives) > 0 || c.Fit != nil {
			all.Suites = append(all.Suites, campaignSuite(c))
		}
	}
	for _, s := range all.Suites {
		all.Tests += s.Tests
		all.Failures += s.Failures
		all.Errors += s.Errors
	}
	all.Time = secs(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(all); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func drillSuite(d result.Result) junitSuite {
	name := drillName(d)
	s := junitSuite{
		Name: name, Time: secs(d.Run.WallSeconds), ID: d.Run.ID, Package: "drill." + d.Run.Scenario,
		Properties: properties(d),
	}
	if !d.Run.Started.IsZero() {
		s.Timestamp = d.Run.Started.UTC().Format("2006-01-02T15:04:05")
	}
	class := "drill." + d.Run.Scenario
	outcome := result.OutcomeOf(&d)
	broken := outcome.Exit == result.ExitInconclusive || outcome.Exit == result.ExitAborted
	if broken {
		s.Cases = append(s.Cases, junitCase{Name: name + " drill", Classname: class, Time: s.Time,
			Error: &junitProblem{Type: string(d.Verdict), Message: string(d.Verdict) + ": " + d.Reason, Text: strings.Join(d.Errors, "\n")}})
	}
	declared := map[string]bool{}
	if d.Expect != nil {
		for _, b := range d.Expect.Breaches {
			declared[b] = true
		}
	}
	anyBreach := false
	for _, o := range d.Objectives {
		c := junitCase{Name: name + " " + o.Name, Classname: class, Time: "0"}
		msg := objectiveMessage(o)
		switch {
		case broken:
			c.Skipped = &junitProblem{Message: "not measured: the drill was " + string(d.Verdict)}
		case declared[o.Name] && !o.Met:
			c.SystemOut = "negative control: expected breach caught: " + msg
		case declared[o.Name]:
			c.Failure = &junitProblem{Type: "not-caught", Message: "negative control expected a breach of " + o.Name + " but it was met: " + msg}
		case !o.Met:
			anyBreach = true
			c.Failure = &junitProblem{Type: "breach", Message: msg, Text: d.Reason}
		default:
			c.SystemOut = msg
		}
		s.Cases = append(s.Cases, c)
	}
	if d.Verdict == result.Fail && !anyBreach && !d.Expected && !hasDeclared(d) {
		// The recovery itself failed (a runbook step) without breaching a target.
		s.Cases = append(s.Cases, junitCase{Name: name + " runbook", Classname: class, Time: s.Time,
			Failure: &junitProblem{Type: "runbook", Message: d.Reason}})
	}
	if d.Expect != nil {
		c := junitCase{Name: name + " expect", Classname: class, Time: "0"}
		want := fmt.Sprintf("expected verdict %s with breaches [%s]; got %s with [%s]", d.Expect.Verdict, strings.Join(d.Expect.Breaches, ", "), d.Verdict, strings.Join(breaches(d), ", "))
		if outcome.Caught {
			c.SystemOut = outcome.Label + ": " + want
		} else if !broken {
			c.Failure = &junitProblem{Type: "negative-control", Message: outcome.Label + ": " + want}
		}
		s.Cases = append(s.Cases, c)
	}
	for _, c := range s.Cases {
		s.Tests++
		switch {
		case c.Failure != nil:
			s.Failures++
		case c.Error != nil:
			s.Errors++
		case c.Skipped != nil:
			s.Skipped++
		}
	}
	s.SystemOut = strings.Join(result.Findings(d), "\n")
	return s
}

func hasDeclared(d result.Result) bool { return d.Expect != nil && len(d.Expect.Breaches) > 0 }

func breaches(r result.Result) []string {
	var out []string
	for _, o := range r.Objectives {
		if !o.Met {
			out = append(out, o.Name)
		}
	}
	return out
}

// objectiveMessage is "rto: measured 7m12s, target 5m (2m12s over)".
func objectiveMessage(o result.Objective) string {
	return fmt.Sprintf("%s: measured %s, target %s (%s)", o.Name, actual(o), value(o.Unit, o.Target), margin(o))
}

func campaignSuite(c result.Campaign) junitSuite {
	name := c.Scenario + "[campaign]"
	s := junitSuite{Name: name, Package: "drill." + c.Scenario, Time: "0"}
	var t float64
	for _, d := range c.Drills {
		t += d.Run.WallSeconds
	}
	s.Time = secs(t)
	s.Properties = append(s.Properties, junitProperty{"verdict", string(c.Verdict)}, junitProperty{"host_cores", strconv.Itoa(c.HostCores)})
	if c.Fit != nil {
		s.Properties = append(s.Properties,
			junitProperty{"fit_intercept_seconds", num(c.Fit.Intercept)},
			junitProperty{"fit_slope_seconds_per_site", num(c.Fit.Slope)},
			junitProperty{"fit_r2", num(c.Fit.R2)})
	}
	if c.ProjectToSitesAffected > 0 {
		s.Properties = append(s.Properties, junitProperty{"project_to_sites_affected", strconv.Itoa(c.ProjectToSitesAffected)})
	}
	if c.ProjectedRTOSeconds != nil {
		s.Properties = append(s.Properties, junitProperty{"projected_rto_seconds", num(*c.ProjectedRTOSeconds)})
	}
	for _, o := range c.Objectives {
		jc := junitCase{Name: name + " " + o.Name, Classname: "drill." + c.Scenario, Time: "0"}
		if o.Met {
			jc.SystemOut = objectiveMessage(o)
		} else {
			jc.Failure = &junitProblem{Type: "breach", Message: objectiveMessage(o), Text: c.Reason}
			s.Failures++
		}
		s.Cases = append(s.Cases, jc)
		s.Tests++
	}
	return s
}

// properties are the drill's identity and every metric, null written as "null".
func properties(d result.Result) []junitProperty {
	m := d.Metrics
	p := []junitProperty{
		{"run_id", d.Run.ID}, {"verdict", string(d.Verdict)}, {"expected", strconv.FormatBool(d.Expected)},
		{"seed", strconv.FormatInt(d.Run.Seed, 10)}, {"drill_version", d.Run.Repro.DrillVersion},
		{"host_cores", strconv.Itoa(d.Run.Repro.HostCores)},
	}
	for _, k := range sortedKeys(d.Run.SizeParams) {
		p = append(p, junitProperty{"size." + k, d.Run.SizeParams[k]})
	}
	opt := func(name string, v *float64) { p = append(p, junitProperty{name, optNum(v)}) }
	opt("rto_seconds", m.RTOSeconds)
	opt("site_rto_p50_seconds", m.SiteRTOP50Seconds)
	opt("site_rto_p95_seconds", m.SiteRTOP95Seconds)
	opt("incident_seconds", m.IncidentSeconds)
	opt("rpo_seconds", m.RPOSeconds)
	p = append(p, junitProperty{"rpo_bounded", strconv.FormatBool(m.RPOBounded)})
	for _, kv := range []struct {
		k string
		v float64
	}{
		{"lost_writes", float64(m.LostWrites)}, {"collateral_lost_writes", float64(m.CollateralLostWrites)},
		{"collateral_downtime_site_seconds", m.CollateralDowntimeSiteSeconds},
		{"collateral_downtime_seconds", m.CollateralDowntimeSeconds},
		{"integrity_mismatches", float64(m.IntegrityMismatches)}, {"broken_links", float64(m.BrokenLinks)},
	} {
		p = append(p, junitProperty{kv.k, num(kv.v)})
	}
	opt("detect_seconds", m.DetectSeconds)
	for _, k := range sortedKeys(m.Milestones) {
		opt("milestone."+k+"_seconds", m.Milestones[k])
	}
	p = append(p,
		junitProperty{"sites_affected", strconv.Itoa(m.SitesAffected)},
		junitProperty{"sites_recovered", strconv.Itoa(m.SitesRecovered)},
		junitProperty{"sites_total", strconv.Itoa(m.SitesTotal)},
		junitProperty{"probe_interval_seconds", num(m.Resolution.ProbeIntervalSeconds)},
		junitProperty{"canary_interval_seconds", num(m.Resolution.CanaryIntervalSeconds)})
	return slices.Clip(p)
}

func optNum(v *float64) string {
	if v == nil {
		return "null"
	}
	return num(*v)
}

// secs formats seconds for the time attributes (the schema's SUREFIRE_TIME: digits, a dot,
// digits).
func secs(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) }
