package scenarios

import (
	"strings"
	"testing"
)

func TestProbeCostsNameExecProbesWithoutBatch(t *testing.T) {
	st, err := LoadStack("testdata/stacks/dataplane.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got := st.ProbeCosts(400)
	if len(got) != 1 || !strings.HasPrefix(got[0], "products.carts.health is exec with no health-batch") || !strings.Contains(got[0], "400 per poll round at 400 sites") {
		t.Fatalf("notes %q, want one for carts' exec health", got)
	}
	st.Products["carts"].HealthBatch = &Probe{SQL: &SQLCall{Query: "x"}}
	if got := st.ProbeCosts(400); len(got) != 0 {
		t.Errorf("with a batch form: %q, want none", got)
	}
}
