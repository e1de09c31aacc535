package kube_test

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/drill-dev/drill/harness/kube"
	"github.com/drill-dev/drill/harness/runtime"
	"github.com/drill-dev/drill/harness/runtime/runtimetest"
)

// EnvKubeconfig names the kubeconfig of the cluster the suite runs on; unset, the specs that
// need a cluster skip (make test-kube sets it).
const EnvKubeconfig = "DRILL_KUBECONFIG"

const (
	sleeperImage = "drill-test/sleeper:dev"
	shellImage   = "drill/postgres:15" // has find(1); make images builds it
	testLabelKey = "drill.test"
)

var (
	rt      *kube.Runtime
	session = "ktest-" + randomHex()
)

func TestKube(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "harness/kube")
}

// requireCluster skips a spec without a cluster.
func requireCluster() {
	if os.Getenv(EnvKubeconfig) == "" {
		Skip("needs a cluster: set " + EnvKubeconfig + " (make test-kube does)")
	}
}

var _ = BeforeSuite(func(ctx SpecContext) {
	path := os.Getenv(EnvKubeconfig)
	if path == "" {
		return
	}
	var err error
	rt, err = kube.New(ctx, kube.Config{Kubeconfig: path})
	Expect(err).NotTo(HaveOccurred())

	By("building " + sleeperImage + " and loading it and " + shellImage + " into the cluster")
	dir := GinkgoT().TempDir()
	build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(dir, "sleeper"), "../docker/testdata/sleeper")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := build.CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), string(out))
	df, err := os.ReadFile("../docker/testdata/sleeper/Dockerfile")
	Expect(err).NotTo(HaveOccurred())
	Expect(os.WriteFile(filepath.Join(dir, "Dockerfile"), df, 0o644)).To(Succeed())
	out, err = exec.CommandContext(ctx, "docker", "build", "-q", "-t", sleeperImage, dir).CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), string(out))
	load := exec.CommandContext(ctx, "../../scripts/kube/images.sh", sleeperImage, shellImage, kube.DefaultHelperImage)
	load.Env = append(os.Environ(), "DRILL_HEAVY_LOCKED=1")
	out, err = load.CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), string(out))
	GinkgoWriter.Printf("%s", out)
}, NodeTimeout(5*time.Minute))

var _ = AfterSuite(func(ctx SpecContext) {
	if rt == nil {
		return
	}
	By("removing every namespace the suite labelled")
	nss, err := rt.Clientset().CoreV1().Namespaces().List(ctx, metav1.ListOptions{LabelSelector: testLabelKey + "=" + session})
	Expect(err).NotTo(HaveOccurred())
	for _, n := range nss.Items {
		GinkgoWriter.Printf("left behind: namespace %s\n", n.Name)
		Expect(rt.DeleteNamespace(ctx, n.Name)).To(Succeed())
	}
	Expect(nss.Items).To(BeEmpty(), "every spec removes its namespace")
	Expect(rt.Close()).To(Succeed())
}, NodeTimeout(3*time.Minute))

var _ = runtimetest.DescribeContract(runtimetest.Contract{
	Runtime:    func() runtime.Runtime { return rt },
	Require:    requireCluster,
	Sleeper:    sleeperImage,
	Shell:      shellImage,
	Labels:     map[string]string{testLabelKey: session},
	CanPause:   false,
	ExecAsUser: false, // runuser needs a shell image and a root container
}, "kube")

func randomHex() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
