package scenarios

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
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

// Resolve returns the foreach with a count given as a template of the size rendered (a copy);
// a foreach without one is returned as it is.
func (f *Foreach) Resolve(size map[string]string) (*Foreach, error) {
	if f == nil || f.CountText == "" {
		return f, nil
	}
	s, err := Render(f.CountText, TemplateData{Size: size})
	if err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 {
		return nil, fmt.Errorf("count %q is %q: want a whole number of sites, at least 1", f.CountText, s)
	}
	out := *f
	out.Count, out.CountText = n, ""
	return &out, nil
}

// countRef is a count template found while decoding, checked against every size.
type countRef struct {
	pos  Pos
	path string
	fe   *Foreach
}

// checkCounts renders every count template with every size: each must be a whole number ≥ 1.
func (d *decoder) checkCounts(sizes []*Size) {
	for _, c := range d.counts {
		for _, sz := range sizes {
			if _, err := Render(c.fe.CountText, TemplateData{Size: sz.Params}); err != nil {
				continue // the template check names what is wrong with it
			}
			if _, err := c.fe.Resolve(sz.Params); err != nil {
				d.errs = append(d.errs, &Error{Pos: c.pos, Path: c.path, Msg: "size " + sz.Name + ": " + err.Error()})
			}
		}
	}
}
