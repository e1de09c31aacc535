package seed

import (
	"fmt"
	"math/rand/v2"
)

// SiteIDs returns the IDs of the first n sites for a seed: 12 lower-case hex digits each.
func SiteIDs(seed int64, n int) []string {
	r := rand.New(rand.NewPCG(uint64(seed), 0x51735)) //nolint:gosec // deterministic test data
	ids := make([]string, n)
	seen := make(map[string]bool, n)
	for i := range n {
		id := fmt.Sprintf("%012x", r.Uint64()>>16)
		for seen[id] {
			id = fmt.Sprintf("%012x", r.Uint64()>>16)
		}
		seen[id] = true
		ids[i] = id
	}
	return ids
}

// AppID returns the ID of a site's entitlement to the product with index k in catalog.Apps.
// App IDs look like site IDs (12 hex digits): nothing in an ID tells the two apart.
func AppID(seed int64, ordinal, k int) string {
	r := rand.New(rand.NewPCG(uint64(seed)^0xa995, uint64(ordinal)*16+uint64(k))) //nolint:gosec // deterministic
	return fmt.Sprintf("%012x", r.Uint64()>>16)
}

// rng returns the generator of one table of one site.
func rng(seed int64, ordinal, table int) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed)+uint64(ordinal)*0x9e3779b97f4a7c15, uint64(table))) //nolint:gosec // deterministic
}
