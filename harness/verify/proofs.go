package verify

import (
	"context"
	"fmt"

	"github.com/drill-dev/drill/harness/recovery"
)

// prove reads the fingerprints and links of the sites queued for a proof, as many at once as
// are waiting, and records each site's verdict as its sample, stamped when the reads began.
func (v *Verifier) prove(ctx context.Context) {
	for {
		var batch []proof
		select {
		case <-ctx.Done():
			return
		case p := <-v.proofs:
			batch = append(batch, p)
		}
	more:
		for {
			select {
			case p := <-v.proofs:
				batch = append(batch, p)
			default:
				break more
			}
		}
		v.proveBatch(ctx, batch)
	}
}

func (v *Verifier) proveBatch(ctx context.Context, batch []proof) {
	sites := make([]string, len(batch))
	for i, p := range batch {
		sites[i] = p.site
	}
	fps := v.reader.Fingerprints(ctx, sites)
	if ctx.Err() != nil {
		return
	}
	for _, p := range batch {
		at, fp := fps.At[p.site], fps.Values[p.site]
		linksAt := v.cfg.Clock.Now()
		broken, unreadable := v.reader.BrokenLinks(ctx, p.site)
		x := recovery.Sample{Pass: true, At: max(at, linksAt)}
		if mm := v.cfg.Baseline.Mismatches(p.site, fp); len(mm) > 0 {
			x = recovery.Sample{At: at, Product: mm[0], Reason: "fingerprint differs from the baseline"}
			if err := fps.Errs[p.site][mm[0]]; err != nil {
				x.Reason = "fingerprint unreadable: " + v.cfg.Redact(err.Error())
			}
		} else if len(unreadable) > 0 || broken > v.cfg.Baseline.Links[p.site] {
			x = recovery.Sample{At: linksAt, Product: "links", Reason: fmt.Sprintf("%d broken links, %d unreadable link checks", broken, len(unreadable))}
		}
		v.mu.Lock()
		v.proving[p.site] = false
		if v.epoch[p.site] == p.epoch { // else a health failure since voids it
			v.verified[p.site] = x.Pass
			if x.Pass {
				v.proofStarts[p.site] = append(v.proofStarts[p.site], x.At)
			}
			if at := v.settle(p.site, x); x.Pass {
				v.provedAt[p.site] = at
			}
		}
		v.mu.Unlock()
	}
}
