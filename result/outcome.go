package result

// Succeeded reports whether a drill succeeded as CI counts it, the meaning of drill run's exit
// code 0: a pass, or a negative control that caught what it declares. A negative control that
// passed did not catch its fault, so it did not succeed; inconclusive and aborted drills never
// succeed. A nil result did not succeed.
func Succeeded(r *Result) bool {
	if r == nil {
		return false
	}
	switch r.Verdict {
	case Pass:
		return r.Expect == nil || r.Expected
	case Fail:
		return r.Expected
	}
	return false
}
