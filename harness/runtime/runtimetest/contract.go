//lint:file-ignore ST1001 the contract is Ginkgo specs, written in Ginkgo's and Gomega's DSL as the suites that run it are

package runtimetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drill-dev/drill/harness/runtime"
)

// Contract says what a runtime's suite hands DescribeContract: the runtime (once the suite has
// connected), the images, and what the platform cannot do.
type Contract struct {
	// Runtime returns the runtime under test; it is called inside specs, after BeforeSuite.
	Runtime func() runtime.Runtime
	// Require skips a spec that cannot run here (no engine, -short).
	Require func()
	// Sleeper is an image built from harness/docker/testdata/sleeper: an HTTP server on 8080
	// that answers "ok HOSTNAME", with say, write, cat and get commands, and no shell.
	Sleeper string
	// Shell is an image with a shell and find(1), for WipeVolume.
	Shell string
	// Labels are put on every resource the contract creates, with the run's labels, so that
	// the suite's cleanup finds them.
	Labels map[string]string
	// CanPause is false on a platform that refuses Pause (Kubernetes).
	CanPause bool
	// ExecAsUser is false where an exec cannot choose its user in an image without a shell.
	ExecAsUser bool
}

// sleeperPort is the port the sleeper serves.
const sleeperPort = 8080

