package docker_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/moby/moby/client"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drill-dev/drill/harness/docker"
	"github.com/drill-dev/drill/harness/runtime"
)

func init() {
	// The two settings drill always runs with (see docker.ApplyLocalDefaults).
	_ = os.Setenv(docker.EnvRyukDisabled, "true")
	_ = os.Setenv(docker.EnvHostOverride, "localhost")
}

func TestDocker(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "harness/docker")
}

const (
	sleeperImage  = "drill-test/sleeper:dev"
	shellImage    = "drill/postgres:15" // built by the cloudsuite images; has find(1)
	testLabelKey  = "drill.test"
	sleeperPort   = 8080
	opTimeout     = 60 * time.Second
	testRunPrefix = "dtest-"
)

var (
	rt  *docker.Runtime
	cli *client.Client // a plain client to check what the runtime did, behind its back
	// session labels everything this suite creates, so cleanup finds it all.
	session = testRunPrefix + randomHex()
)

var _ = BeforeSuite(func(ctx SpecContext) {
	if testing.Short() {
		return
	}
	var err error
	rt, err = docker.New(ctx)
	Expect(err).NotTo(HaveOccurred())
	cli, err = client.New(client.FromEnv)
	Expect(err).NotTo(HaveOccurred())

	By("building " + sleeperImage + " from a static Go binary, FROM scratch")
	dir := GinkgoT().TempDir()
	build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(dir, "sleeper"), "./testdata/sleeper")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := build.CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), string(out))
	Expect(os.Chmod(filepath.Join(dir, "sleeper"), 0o755)).To(Succeed())
	df, err := os.ReadFile("testdata/sleeper/Dockerfile")
	Expect(err).NotTo(HaveOccurred())
	Expect(os.WriteFile(filepath.Join(dir, "Dockerfile"), df, 0o644)).To(Succeed())
	start := time.Now()
	Expect(rt.BuildImage(ctx, sleeperImage, dir)).To(Succeed())
	GinkgoWriter.Printf("built %s in %s\n", sleeperImage, time.Since(start).Round(time.Millisecond))
}, NodeTimeout(5*time.Minute))

var _ = AfterSuite(func(ctx SpecContext) {
	if rt == nil {
		return
	}
	Expect(removeSession(ctx)).To(Succeed())
	Expect(rt.Close()).To(Succeed())
}, NodeTimeout(2*time.Minute))

// requireDocker skips a spec under -short.
func requireDocker() {
	if testing.Short() {
		Skip("needs Docker (skipped under -short)")
	}
}

// labels returns labels for a test resource: the suite's session plus extra.
func labels(extra ...map[string]string) map[string]string {
	m := map[string]string{testLabelKey: session}
	for _, e := range extra {
		for k, v := range e {
			m[k] = v
		}
	}
	return m
}

// name returns a unique resource name for this suite.
func name(what string) string { return session + "-" + what + "-" + randomHex() }

// startSleeper starts a sleeper container and registers its removal.
func startSleeper(ctx context.Context, spec runtime.ContainerSpec) runtime.Container {
	GinkgoHelper()
	if spec.Name == "" {
		spec.Name = name("sleeper")
	}
	spec.Image = sleeperImage
	spec.Labels = labels(spec.Labels)
	spec.Init = true
	c, err := rt.Start(ctx, spec)
	DeferCleanup(func(ctx SpecContext) {
		if c != nil {
			err := c.Remove(ctx, false)
			if err != nil && !errors.Is(err, runtime.ErrNotFound) {
				Fail(err.Error())
			}
		}
	})
	Expect(err).NotTo(HaveOccurred())
	return c
}

// volume creates a labelled volume and registers its removal.
func volume(ctx context.Context) string {
	GinkgoHelper()
	v := name("vol")
	err := rt.CreateVolume(ctx, v, labels())
	DeferCleanup(func(ctx SpecContext) {
		if err := rt.RemoveVolume(ctx, v); err != nil && !errors.Is(err, runtime.ErrNotFound) {
			Fail(err.Error())
		}
	})
	Expect(err).NotTo(HaveOccurred())
	return v
}

// removeSession removes every container, network and volume carrying this suite's label.
func removeSession(ctx context.Context) error {
	f := client.Filters{}.Add("label", testLabelKey+"="+session)
	var errs []error
	cs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	errs = append(errs, err)
	for _, c := range cs.Items {
		_, err := cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
		errs = append(errs, err)
	}
	ns, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	errs = append(errs, err)
	for _, n := range ns.Items {
		_, err := cli.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{})
		errs = append(errs, err)
	}
	vs, err := cli.VolumeList(ctx, client.VolumeListOptions{Filters: f})
	errs = append(errs, err)
	for _, v := range vs.Items {
		_, err := cli.VolumeRemove(ctx, v.Name, client.VolumeRemoveOptions{})
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
