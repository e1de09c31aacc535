package harness

import (
	"fmt"
	"testing"

	"github.com/drill-dev/drill/scenarios"
)

func TestShardPutsEveryCellInExactlyOneShard(t *testing.T) {
	var cells []Cell
	for i := range 7 {
		sc := &scenarios.Scenario{Name: fmt.Sprintf("s%d", i)}
		for _, size := range []string{"small", "medium", "large"} {
			cells = append(cells, Cell{sc, size})
		}
	}
	for n := 1; n <= 25; n++ {
		seen := map[string]int{}
		for k := 1; k <= n; k++ {
			for _, c := range Shard(cells, k, n) {
				seen[c.Name()]++
			}
		}
		if len(seen) != len(cells) {
			t.Fatalf("n=%d: %d cells covered, want %d", n, len(seen), len(cells))
		}
		for name, times := range seen {
			if times != 1 {
				t.Fatalf("n=%d: %s in %d shards", n, name, times)
			}
		}
	}
}

func TestParseShard(t *testing.T) {
	for _, bad := range []string{"", "0/3", "4/3", "1/0", "a/b", "1/3x", "-1/3"} {
		if _, _, err := ParseShard(bad); err == nil {
			t.Errorf("ParseShard(%q) accepted", bad)
		}
	}
	if k, n, err := ParseShard("2/5"); err != nil || k != 2 || n != 5 {
		t.Fatalf("ParseShard(2/5) = %d, %d, %v", k, n, err)
	}
}
