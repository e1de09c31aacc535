package scenarios

import (
	"math"
	"math/rand/v2"
	"slices"
)

// ChooseSites returns the sites a foreach step fans out over. From picks the set (all,
// affected or unaffected; "" is all); Count chooses that many of it (capped at what there is);
// Fraction chooses ceil(Fraction × n), at least one; neither chooses the whole set. The choice
// is deterministic in runSeed and the step's own seed, and the chosen sites keep the order of
// the set they come from. A nil Foreach chooses all.
func ChooseSites(f *Foreach, all, affected, unaffected []string, runSeed int64) []string {
	if f == nil {
		return slices.Clone(all)
	}
	from := all
	switch f.From {
	case SitesAffected:
		from = affected
	case SitesUnaffected:
		from = unaffected
	}
	n := len(from)
	k := n
	switch {
	case f.Count > 0:
		k = min(f.Count, n)
	case f.Fraction > 0:
		// The epsilon keeps 0.1 × 30 (3.0000000000000004 in floating point) at 3.
		k = min(max(int(math.Ceil(f.Fraction*float64(n)-1e-9)), 1), n)
	}
	if k == n {
		return slices.Clone(from)
	}
	r := rand.New(rand.NewPCG(uint64(runSeed), uint64(f.Seed)^0x9e3779b97f4a7c15))
	idx := r.Perm(n)[:k]
	slices.Sort(idx)
	out := make([]string, k)
	for i, j := range idx {
		out[i] = from[j]
	}
	return out
}
