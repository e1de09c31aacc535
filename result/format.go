package result

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// FormatSeconds formats seconds as a human duration: 350ms, 2.5s, 45s, 4m12s, 5m, 2h5m, 3d4h.
// Findings and every report use it, so a number reads the same everywhere.
func FormatSeconds(sec float64) string {
	if sec < 0 {
		return "-" + FormatSeconds(-sec)
	}
	switch {
	case sec == 0:
		return "0s"
	case sec < 1:
		return fmt.Sprintf("%.0fms", sec*1000)
	case sec < 10:
		return trimZero(fmt.Sprintf("%.1f", sec)) + "s"
	case sec < 60:
		return fmt.Sprintf("%.0fs", sec)
	}
	s := int64(math.Round(sec))
	d, h, m := s/86400, s%86400/3600, s%3600/60
	s %= 60
	switch {
	case d > 0:
		return unit(d, "d") + unit(h, "h")
	case h > 0:
		return unit(h, "h") + unit(m, "m")
	default:
		return unit(m, "m") + unit(s, "s")
	}
}

func unit(v int64, u string) string {
	if v == 0 {
		return ""
	}
	return strconv.FormatInt(v, 10) + u
}

func trimZero(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// plural is "1 site" or "3 sites".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// short lists the first n ids and says how many more there were.
func short(ids []string, n int) string {
	if len(ids) <= n {
		return strings.Join(ids, ", ")
	}
	return strings.Join(ids[:n], ", ") + fmt.Sprintf(" and %d more", len(ids)-n)
}
