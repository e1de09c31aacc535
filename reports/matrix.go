package reports

import (
	"fmt"
	"math"
	"sort"

	"github.com/drill-dev/drill/result"
)

// matrixTitled is the most sites whose cells carry a tooltip each; beyond it the heat strip
// stays small and the table names the slowest.
const (
	matrixTitled = 60
	matrixSlow   = 20
)

// recoveryMatrix shows, for every affected site and product, when that product of that site
// came back after the fault: one row per product, slowest product on top, one column per
// site, slowest site first; never is red.
// matrixSite is one affected site's row of the matrix: each product's recovery instant after
// the fault (+Inf: never) and its slowest.
type matrixSite struct {
	id    string
	at    map[string]float64
	worst float64
}

// matrixSites collects the affected sites with per-product recovery instants, slowest first,
// and each product's slowest instant.
func matrixSites(r result.Result) ([]matrixSite, map[string]float64) {
	t0 := 0.0
	if r.Run.T0Seconds != nil {
		t0 = *r.Run.T0Seconds
	}
	var sites []matrixSite
	slowest := map[string]float64{}
	for _, s := range r.Sites {
		if !s.Affected || len(s.ProductRecoveredSeconds) == 0 {
			continue
		}
		row := matrixSite{id: s.ID, at: map[string]float64{}}
		for p, v := range s.ProductRecoveredSeconds {
			at := math.Inf(1)
			if v != nil {
				at = *v - t0
			}
			row.at[p], row.worst = at, math.Max(row.worst, at)
			slowest[p] = math.Max(slowest[p], at)
		}
		sites = append(sites, row)
	}
	sort.SliceStable(sites, func(i, j int) bool { return sites[i].worst > sites[j].worst })
	return sites, slowest
}

func recoveryMatrix(r result.Result, id string) *chart {
	sites, slowest := matrixSites(r)
	if len(sites) == 0 {
		return nil
	}
	products := sortedKeys(slowest)
	sort.SliceStable(products, func(i, j int) bool { return slowest[products[i]] > slowest[products[j]] })
	lo, top := math.Inf(1), 0.0
	for _, site := range sites {
		for _, v := range site.at {
			if !math.IsInf(v, 1) {
				lo, top = math.Min(lo, v), math.Max(top, v)
			}
		}
	}
	lo = math.Min(lo, top)
	heat := func(at float64) string { return heatColour(at, lo, top) }
	const cellH = 16.0
	f := frame{left: 110, top: 24, width: chartWidth - 110 - 20, height: float64(len(products)) * cellH}
	desc := fmt.Sprintf("%d affected sites × %d products; the slowest product, %s, was last back %s after the fault", len(sites), len(products), products[0], recoveredWord(slowest[products[0]]))
	s := newSVG(chartWidth, f.top+f.height+40, "Recovery matrix", desc)
	w := f.width / float64(len(sites))
	for k, p := range products {
		y := f.top + float64(k)*cellH
		lbl, colour := p, colInk
		if k == 0 {
			lbl, colour = p+" (slowest)", colBad
		}
		s.textTip(f.left-6, y+12, "end", colour, lbl, fmt.Sprintf("%s: last site back %s after the fault", p, recoveredWord(slowest[p])))
		for i, site := range sites {
			at, ok := site.at[p]
			fill := heat(at)
			if !ok {
				fill = colGrid
			}
			tip := ""
			if len(sites) <= matrixTitled {
				tip = fmt.Sprintf("%s %s: back %s after the fault", site.id, p, recoveredWord(at))
			}
			s.rect(f.left+float64(i)*w, y+1, math.Max(w-0.3, 0.5), cellH-2, fill, tip)
		}
	}
	ly := f.top + f.height + 16
	s.text(f.left, ly, "start", colMuted, "← slowest site first · "+plural(len(sites), "site", "sites")+" →")
	if w >= 60 { // few sites: name each column
		for i, site := range sites {
			s.text(f.left+(float64(i)+0.5)*w, f.top-6, "middle", colMuted, truncate(site.id, int(w/7)))
		}
	}
	legend(s, f.left+f.width, ly, []legendKey{
		{heat(lo), colMuted, "first (" + Dur(lo) + ")"}, {heat(top), colMuted, "last (" + Dur(top) + ")"}, {colBad, colBad, "never"},
	})
	c := &chart{ID: id, Title: "Recovery matrix: which product of which site came back when", SVG: s.html(),
		Head: append([]string{"site (slowest first)"}, products...)}
	for _, site := range sites[:min(matrixSlow, len(sites))] {
		row := []string{site.id}
		for _, p := range products {
			if at, ok := site.at[p]; ok {
				row = append(row, recoveredWord(at))
			} else {
				row = append(row, "—")
			}
		}
		c.Rows = append(c.Rows, row)
	}
	c.Caption = fmt.Sprintf("Each cell is the instant one product of one affected site came back, counted from the fault: from light (the first product back) to dark (the last), red never. Products are sorted slowest first, sites slowest first; the table lists the slowest %d sites.", min(matrixSlow, len(sites)))
	return c
}

