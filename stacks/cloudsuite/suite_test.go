package cloudsuite_test

import (
	"context"
	stdlog "log"
	"os"
	"os/exec"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	tclog "github.com/testcontainers/testcontainers-go/log"
)

func init() {
	// Ryuk cannot be pulled here, and without the override testcontainers sends mapped-port
	// traffic off the machine (notes/containers.md).
	os.Setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
	os.Setenv("TESTCONTAINERS_HOST_OVERRIDE", "localhost")
}

func TestCloudsuite(t *testing.T) {
	RegisterFailHandler(Fail)
	tclog.SetDefault(stdlog.New(GinkgoWriter, "", stdlog.LstdFlags)) // shown with -ginkgo.v or on failure
	RunSpecs(t, "cloudsuite")
}

// requireDocker skips container specs under go test -short and builds the images (idempotent:
// seconds when nothing changed).
func requireDocker(ctx context.Context) {
	if testing.Short() {
		Skip("needs Docker (skipped under -short)")
	}
	cmd := exec.CommandContext(ctx, "./images.sh")
	out, err := cmd.CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), "images.sh:\n%s", out)
}

var _ = BeforeSuite(func(ctx SpecContext) {
	if testing.Short() {
		return
	}
	requireDocker(ctx)
}, NodeTimeout(10*time.Minute))
