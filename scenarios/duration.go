package scenarios

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// durationUnits are the units of drill's durations: Go's plus d (24h) and w (7d).
var durationUnits = map[string]time.Duration{
	"ns": time.Nanosecond,
	"us": time.Microsecond,
	"µs": time.Microsecond,
	"ms": time.Millisecond,
	"s":  time.Second,
	"m":  time.Minute,
	"h":  time.Hour,
	"d":  24 * time.Hour,
	"w":  7 * 24 * time.Hour,
}

const unitList = "ns, us, ms, s, m, h, d, w"

// ParseDuration parses a duration in drill's syntax: one or more decimal numbers each with a
// unit, Go's (ns, us, µs, ms, s, m, h) plus d (24h) and w (7 days), as in "90s", "1m30s",
// "1.5h" or "1d12h". A bare number, a sign, an unknown unit and a value beyond about 290 years
// are errors; "0s" is zero.
func ParseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, errors.New("empty duration")
	}
	if s[0] == '-' || s[0] == '+' {
		return 0, fmt.Errorf("duration %q must not be signed (durations are never negative)", s)
	}
	var total float64
	rest := s
	for rest != "" {
		num, unit, tail, err := durationTerm(rest)
		if err != nil {
			return 0, fmt.Errorf("duration %q: %w", s, err)
		}
		u, ok := durationUnits[unit]
		if !ok {
			return 0, fmt.Errorf("duration %q: unknown unit %q (want %s)", s, unit, unitList)
		}
		total += num * float64(u)
		rest = tail
	}
	if total > math.MaxInt64 {
		return 0, fmt.Errorf("duration %q is too long", s)
	}
	return time.Duration(math.Round(total)), nil
}

// durationTerm splits one number-and-unit term off the front of s.
func durationTerm(s string) (num float64, unit, rest string, err error) {
	i := 0
	dot := false
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' && !dot) {
		if s[i] == '.' {
			dot = true
		}
		i++
	}
	digits := s[:i]
	if digits == "" || digits == "." {
		return 0, "", "", fmt.Errorf("want a number at %q", s)
	}
	if _, err := fmt.Sscanf(digits, "%g", &num); err != nil {
		return 0, "", "", fmt.Errorf("bad number %q", digits)
	}
	j := i
	for j < len(s) && !(s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
		j++
	}
	unit = s[i:j]
	if unit == "" {
		return 0, "", "", fmt.Errorf("missing unit after %s (want %s)", digits, unitList)
	}
	if strings.ContainsAny(unit, " \t") {
		return 0, "", "", fmt.Errorf("unexpected space")
	}
	return num, unit, s[j:], nil
}

// FormatDuration writes d in drill's syntax, the inverse of ParseDuration: "1d12h", "5m",
// "1m30s"; durations that are not whole seconds print as Go does ("1.5s", "250ms").
func FormatDuration(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	if d < 0 || d%time.Second != 0 {
		return d.String()
	}
	var b strings.Builder
	for _, u := range []struct {
		name string
		d    time.Duration
	}{{"w", durationUnits["w"]}, {"d", durationUnits["d"]}, {"h", time.Hour}, {"m", time.Minute}, {"s", time.Second}} {
		if n := d / u.d; n > 0 {
			fmt.Fprintf(&b, "%d%s", n, u.name)
			d -= n * u.d
		}
	}
	return b.String()
}
