package main

import (
	"fmt"
	"maps"
	"slices"

	"github.com/drill-dev/drill/harness/canary"
	"github.com/drill-dev/drill/harness/transport"
	"github.com/drill-dev/drill/harness/verify"
	"github.com/drill-dev/drill/scenarios"
)

// dataPlane prints, per product, the form and transport of each read and of the canaries, the
// canary interval at this size and the tenant list.
func (p planPrinter) dataPlane(sc *scenarios.Scenario, size *scenarios.Size, data scenarios.TemplateData) {
	fmt.Fprintln(p.w, "  data plane (per product):")
	for _, name := range slices.Sorted(maps.Keys(p.stack.Products)) {
		pr := p.stack.Products[name]
		fmt.Fprintf(p.w, "    %-10s health %s; fingerprint %s; canary %s\n", name,
			formText(verify.HealthForm(pr)), formText(verify.FingerprintForm(pr)), canaryText(pr))
	}
	if p.stack.Tenants.List != nil {
		fmt.Fprintf(p.w, "  tenants list: %s\n", p.request(p.plane.RenderList(data)))
	}
	base := sc.Intervals.Canary
	fmt.Fprintf(p.w, "  canary interval: %s at %d sites (declared %s, one more per 100 sites)\n",
		canary.Interval(base, size.Sites), size.Sites, canary.Interval(base, 1))
}

// formText says how a product's reads go: "batch over sql (500 sites a request)", "per site
// over exec", "none".
func formText(f verify.Form) string {
	switch {
	case f.Probe == nil:
		return "none"
	case f.Batch:
		return fmt.Sprintf("batch over %s (%d sites a request)", transport.Transport(*f.Probe), f.Chunk)
	}
	return "per site over " + transport.Transport(*f.Probe)
}

func canaryText(pr *scenarios.Product) string {
	if pr.CanaryWrite == nil || pr.CanaryRead == nil {
		return "none (data loss not measured)"
	}
	w, r := transport.Transport(*pr.CanaryWrite), transport.Transport(*pr.CanaryRead)
	if w == r {
		return "batch over " + w
	}
	return fmt.Sprintf("batch, write over %s, read over %s", w, r)
}
