package runtime

import "fmt"

// Status is the outcome of one pre-flight check.
type Status string

// A Fail blocks a drill; a Warn is worth knowing but does not.
const (
	OK   Status = "ok"
	Warn Status = "warn"
	Fail Status = "FAIL"
)

// Check is one pre-flight check: what was checked, the outcome, and the evidence or the remedy.
type Check struct {
	Name   string
	Status Status
	Detail string
}

// Report is the outcome of the pre-flight checks, in the order they ran.
type Report struct {
	Checks []Check
}

// Blocked reports whether any check failed: a drill started now would be inconclusive.
func (r Report) Blocked() bool {
	for _, c := range r.Checks {
		if c.Status == Fail {
			return true
		}
	}
	return false
}

// Failures returns the failed checks.
func (r Report) Failures() []Check {
	var out []Check
	for _, c := range r.Checks {
		if c.Status == Fail {
			out = append(out, c)
		}
	}
	return out
}

// HumanBytes formats n in binary units with one decimal.
func HumanBytes(n uint64) string {
	const unit = 1 << 10
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := uint64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
