package docker_test

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"strings"

	"github.com/moby/moby/client"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drill-dev/drill/harness/docker"
	"github.com/drill-dev/drill/harness/runtime"
	"github.com/drill-dev/drill/harness/runtime/runtimetest"
)

func randomHex() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// lines splits output into lines without the final newline.
func lines(b []byte) []string { return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") }

var _ = Describe("Runtime", Label("docker"), func() {
	BeforeEach(requireDocker)

	It("reports the engine's disk and address (the contract checks the rest of Info)", func(ctx SpecContext) {
		info, err := rt.Info(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(info.FreeDiskBytes).To(BeNumerically(">", 0))
		Expect(info.Host).To(Equal(rt.Host()))
		Expect(info.Kubernetes).To(BeFalse())
	})

	It("labels containers, networks and volumes", func(ctx SpecContext) {
		run := runtime.NewRunLabels("lbl-"+randomHex(), "unit", "small")
		nw := name("net")
		err := rt.CreateNetwork(ctx, nw, labels(run.Map()))
		DeferCleanup(func(ctx SpecContext) { Expect(rt.RemoveNetwork(ctx, nw)).To(Succeed()) })
		Expect(err).NotTo(HaveOccurred())
		v := volume(ctx)
		c := startSleeper(ctx, runtime.ContainerSpec{Network: nw, Labels: run.Map()})

		ci, err := cli.ContainerInspect(ctx, c.ID(), client.ContainerInspectOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(ci.Container.Config.Labels).To(HaveKeyWithValue(runtime.LabelRunID, run.RunID))
		Expect(ci.Container.HostConfig.Init).To(HaveValue(BeTrue()))
		ni, err := cli.NetworkInspect(ctx, nw, client.NetworkInspectOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(ni.Network.Labels).To(HaveKeyWithValue(runtime.LabelPID, run.Map()[runtime.LabelPID]))
		vi, err := cli.VolumeInspect(ctx, v, client.VolumeInspectOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(vi.Volume.Labels).To(HaveKeyWithValue(testLabelKey, session))
	})

	It("removes a one-shot container once it has run", func(ctx SpecContext) {
		n := name("once")
		res, err := rt.RunOnce(ctx, runtime.ContainerSpec{
			Name: n, Image: sleeperImage, Labels: labels(), Init: true,
			Command: []string{"say", "hello", "oops", "3"},
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.ExitCode).To(Equal(3))
		Expect(lines(res.Output)).To(ConsistOf("hello", "oops"), "both streams; their relative order is the engine's")
		_, err = cli.ContainerInspect(ctx, n, client.ContainerInspectOptions{})
		Expect(err).To(HaveOccurred(), "the one-shot container is removed")
	})

	It("refuses an absent image without pulling it", func(ctx SpecContext) {
		var logs bytes.Buffer
		quiet, err := docker.New(ctx, docker.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(quiet.Close)
		const absent = "drill-test/absent:never"

		_, err = quiet.ImageID(ctx, absent)
		Expect(err).To(MatchError(runtime.ErrImageMissing))
		n := name("absent")
		_, err = quiet.Start(ctx, runtime.ContainerSpec{Name: n, Image: absent, Labels: labels()})
		Expect(err).To(MatchError(runtime.ErrImageMissing))
		Expect(err.Error()).To(ContainSubstring(absent))
		_, err = quiet.RunOnce(ctx, runtime.ContainerSpec{Image: absent, Labels: labels()})
		Expect(err).To(MatchError(runtime.ErrImageMissing))

		_, err = cli.ContainerInspect(ctx, n, client.ContainerInspectOptions{})
		Expect(err).To(HaveOccurred(), "no container was created")
		Expect(strings.ToLower(logs.String())).NotTo(ContainSubstring("pull"), "testcontainers never tried to pull")
		Expect(logs.String()).NotTo(ContainSubstring(absent), "testcontainers never saw the image")
	})
})

var _ = Describe("Preflight", Label("docker"), func() {
	BeforeEach(requireDocker)

	It("passes with the images present and blocks on a missing one", func(ctx SpecContext) {
		rep := docker.Preflight(ctx, rt, []string{sleeperImage})
		Expect(rep.Blocked()).To(BeFalse(), "%+v", rep.Checks)
		Expect(rep.Checks[0].Name).To(Equal("docker"))
		Expect(rep.Checks[0].Detail).To(HavePrefix("Docker 20.10"))

		rep = docker.Preflight(ctx, rt, []string{sleeperImage, "drill-test/absent:never"})
		Expect(rep.Blocked()).To(BeTrue())
		Expect(rep.Failures()).To(HaveExactElements(HaveField("Name", "image drill-test/absent:never")))
	})
})

var _ = runtimetest.DescribeContract(runtimetest.Contract{
	Runtime:    func() runtime.Runtime { return rt },
	Require:    requireDocker,
	Sleeper:    sleeperImage,
	Shell:      shellImage,
	Labels:     map[string]string{testLabelKey: session},
	CanPause:   true,
	ExecAsUser: true,
}, "docker")