// DescribeContract registers the specs every runtime.Runtime passes, under the labels given
// (the suite's label filter chooses them): a run's network, its containers, their ports,
// execs, lifecycle and logs, volumes, one-shot runs and not-found errors. Each spec makes
// its own network with a run's labels, as the engine does, and removes what it made.
func DescribeContract(c Contract, labels ...string) bool {
	return Describe("runtime contract", Label(labels...), func() {
		var (
			rt  runtime.Runtime
			run map[string]string
			nw  string
		)
		BeforeEach(func(ctx SpecContext) {
			c.Require()
			rt = c.Runtime()
			id := "contract-" + randomHex()
			run = runtime.Labels(id, "contract", "small", time.Now())
			for k, v := range c.Labels {
				run[k] = v
			}
			nw = "drill-" + id
			err := rt.CreateNetwork(ctx, nw, run)
			DeferCleanup(func(ctx SpecContext) {
				Expect(rt.RemoveNetwork(ctx, nw)).To(Succeed())
			}, NodeTimeout(2*time.Minute))
			Expect(err).NotTo(HaveOccurred())
		})

		start := func(ctx context.Context, spec runtime.ContainerSpec) runtime.Container {
			GinkgoHelper()
			if spec.Name == "" {
				spec.Name = nw + "-s" + randomHex()
			}
			spec.Image, spec.Network, spec.Labels, spec.Init = c.Sleeper, nw, run, true
			ctr, err := rt.Start(ctx, spec)
			DeferCleanup(func(ctx SpecContext) {
				if ctr != nil {
					if err := ctr.Remove(ctx, false); err != nil && !errors.Is(err, runtime.ErrNotFound) {
						Fail(err.Error())
					}
				}
			})
			Expect(err).NotTo(HaveOccurred())
			return ctr
		}
		volume := func(ctx context.Context) string {
			GinkgoHelper()
			v := nw + "-v" + randomHex()
			err := rt.CreateVolume(ctx, v, run)
			DeferCleanup(func(ctx SpecContext) {
				if err := rt.RemoveVolume(ctx, v); err != nil && !errors.Is(err, runtime.ErrNotFound) {
					Fail(err.Error())
				}
			})
			Expect(err).NotTo(HaveOccurred())
			return v
		}
		mount := func(v string, ro bool) runtime.ContainerSpec {
			return runtime.ContainerSpec{Volumes: map[string]string{v: "/data"}, ReadOnly: map[string]bool{v: ro}}
		}
		state := func(ctx context.Context, ctr runtime.Container) string {
			GinkgoHelper()
			s, err := ctr.State(ctx)
			Expect(err).NotTo(HaveOccurred())
			return s
		}
		serves := func(ctx context.Context, ctr runtime.Container) string {
			GinkgoHelper()
			var ep string
			Eventually(func(g Gomega) {
				var err error
				ep, err = ctr.Endpoint(ctx, sleeperPort)
				g.Expect(err).NotTo(HaveOccurred())
				body, err := get(ep)
				g.Expect(err).NotTo(HaveOccurred())
				g.Expect(body).To(HavePrefix("ok "))
			}).WithContext(ctx).WithTimeout(30 * time.Second).WithPolling(100 * time.Millisecond).Should(Succeed())
			return ep
		}
		exec := func(ctx context.Context, ctr runtime.Container, cmd ...string) runtime.ExecResult {
			GinkgoHelper()
			res, err := ctr.Exec(ctx, cmd, "", nil)
			Expect(err).NotTo(HaveOccurred())
			return res
		}

		It("reports the platform", func(ctx SpecContext) {
			info, err := rt.Info(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(info.ServerVersion).NotTo(BeEmpty())
			Expect(info.APIVersion).NotTo(BeEmpty())
			Expect(info.CPUs).To(BeNumerically(">", 0))
		})

		It("starts a container with its endpoint on 127.0.0.1, execs in it and reports its state", func(ctx SpecContext) {
			ctr := start(ctx, runtime.ContainerSpec{Ports: []int{sleeperPort}})
			Expect(serves(ctx, ctr)).To(HavePrefix("127.0.0.1:"))
			Expect(state(ctx, ctr)).To(Equal("running"))

			res := exec(ctx, ctr, "/sleeper", "say", "to-out", "to-err", "4")
			Expect(res.ExitCode).To(Equal(4))
			Expect(lines(res.Output)).To(ConsistOf("to-out", "to-err"), "both streams; their relative order is the platform's")
			Expect(lines(res.Stdout)).To(ConsistOf("to-out"), "stdout alone")

			if c.ExecAsUser {
				res, err := ctr.Exec(ctx, []string{"/sleeper", "say", "x", "y", "0"}, "65534", nil)
				Expect(err).NotTo(HaveOccurred())
				Expect(res.ExitCode).To(Equal(0))
			}

			res, err := ctr.Exec(ctx, []string{"/bin/sh", "-c", "true"}, "", nil)
			Expect(err).NotTo(HaveOccurred(), "a command that cannot start is an exit code")
			Expect(res.ExitCode).NotTo(Equal(0))
			GinkgoWriter.Printf("missing command: exit %d, output %q\n", res.ExitCode, res.Output)
		})

		It("stops, starts, kills and restarts a container, and pauses it where the platform can", func(ctx SpecContext) {
			ctr := start(ctx, runtime.ContainerSpec{Ports: []int{sleeperPort}})
			serves(ctx, ctr)

			By("stop")
			t0 := time.Now()
			Expect(ctr.Stop(ctx, 10*time.Second)).To(Succeed())
			GinkgoWriter.Printf("stop took %s\n", time.Since(t0).Round(time.Millisecond))
			Expect(state(ctx, ctr)).To(Equal("exited"))
			_, err := ctr.Endpoint(ctx, sleeperPort)
			Expect(err).To(HaveOccurred(), "a stopped container serves nothing")

			By("start: the endpoint is asked again and serves")
			Expect(ctr.Start(ctx)).To(Succeed())
			serves(ctx, ctr)

			By("kill")
			Expect(ctr.Kill(ctx)).To(Succeed())
			Eventually(func() string { return state(ctx, ctr) }).WithTimeout(10 * time.Second).Should(Equal("exited"))
			Expect(ctr.Start(ctx)).To(Succeed())
			ep := serves(ctx, ctr)

			if c.CanPause {
				By("pause: the server stops answering")
				Expect(ctr.Pause(ctx)).To(Succeed())
				Expect(state(ctx, ctr)).To(Equal("paused"))
				_, err = get(ep)
				Expect(err).To(HaveOccurred())
				By("unpause: it answers again")
				Expect(ctr.Unpause(ctx)).To(Succeed())
				body, err := get(ep)
				Expect(err).NotTo(HaveOccurred())
				Expect(body).To(HavePrefix("ok "))
			} else {
				By("pause: refused, and the server goes on answering")
				Expect(ctr.Pause(ctx)).NotTo(Succeed())
				Expect(state(ctx, ctr)).To(Equal("running"))
			}

			By("restart")
			Expect(ctr.Restart(ctx)).To(Succeed())
			Expect(state(ctx, ctr)).To(Equal("running"))
			serves(ctx, ctr)
		})

		It("lets containers of a network reach one another by name and alias, on any port", func(ctx SpecContext) {
			server := start(ctx, runtime.ContainerSpec{Aliases: []string{"tracker"}})
			client := start(ctx, runtime.ContainerSpec{})
			for _, host := range []string{server.Name(), "tracker"} {
				Eventually(func(g Gomega) {
					res, err := client.Exec(ctx, []string{"/sleeper", "get", "http://" + host + ":8080/"}, "", nil)
					g.Expect(err).NotTo(HaveOccurred())
					g.Expect(res.ExitCode).To(Equal(0), string(res.Output))
					g.Expect(string(res.Output)).To(Equal("ok " + server.Name() + "\n"))
				}).WithContext(ctx).WithTimeout(30 * time.Second).Should(Succeed())
			}
		})

		It("keeps a volume's data when the container is removed alone, loses it with its volumes", func(ctx SpecContext) {
			v := volume(ctx)
			a := start(ctx, mount(v, false))
			res := exec(ctx, a, "/sleeper", "write", "/data/rows", "42 rows")
			Expect(res.ExitCode).To(Equal(0), string(res.Output))
			Expect(a.Remove(ctx, false)).To(Succeed())
			Expect(state(ctx, a)).To(Equal("removed"))

			b := start(ctx, mount(v, false))
			res = exec(ctx, b, "/sleeper", "cat", "/data/rows")
			Expect(string(res.Output)).To(Equal("42 rows"))

			Expect(b.Remove(ctx, true)).To(Succeed())
			Expect(rt.RemoveVolume(ctx, v)).To(MatchError(runtime.ErrNotFound), "the volume is gone with its data")
		})

		It("mounts a volume read-only when asked", func(ctx SpecContext) {
			v := volume(ctx)
			ctr := start(ctx, mount(v, true))
			res := exec(ctx, ctr, "/sleeper", "write", "/data/x", "no")
			Expect(res.ExitCode).NotTo(Equal(0))
			Expect(string(res.Output)).To(ContainSubstring("read-only file system"))
		})

		It("wipes a volume's contents and keeps the volume", func(ctx SpecContext) {
			v := volume(ctx)
			ctr := start(ctx, mount(v, false))
			files := []string{"/data/a", "/data/.hidden", "/data/..twodots"}
			for _, f := range files {
				res := exec(ctx, ctr, "/sleeper", "write", f, "x")
				Expect(res.ExitCode).To(Equal(0), string(res.Output))
			}
			Expect(rt.WipeVolume(ctx, v, c.Shell)).To(Succeed())
			for _, f := range files {
				res := exec(ctx, ctr, "/sleeper", "cat", f)
				Expect(string(res.Output)).To(ContainSubstring("no such file"), f)
			}
			res := exec(ctx, ctr, "/sleeper", "write", "/data/after", "y")
			Expect(res.ExitCode).To(Equal(0), "the volume itself stays: %s", res.Output)
		})

		It("runs a one-shot container to completion", func(ctx SpecContext) {
			res, err := rt.RunOnce(ctx, runtime.ContainerSpec{
				Name: nw + "-once", Image: c.Sleeper, Network: nw, Labels: run, Init: true,
				Command: []string{"say", "hello", "oops", "3"},
			})
			Expect(err).NotTo(HaveOccurred())
			Expect(res.ExitCode).To(Equal(3))
			Expect(lines(res.Output)).To(ConsistOf("hello", "oops"), "both streams; their relative order is the platform's")
		})

		It("maps not-found to runtime.ErrNotFound", func(ctx SpecContext) {
			Expect(rt.RemoveVolume(ctx, nw+"-nope")).To(MatchError(runtime.ErrNotFound))
			Expect(rt.RemoveNetwork(ctx, nw+"-nope")).To(MatchError(runtime.ErrNotFound))
			ctr := start(ctx, runtime.ContainerSpec{})
			Expect(ctr.Remove(ctx, false)).To(Succeed())
			Expect(ctr.Stop(ctx, time.Second)).To(MatchError(runtime.ErrNotFound))
			Expect(ctr.Remove(ctx, true)).To(MatchError(runtime.ErrNotFound))
			Expect(state(ctx, ctr)).To(Equal("removed"))
		})

		It("returns a container's logs", func(ctx SpecContext) {
			ctr := start(ctx, runtime.ContainerSpec{Ports: []int{sleeperPort}})
			serves(ctx, ctr)
			rc, err := ctr.Logs(ctx)
			Expect(err).NotTo(HaveOccurred())
			defer rc.Close()
			b, err := io.ReadAll(rc)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(b)).To(Equal("listening on :8080\n"))
		})
	})
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

func randomHex() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
