package verify

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/drill-dev/drill/harness/recovery"
)

// prove reads the fingerprints and links of the sites queued for a proof, as many at once as
// are waiting (a round asks for its sites together, so a wave of sites turning healthy is one
// batch: one request per product), and records each site's verdict as its sample, stamped when
// the reads began.
func (v *Verifier) prove(ctx context.Context) {
	for {
		var batch []proof
		select {
		case <-ctx.Done():
			return
		case ps := <-v.proofs:
			batch = append(batch, ps...)
		}
	more:
		for {
			select {
			case ps := <-v.proofs:
				batch = append(batch, ps...)
			default:
				break more
			}
		}
		v.proveBatch(ctx, batch)
	}
}

// linkWorkers bounds a proof batch's link checks in flight: they are read beside its
// fingerprints, from the start of the batch, each (site, check) on its own, so that no site's
// proof waits for the links of the sites before it longer than the checks ahead of its own.
const linkWorkers = 8

// links is what one site's link checks read, and when the last of them began.
type links struct {
	at         time.Duration
	broken     int
	unreadable []string
}

func (v *Verifier) proveBatch(ctx context.Context, batch []proof) {
	sites := make([]string, len(batch))
	for i, p := range batch {
		sites[i] = p.site
	}
	read := make([]links, len(batch))
	checks := v.reader.LinkChecks()
	var wg sync.WaitGroup
	wg.Go(func() {
		var mu sync.Mutex
		g := make(chan struct{}, linkWorkers)
		var lg sync.WaitGroup
		for i, s := range sites {
			for _, name := range checks {
				g <- struct{}{}
				lg.Go(func() {
					defer func() { <-g }()
					at := v.cfg.Clock.Now()
					n, err := v.reader.LinkCheck(ctx, s, name)
					mu.Lock()
					defer mu.Unlock()
					l := &read[i]
					l.at = max(l.at, at)
					if err != nil {
						l.unreadable = append(l.unreadable, name)
						return
					}
					l.broken += n
				})
			}
		}
		lg.Wait()
		for i := range read {
			slices.Sort(read[i].unreadable)
		}
	})
	began := v.cfg.Clock.Now()
	fps := v.reader.Fingerprints(ctx, sites)
	fpDone := v.cfg.Clock.Now()
	wg.Wait()
	if ctx.Err() != nil {
		return
	}
	if v.reader.log.Enabled(ctx, slog.LevelDebug) {
		var lastFP, lastLinks time.Duration // when the batch's last reads began, after began
		for i, s := range sites {
			lastFP, lastLinks = max(lastFP, fps.At[s]-began), max(lastLinks, read[i].at-began)
		}
		v.reader.log.Debug("proof batch", "sites", len(sites), "began", began, "fingerprints", fpDone-began, "links", v.cfg.Clock.Now()-began,
			"last fingerprint began", lastFP, "last links began", lastLinks)
	}
	for i, p := range batch {
		at, fp := fps.At[p.site], fps.Values[p.site]
		linksAt, broken, unreadable := read[i].at, read[i].broken, read[i].unreadable
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
