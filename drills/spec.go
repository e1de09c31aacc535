package drills

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	"github.com/onsi/gomega"

	"github.com/drill-dev/drill/harness"
	"github.com/drill-dev/drill/scenarios"
)

// DefaultLabelFilter is the label filter SuiteConfig applies when none is given: the everyday
// CI job, every scenario at its small size.
const DefaultLabelFilter = SizeLabel + "small"

// teardownGrace is how long Ginkgo waits, after an interrupt or a timeout cancels a drill, for
// the drill to tear its stack down and return (harness teardown is bounded by 2m).
const teardownGrace = 3 * time.Minute

// SuiteConfig returns Ginkgo's configuration with a default label filter: when neither
// --label-filter nor -ginkgo.label-filter was given (plain go test has no other way to pass
// one), the filter is $DRILL_LABELS, else DefaultLabelFilter (size:small). To run every size,
// ask for the docker label: --label-filter=docker or DRILL_LABELS=docker. Pass both values to
// RunSpecs.
func SuiteConfig(getenv func(string) string) (types.SuiteConfig, types.ReporterConfig) {
	suite, reporter := ginkgo.GinkgoConfiguration()
	if suite.LabelFilter == "" {
		suite.LabelFilter = getenv("DRILL_LABELS")
		if suite.LabelFilter == "" {
			suite.LabelFilter = DefaultLabelFilter
		}
	}
	return suite, reporter
}

// Spec registers an It that runs the scenario ref (a built-in name or a path) at size ("" is
// the scenario's first) and expects it to MeetTargets. Its labels are Labels; it skips under
// go test -short. The scenario is loaded when the spec tree is built; a scenario that does not
// load registers a spec that fails with the load errors.
func Spec(ref, size string, opts ...Option) bool {
	sc, err := scenarios.Load(ref)
	if err != nil {
		labels := []string{ScenarioLabel + labelName(ref), LabelDocker}
		if size != "" {
			labels = append(labels, SizeLabel+size)
		}
		return failing(ref, labels, fmt.Errorf("load %s: %w", ref, err))
	}
	if size == "" {
		size = sc.Sizes[0].Name
	}
	if _, err := sc.Size(size); err != nil {
		return failing(ref, []string{ScenarioLabel + sc.Name, SizeLabel + size, LabelDocker}, err)
	}
	return cellSpec(harness.Cell{Scenario: sc, Size: size}, opts)
}

// Catalogue registers one Spec per built-in scenario and size (CatalogueCells), inside a
// Describe named "catalogue". The cells are first narrowed to those the suite's label filter
// selects and then sharded by $DRILL_SHARD (K/N; unset: every cell), with harness.Shard: shard
// K of N under filter size:small runs the drills of
//
//	drill run <every built-in, sorted> --size small --shard K/N
//
// and under filter docker (every size) those of the same command with --all-sizes. Each
// drill's result records the shard. A catalogue that does not load, or a bad DRILL_SHARD,
// registers a failing spec.
func Catalogue(opts ...Option) bool {
	return ginkgo.Describe("catalogue", func() {
		cells, err := CatalogueCells()
		if err != nil {
			failing("catalogue", catalogueLabels(cells), err)
		}
		shard := os.Getenv("DRILL_SHARD")
		cells, err = Select(cells, ginkgo.GinkgoLabelFilter())
		if err == nil {
			cells, err = ShardOf(cells, shard)
		}
		if err != nil {
			failing("catalogue shard", catalogueLabels(cells), fmt.Errorf("DRILL_SHARD=%q: %w", shard, err))
			return
		}
		opts := append(slices.Clip(opts), func(c *config) { c.shard = shard })
		for _, c := range cells {
			cellSpec(c, opts)
		}
	})
}

// cellSpec registers the It of one drill.
func cellSpec(c harness.Cell, opts []Option) bool {
	return ginkgo.It(c.Name(), ginkgo.Label(Labels(c)...), func(ctx ginkgo.SpecContext) {
		res := RunCell(ctx, c, opts...)
		gomega.Expect(res).To(MeetTargets())
	}, ginkgo.GracePeriod(teardownGrace))
}

// failing registers a spec that fails with err; labels make it run under the filters that
// would have run the drills it stands for.
func failing(name string, labels []string, err error) bool {
	return ginkgo.It(name+" loads", ginkgo.Label(labels...), func() {
		ginkgo.Fail(err.Error())
	})
}

// catalogueLabels labels a failing catalogue spec with every size the loaded cells have (small
// when none loaded), so that it runs under any size filter.
func catalogueLabels(cells []harness.Cell) []string {
	l := []string{LabelDocker}
	seen := map[string]bool{}
	for _, c := range cells {
		if !seen[c.Size] {
			seen[c.Size] = true
			l = append(l, SizeLabel+c.Size)
		}
	}
	if len(seen) == 0 {
		l = append(l, DefaultLabelFilter)
	}
	return l
}

// labelName turns a scenario reference into a label-safe name: the file's base name without
// .yaml (labels may not contain / , & | ! or parentheses).
func labelName(ref string) string {
	n := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(ref), ".yaml"), ".yml")
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune("&|!,()/: ", r) {
			return '-'
		}
		return r
	}, n)
}
