package harness

import (
	"fmt"

	"github.com/drill-dev/drill/scenarios"
)

// Cell is one drill to run: a scenario at a size.
type Cell struct {
	Scenario *scenarios.Scenario
	Size     string
}

// Name is the cell's label, as in reports: scenario[size].
func (c Cell) Name() string { return c.Scenario.Name + "[" + c.Size + "]" }

// ParseShard parses K/N with 1 ≤ K ≤ N.
func ParseShard(s string) (k, n int, err error) {
	var rest string
	if c, _ := fmt.Sscanf(s+" ", "%d/%d%s", &k, &n, &rest); c < 2 || rest != "" || n < 1 || k < 1 || k > n {
		return 0, 0, fmt.Errorf("shard %q: want K/N with 1 ≤ K ≤ N", s)
	}
	return k, n, nil
}

// Shard returns the cells of shard k of n: every n-th cell in the given order, starting at the
// k-th. Every cell lands in exactly one shard, and the split depends only on the order of the
// cells, so every shard computes the same split.
func Shard(cells []Cell, k, n int) []Cell {
	var out []Cell
	for i, c := range cells {
		if i%n == k-1 {
			out = append(out, c)
		}
	}
	return out
}
