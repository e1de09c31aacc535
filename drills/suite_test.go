package drills_test

import (
	"os"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drill-dev/drill/drills"
	"github.com/drill-dev/drill/harness/docker"
)

func init() {
	// The two settings drill always runs with (see docker.ApplyLocalDefaults): no Ryuk image
	// can be pulled here, and mapped ports must be reached on localhost.
	_ = os.Setenv(docker.EnvRyukDisabled, "true")
	_ = os.Setenv(docker.EnvHostOverride, "localhost")
}

// TestDrills is the catalogue suite: every built-in scenario at every size the label filter
// selects (size:small by default, see drills.SuiteConfig), sharded by DRILL_SHARD.
func TestDrills(t *testing.T) {
	RegisterFailHandler(Fail)
	suite, reporter := drills.SuiteConfig(os.Getenv)
	RunSpecs(t, "drills", suite, reporter)
}

var _ = drills.Catalogue()

var _ = ReportAfterSuite("drill reports", func(r Report) {
	dir := drills.OutDir(os.Getenv)
	Expect(drills.WriteReports(r, dir)).To(Succeed())
	GinkgoWriter.Printf("drill reports: %s/{report.html,junit.xml,summary.md}\n", dir)
})
