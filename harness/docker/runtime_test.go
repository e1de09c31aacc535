package docker_test

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/moby/moby/client"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drill-dev/drill/harness/docker"
	"github.com/drill-dev/drill/harness/runtime"
)

func randomHex() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// lines splits output into lines without the final newline.
func lines(b []byte) []string { return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") }

// get fetches http://endpoint/ with a short timeout and returns the body.
func get(endpoint string) (string, error) {
	hc := http.Client{Timeout: 2 * time.Second}
	resp, err := hc.Get("http://" + endpoint + "/")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

// eventuallyServes waits until the container answers HTTP on its published port.
func eventuallyServes(ctx SpecContext, c runtime.Container) string {
	GinkgoHelper()
	var ep string
	Eventually(func(g Gomega) {
		var err error
		ep, err = c.Endpoint(ctx, sleeperPort)
		g.Expect(err).NotTo(HaveOccurred())
		body, err := get(ep)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(body).To(HavePrefix("ok "))
	}).WithContext(ctx).WithTimeout(20 * time.Second).WithPolling(50 * time.Millisecond).Should(Succeed())
	return ep
}

func state(ctx SpecContext, c runtime.Container) string {
	GinkgoHelper()
	s, err := c.State(ctx)
	Expect(err).NotTo(HaveOccurred())
	return s
}

var _ = Describe("Runtime", Label("docker"), func() {
	BeforeEach(requireDocker)

	It("reports the engine", func(ctx SpecContext) {
		info, err := rt.Info(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(info.ServerVersion).NotTo(BeEmpty())
		Expect(info.APIVersion).NotTo(BeEmpty())
		Expect(info.CPUs).To(BeNumerically(">", 0))
		Expect(info.FreeDiskBytes).To(BeNumerically(">", 0))
		Expect(info.Host).To(Equal(rt.Host()))
	})

	It("starts a container, publishes its port on localhost, execs in it and reports its state", func(ctx SpecContext) {
		c := startSleeper(ctx, runtime.ContainerSpec{Ports: []int{sleeperPort}})
		ep := eventuallyServes(ctx, c)
		Expect(ep).To(HavePrefix("127.0.0.1:"))
		Expect(state(ctx, c)).To(Equal("running"))

		res, err := c.Exec(ctx, []string{"/sleeper", "say", "to-out", "to-err", "4"}, "", nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(res.ExitCode).To(Equal(4))
		Expect(lines(res.Output)).To(ConsistOf("to-out", "to-err"), "both streams; their relative order is the engine's")

		res, err = c.Exec(ctx, []string{"/sleeper", "say", "x", "y", "0"}, "65534", nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(res.ExitCode).To(Equal(0))

		res, err = c.Exec(ctx, []string{"/bin/sh", "-c", "true"}, "", nil)
		Expect(err).NotTo(HaveOccurred(), "a command that cannot start is an exit code")
		Expect(res.ExitCode).NotTo(Equal(0))
		GinkgoWriter.Printf("missing command: exit %d, output %q\n", res.ExitCode, res.Output)
	})

	It("stops, starts, kills, pauses, unpauses and restarts a container", func(ctx SpecContext) {
		c := startSleeper(ctx, runtime.ContainerSpec{Ports: []int{sleeperPort}})
		eventuallyServes(ctx, c)

		By("stop: SIGTERM reaches the server through the init")
		t0 := time.Now()
		Expect(c.Stop(ctx, 10*time.Second)).To(Succeed())
		GinkgoWriter.Printf("stop took %s\n", time.Since(t0).Round(time.Millisecond))
		Expect(state(ctx, c)).To(Equal("exited"))
		_, err := c.Endpoint(ctx, sleeperPort)
		Expect(err).To(HaveOccurred(), "a stopped container publishes nothing")

		By("start: the endpoint is asked again and serves")
		Expect(c.Start(ctx)).To(Succeed())
		eventuallyServes(ctx, c)

		By("kill")
		Expect(c.Kill(ctx)).To(Succeed())
		Eventually(func() string { return state(ctx, c) }).WithTimeout(10 * time.Second).Should(Equal("exited"))
		Expect(c.Start(ctx)).To(Succeed())
		ep := eventuallyServes(ctx, c)

		By("pause: the server stops answering")
		Expect(c.Pause(ctx)).To(Succeed())
		Expect(state(ctx, c)).To(Equal("paused"))
		_, err = get(ep)
		Expect(err).To(HaveOccurred())

		By("unpause: it answers again")
		Expect(c.Unpause(ctx)).To(Succeed())
		body, err := get(ep)
		Expect(err).NotTo(HaveOccurred())
		Expect(body).To(HavePrefix("ok "))

		By("restart")
		Expect(c.Restart(ctx)).To(Succeed())
		Expect(state(ctx, c)).To(Equal("running"))
		eventuallyServes(ctx, c)
	})

	It("joins a network where other containers reach it by name and alias", func(ctx SpecContext) {
		nw := name("net")
		err := rt.CreateNetwork(ctx, nw, labels())
		DeferCleanup(func(ctx SpecContext) { Expect(rt.RemoveNetwork(ctx, nw)).To(Succeed()) })
		Expect(err).NotTo(HaveOccurred())

		server := startSleeper(ctx, runtime.ContainerSpec{Network: nw, Aliases: []string{"tracker"}})
		client := startSleeper(ctx, runtime.ContainerSpec{Network: nw})
		for _, host := range []string{server.Name(), "tracker"} {
			Eventually(func(g Gomega) {
				res, err := client.Exec(ctx, []string{"/sleeper", "get", "http://" + host + ":8080/"}, "", nil)
				g.Expect(err).NotTo(HaveOccurred())
				g.Expect(res.ExitCode).To(Equal(0), string(res.Output))
				g.Expect(string(res.Output)).To(Equal("ok " + server.Name() + "\n"))
			}).WithContext(ctx).WithTimeout(10 * time.Second).Should(Succeed())
		}
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

	It("keeps a volume's data when the container is removed alone, loses it with its volumes", func(ctx SpecContext) {
		v := volume(ctx)
		a := startSleeper(ctx, runtime.ContainerSpec{Volumes: map[string]string{v: "/data"}})
		res, err := a.Exec(ctx, []string{"/sleeper", "write", "/data/rows", "42 rows"}, "", nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(res.ExitCode).To(Equal(0), string(res.Output))
		Expect(a.Remove(ctx, false)).To(Succeed())
		Expect(state(ctx, a)).To(Equal("removed"))

		b := startSleeper(ctx, runtime.ContainerSpec{Volumes: map[string]string{v: "/data"}})
		res, err = b.Exec(ctx, []string{"/sleeper", "cat", "/data/rows"}, "", nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(res.Output)).To(Equal("42 rows"))

		Expect(b.Remove(ctx, true)).To(Succeed())
		_, err = cli.VolumeInspect(ctx, v, client.VolumeInspectOptions{})
		Expect(err).To(HaveOccurred(), "the volume is gone with its data")
	})

	It("mounts a volume read-only when asked", func(ctx SpecContext) {
		v := volume(ctx)
		c := startSleeper(ctx, runtime.ContainerSpec{Volumes: map[string]string{v: "/data"}, ReadOnly: map[string]bool{v: true}})
		res, err := c.Exec(ctx, []string{"/sleeper", "write", "/data/x", "no"}, "", nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(res.ExitCode).NotTo(Equal(0))
		Expect(string(res.Output)).To(ContainSubstring("read-only file system"))
	})

	It("wipes a volume's contents and keeps the volume", func(ctx SpecContext) {
		if _, err := rt.ImageID(ctx, shellImage); errors.Is(err, runtime.ErrImageMissing) {
			Skip(shellImage + " is not built (make images): WipeVolume needs an image with find(1)")
		}
		v := volume(ctx)
		c := startSleeper(ctx, runtime.ContainerSpec{Volumes: map[string]string{v: "/data"}})
		for _, f := range []string{"/data/a", "/data/.hidden", "/data/..twodots"} {
			res, err := c.Exec(ctx, []string{"/sleeper", "write", f, "x"}, "", nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(res.ExitCode).To(Equal(0), string(res.Output))
		}
		Expect(rt.WipeVolume(ctx, v, shellImage)).To(Succeed())
		for _, f := range []string{"/data/a", "/data/.hidden", "/data/..twodots"} {
			res, err := c.Exec(ctx, []string{"/sleeper", "cat", f}, "", nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(res.Output)).To(ContainSubstring("no such file"), f)
		}
		_, err := cli.VolumeInspect(ctx, v, client.VolumeInspectOptions{})
		Expect(err).NotTo(HaveOccurred(), "the volume itself stays")
	})

	It("runs a one-shot container to completion and removes it", func(ctx SpecContext) {
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

	It("maps not-found to runtime.ErrNotFound", func(ctx SpecContext) {
		Expect(rt.RemoveVolume(ctx, name("nope"))).To(MatchError(runtime.ErrNotFound))
		Expect(rt.RemoveNetwork(ctx, name("nope"))).To(MatchError(runtime.ErrNotFound))
		c := startSleeper(ctx, runtime.ContainerSpec{})
		Expect(c.Remove(ctx, false)).To(Succeed())
		Expect(c.Stop(ctx, time.Second)).To(MatchError(runtime.ErrNotFound))
		Expect(c.Remove(ctx, true)).To(MatchError(runtime.ErrNotFound))
		Expect(state(ctx, c)).To(Equal("removed"))
	})

	It("returns a container's logs, stdout and stderr", func(ctx SpecContext) {
		c := startSleeper(ctx, runtime.ContainerSpec{Ports: []int{sleeperPort}})
		eventuallyServes(ctx, c)
		rc, err := c.Logs(ctx)
		Expect(err).NotTo(HaveOccurred())
		defer rc.Close()
		b, err := io.ReadAll(rc)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).To(Equal("listening on :8080\n"))
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
