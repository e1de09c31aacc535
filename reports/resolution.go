package reports

import (
	"fmt"

	"github.com/drill-dev/drill/result"
)

// resolutionLine says, in plain words, how precise the drill's recovery times are: a site may
// have been whole again up to the poll gap plus the longest proof lag before drill called it
// recovered (result.Resolution.Uncertainty), never after. Empty when the result records no proof
// lag (no site was proven, or a result from before drill recorded it).
func resolutionLine(d result.Result) string {
	r := d.Metrics.Resolution
	if r.ProofLagMaxSeconds == nil {
		return ""
	}
	gap := max(r.PollGapSeconds, r.ProbeIntervalSeconds)
	s := fmt.Sprintf("Recovery times (RTO, per-site RTO) may be up to %s longer than the truth, never shorter: drill checked each site at least every %s, and then waited up to %s (median %s) after a site turned healthy before it had read the site's data and could call it recovered",
		Dur(r.Uncertainty()), Dur(gap), Dur(*r.ProofLagMaxSeconds), Dur(deref(r.ProofLagP50Seconds)))
	if *r.ProofLagMaxSeconds > gap {
		s += "; the wait for the data is the larger part"
	}
	return s + "."
}

func deref(v *float64) float64 {
	if v == nil {
		return 0
	}
	return *v
}

// rtoResolution is the resolution the methods table states for RTO and per-site RTO: the
// uncertainty of a recovered instant when the proof lag is recorded, else probe (the probe
// interval, with the poll gap when it was larger).
func rtoResolution(d result.Result, probe string) string {
	r := d.Metrics.Resolution
	if r.ProofLagMaxSeconds == nil {
		return probe
	}
	return fmt.Sprintf("up to %s late, never early: the gap between polls of one site (%s) plus the longest wait for a healthy site's data to be read (%s, p95 %s)",
		Dur(r.Uncertainty()), Dur(max(r.PollGapSeconds, r.ProbeIntervalSeconds)), Dur(*r.ProofLagMaxSeconds), Dur(deref(r.ProofLagP95Seconds)))
}
