package drills

import (
	"errors"
	"fmt"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/drill-dev/drill/harness"
	"github.com/drill-dev/drill/scenarios"
)

// Label names. Every drill spec carries "docker", "scenario:NAME" and "size:SIZE"; sizes other
// than the scenario's first (medium and large in the catalogue) also carry "slow", and drills
// on a stack whose services come from a compose file carry "compose".
const (
	LabelDocker   = "docker"
	LabelSlow     = "slow"
	LabelCompose  = "compose"
	ScenarioLabel = "scenario:"
	SizeLabel     = "size:"
)

// Labels returns the labels of a drill spec: scenario:NAME, size:SIZE, docker, slow unless the
// size is the scenario's first (its smallest, by the catalogue's convention), and compose when
// the stack's services come from a compose file.
func Labels(c harness.Cell) []string {
	l := []string{ScenarioLabel + c.Scenario.Name, SizeLabel + c.Size, LabelDocker}
	if len(c.Scenario.Sizes) > 0 && c.Size != c.Scenario.Sizes[0].Name {
		l = append(l, LabelSlow)
	}
	if c.Scenario.Stack != nil && c.Scenario.Stack.Compose != "" {
		l = append(l, LabelCompose)
	}
	return l
}

// Cells lists every scenario at every size, in the order given and each scenario's sizes in
// file order: the cells drill run builds for the same scenarios with --all-sizes.
func Cells(scs []*scenarios.Scenario) []harness.Cell {
	var out []harness.Cell
	for _, sc := range scs {
		for _, s := range sc.Sizes {
			out = append(out, harness.Cell{Scenario: sc, Size: s.Name})
		}
	}
	return out
}

// CatalogueCells loads every built-in scenario, by name in sorted order (as drill list prints
// them), and returns their Cells: the cells of
//
//	drill run atlassian-2022 backup-gone ... (every built-in, sorted) --all-sizes
//
// Scenarios that do not load are left out and named in the error.
func CatalogueCells() ([]harness.Cell, error) {
	var scs []*scenarios.Scenario
	var errs []error
	for _, name := range scenarios.Builtins(nil, "Scenario") {
		sc, err := scenarios.Load(name)
		if err != nil {
			errs = append(errs, fmt.Errorf("built-in scenario %s: %w", name, err))
			continue
		}
		scs = append(scs, sc)
	}
	return Cells(scs), errors.Join(errs...)
}

// Select keeps the cells whose Labels match a Ginkgo label filter (as --label-filter takes it);
// an empty filter keeps every cell. The order is kept.
func Select(cells []harness.Cell, filter string) ([]harness.Cell, error) {
	if filter == "" {
		return cells, nil
	}
	match, err := types.ParseLabelFilter(filter)
	if err != nil {
		return nil, fmt.Errorf("label filter %q: %w", filter, err)
	}
	var out []harness.Cell
	for _, c := range cells {
		if match(Labels(c)) {
			out = append(out, c)
		}
	}
	return out, nil
}

// ShardOf returns shard K/N of the cells with harness.Shard, or every cell when spec is empty.
func ShardOf(cells []harness.Cell, spec string) ([]harness.Cell, error) {
	if spec == "" {
		return cells, nil
	}
	k, n, err := harness.ParseShard(spec)
	if err != nil {
		return nil, err
	}
	return harness.Shard(cells, k, n), nil
}
