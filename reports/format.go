package reports

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/drill-dev/drill/result"
)

// Dur formats seconds as a human duration: 350ms, 2.5s, 45s, 4m12s, 5m, 2h5m, 3d4h
// (result.FormatSeconds, so that findings and reports agree).
func Dur(sec float64) string { return result.FormatSeconds(sec) }

func trimZero(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// num formats a number without needless decimals.
func num(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatInt(int64(v), 10)
	}
	return trimZero(strconv.FormatFloat(v, 'f', 3, 64))
}

// value formats an objective's number in its unit.
func value(unit string, v float64) string {
	if unit == "seconds" {
		return Dur(v)
	}
	return num(v)
}

// actual formats an objective's measurement; null reads as its note, or "not measured".
func actual(o result.Objective) string {
	if o.Actual == nil {
		if o.Note != "" {
			return o.Note
		}
		return "not measured"
	}
	return value(o.Unit, *o.Actual)
}

// margin says in words how far a measurement is from its target.
func margin(o result.Objective) string {
	if o.Margin == nil {
		return "—"
	}
	m := *o.Margin
	switch {
	case m > 0:
		return value(o.Unit, m) + " to spare"
	case m == 0:
		return "exactly on target"
	default:
		return value(o.Unit, -m) + " over"
	}
}

// label is the reader's name of an objective.
func label(name string) string {
	if m, ok := strings.CutPrefix(name, "milestone:"); ok {
		return "milestone " + m
	}
	switch name {
	case "rto":
		return "RTO"
	case "rpo":
		return "RPO"
	case "site-rto-p95":
		return "site RTO p95"
	case "projected-rto":
		return "projected RTO"
	}
	return strings.ReplaceAll(name, "-", " ")
}

// drillName is how CI and the report name a drill: atlassian-2022[small].
func drillName(r result.Result) string {
	n := r.Run.Scenario + "[" + r.Run.Size + "]"
	if r.Run.Shard != "" {
		n += "{" + r.Run.Shard + "}"
	}
	return n
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// objectiveTarget is the target of the drill's objective named name, when it has one.
func objectiveTarget(r result.Result, name string) (float64, bool) {
	for _, o := range r.Objectives {
		if o.Name == name {
			return o.Target, true
		}
	}
	return 0, false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
