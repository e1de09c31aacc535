package scenarios

import (
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"time"
)

// The instants that stand for .T0 and .Hit in a plan shown before a drill, far from any real
// fault instant and from each other, so that a time shifted by before or after still reads as
// one of them.
var (
	placeholderT0  = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	placeholderHit = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

// placeholderReach is how far from its placeholder instant a shifted time still names it.
const placeholderReach = 50 * 365 * 24 * time.Hour

// Placeholders returns d for a plan shown before a drill, when t0 and the hit instants are not
// known yet: the time helpers (pgtime, rfc3339, unix) and {{.T0}} itself render .T0 as <t0> and
// .Hit as <hit>, and a shifted instant with its shift (before .T0 "1s" is <t0-1s>), instead of a
// time that would be wrong.
func (d TemplateData) Placeholders() TemplateData {
	d.T0, d.Hit, d.placeholders = placeholderT0, placeholderHit, true
	return d
}

// placeholderOf names t when it is a placeholder instant, shifted or not.
func placeholderOf(t time.Time) (string, bool) {
	for _, p := range []struct {
		name string
		at   time.Time
	}{{"t0", placeholderT0}, {"hit", placeholderHit}} {
		d := t.Sub(p.at)
		switch {
		case d == 0:
			return "<" + p.name + ">", true
		case d > 0 && d < placeholderReach:
			return "<" + p.name + "+" + FormatDuration(d) + ">", true
		case d < 0 && -d < placeholderReach:
			return "<" + p.name + "-" + FormatDuration(-d) + ">", true
		}
	}
	return "", false
}

// placeholderFuncs wraps the time helpers of funcs so that they render placeholder instants
// by name.
func placeholderFuncs(funcs template.FuncMap) template.FuncMap {
	wrap := func(format func(time.Time) string) func(time.Time) string {
		return func(t time.Time) string {
			if name, ok := placeholderOf(t); ok {
				return name
			}
			return format(t)
		}
	}
	pgtime := funcs["pgtime"].(func(time.Time) string)
	rfc := funcs["rfc3339"].(func(time.Time) string)
	unix := funcs["unix"].(func(time.Time) int64)
	return withFuncs(funcs, template.FuncMap{
		"pgtime":  wrap(pgtime),
		"rfc3339": wrap(rfc),
		"unix":    wrap(func(t time.Time) string { return strconv.FormatInt(unix(t), 10) }),
	})
}

// escapedPlaceholder is a placeholder name the json helper escaped: \u003ct0-1s\u003e.
var escapedPlaceholder = regexp.MustCompile(`\\u003c((?:t0|hit)[-+0-9a-z.µ]*)\\u003e`)

// withPlaceholderNames replaces the placeholder instants a template printed as they are
// ({{.T0}}) by their names, and unescapes the names json escaped.
func withPlaceholderNames(s string) string {
	s = strings.NewReplacer(placeholderT0.String(), "<t0>", placeholderHit.String(), "<hit>").Replace(s)
	return escapedPlaceholder.ReplaceAllString(s, "<$1>")
}