// legendKey is one swatch of a legend and its label.
type legendKey struct{ swatch, ink, label string }

// legend draws keys side by side on the baseline y, the last ending at right; each label's
// width is estimated at 7px a character (12px sans-serif runs narrower), so none overlaps the
// next.
func legend(s *svg, right, y float64, keys []legendKey) {
	const swatch, pad, gap, perChar = 14.0, 4.0, 14.0, 7.0
	x := right
	for _, k := range keys {
		x -= swatch + pad + perChar*float64(len([]rune(k.label))) + gap
	}
	for _, k := range keys {
		s.rect(x, y-10, swatch, 12, k.swatch, "")
		s.text(x+swatch+pad, y, "start", k.ink, k.label)
		x += swatch + pad + perChar*float64(len([]rune(k.label))) + gap
	}
}

// recoveredWord is a recovery instant after the fault, or never.
func recoveredWord(at float64) string {
	if math.IsInf(at, 1) {
		return "never"
	}
	return Dur(at)
}

// heatColour is a blue from light (the first product back, at lo) to dark (the last, at top);
// never is red.
func heatColour(at, lo, top float64) string {
	if math.IsInf(at, 1) {
		return colBad
	}
	k := 1.0
	if top > lo {
		k = math.Max(0, math.Min(1, (at-lo)/(top-lo)))
	}
	lerp := func(a, b float64) int { return int(math.Round(a + (b-a)*k)) }
	return fmt.Sprintf("#%02x%02x%02x", lerp(0xdd, 0x0a), lerp(0xf4, 0x30), lerp(0xff, 0x69))
}

// whyRow says why one affected site is affected.
type whyRow struct{ Site, NamedBy, Failed, Product, Error string }

// whyRows lists why the affected sites are affected: every site no fault step named first
// (what the fault hit beyond its sites, or a false positive), then the named ones up to
// matrixSlow; more says how many named ones are left out.
func whyRows(r result.Result) (rows []whyRow, more int) {
	t0 := 0.0
	if r.Run.T0Seconds != nil {
		t0 = *r.Run.T0Seconds
	}
	after := func(v *float64) string {
		if v == nil {
			return "—"
		}
		return Dur(*v-t0) + " after t0"
	}
	var named []whyRow
	for _, s := range r.Sites {
		if !s.Affected || s.Why == nil {
			continue
		}
		w := whyRow{Site: s.ID, NamedBy: "not named by a fault", Failed: after(s.Why.FailedSeconds), Product: s.Why.Product, Error: s.Why.Error}
		if s.Why.NamedBy != "" {
			w.NamedBy = s.Why.NamedBy + " at " + after(s.Why.NamedSeconds)
			named = append(named, w)
			continue
		}
		rows = append(rows, w)
	}
	keep := max(0, min(len(named), matrixSlow-len(rows)))
	return append(rows, named[:keep]...), len(named) - keep
}
