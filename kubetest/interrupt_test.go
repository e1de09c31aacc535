package kubetest_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// These specs run the real drill binary on the cluster, as a user would: interrupted at
// random moments of a small drill, it must exit 130 with an aborted result and leave no
// namespace; killed, `drill gc --runtime kube` must remove what it left.

// drillBin builds drill for the spec that calls it (the build cache makes it a link).
func drillBin() string {
	GinkgoHelper()
	bin := filepath.Join(GinkgoT().TempDir(), "drill")
	out, err := exec.Command("go", "build", "-o", bin, "../cmd/drill").CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), string(out))
	return bin
}

// kubeDrill is a drill process on the cluster whose progress lines are read.
type kubeDrill struct {
	cmd   *exec.Cmd
	out   string
	phase chan string
	last  string
}

func startKubeDrill(bin, scenario string) *kubeDrill {
	GinkgoHelper()
	out := GinkgoT().TempDir()
	cmd := exec.Command(bin, "run", scenario, "--size", "small", "--runtime", "kube",
		"--kubeconfig", os.Getenv(EnvKubeconfig), "--progress", "plain", "--history", "none", "--out", out)
	stderr, err := cmd.StderrPipe()
	Expect(err).NotTo(HaveOccurred())
	cmd.Stdout = io.Discard
	Expect(cmd.Start()).To(Succeed())
	d := &kubeDrill{cmd: cmd, out: out, phase: make(chan string, 1000)}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if i := strings.Index(sc.Text(), "phase "); i >= 0 {
				select {
				case d.phase <- strings.Fields(sc.Text()[i:])[1]:
				default:
				}
			}
		}
		close(d.phase)
	}()
	DeferCleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_, _ = cmd.Process.Wait()
		}
	})
	return d
}

// currentPhase is the last phase the drill announced so far.
func (d *kubeDrill) currentPhase() string {
	for {
		select {
		case p, ok := <-d.phase:
			if !ok {
				return d.last
			}
			d.last = p
		default:
			return d.last
		}
	}
}

// waitPhase reads progress until the drill announces phase.
func (d *kubeDrill) waitPhase(phase string, within time.Duration) {
	GinkgoHelper()
	deadline := time.After(within)
	for {
		select {
		case p, ok := <-d.phase:
			Expect(ok).To(BeTrue(), "drill ended before phase %s", phase)
			d.last = p
			if p == phase {
				return
			}
		case <-deadline:
			Fail("no phase " + phase + " within " + within.String())
		}
	}
}

func (d *kubeDrill) result() (verdict, runID, reason string) {
	GinkgoHelper()
	b, err := os.ReadFile(filepath.Join(d.out, "result.json"))
	Expect(err).NotTo(HaveOccurred(), "a result on disk")
	var r struct {
		Verdict string `json:"verdict"`
		Reason  string `json:"reason"`
		Run     struct {
			ID string `json:"id"`
		} `json:"run"`
	}
	Expect(json.Unmarshal(b, &r)).To(Succeed())
	return r.Verdict, r.Run.ID, r.Reason
}

// drillNamespaces are the namespaces drill made whose annotation key has that value, gone or
// going.
func drillNamespaces(ctx context.Context, key, value string) []string {
	GinkgoHelper()
	list, err := cs.CoreV1().Namespaces().List(ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/managed-by=drill"})
	Expect(err).NotTo(HaveOccurred())
	var out []string
	for _, n := range list.Items {
		if n.Annotations[key] == value {
			out = append(out, n.Name)
		}
	}
	return out
}

// interruptPhases are the phases of a drill the interrupt spec signals in.
var interruptPhases = []string{"prepare", "up", "seed", "protect", "baseline", "inject", "recover", "verify"}

var _ = Describe("drill interrupted on the cluster", Label("kube", "interrupts"), func() {
	It("exits 130 with an aborted result and no namespace left, at 10 random moments of a small drill", func(ctx SpecContext) {
		seed := uint64(time.Now().UnixNano())
		rng := rand.New(rand.NewPCG(seed, 0))
		GinkgoWriter.Printf("seed %d\n", seed)
		bin := drillBin()
		for i := range 10 {
			d := startKubeDrill(bin, "atlassian-2022")
			// A random moment of a random phase: up to 1.5 s after the phase begins. (A moment
			// drawn from the start alone could fall after the drill's end: its length varies
			// with the machine's load, from about 40 s to over a minute.)
			target := interruptPhases[rng.IntN(len(interruptPhases))]
			d.waitPhase(target, 5*time.Minute)
			after := time.Duration(rng.IntN(1500)) * time.Millisecond
			select {
			case <-time.After(after):
			case <-ctx.Done():
				return
			}
			at := fmt.Sprintf("%s + %s", target, after)
			phase := d.currentPhase()
			Expect(d.cmd.Process.Signal(syscall.SIGINT)).To(Succeed())
			_ = d.cmd.Wait()
			code := d.cmd.ProcessState.ExitCode()
			verdict, runID, reason := d.result()
			left := drillNamespaces(ctx, "drill.run-id", runID)
			GinkgoWriter.Printf("interrupt %d at %s (phase %q): exit %d, verdict %s (%s), run %s, namespaces left %v\n",
				i+1, at, phase, code, verdict, reason, runID, left)
			Expect(code).To(Equal(130), "interrupt %d at %s", i+1, at)
			Expect(verdict).To(Equal("aborted"))
			Expect(left).To(BeEmpty())
		}
	}, NodeTimeout(30*time.Minute))

	It("leaves what drill gc --runtime kube removes after a SIGKILL", func(ctx SpecContext) {
		bin := drillBin()
		d := startKubeDrill(bin, "atlassian-2022")
		d.waitPhase("seed", 5*time.Minute)
		pid := strconv.Itoa(d.cmd.Process.Pid)
		Expect(d.cmd.Process.Kill()).To(Succeed())
		_ = d.cmd.Wait()
		Expect(drillNamespaces(ctx, "drill.pid", pid)).NotTo(BeEmpty(), "the killed run left a namespace: else the spec proves nothing")

		out, err := exec.CommandContext(ctx, bin, "gc", "--runtime", "kube", "--kubeconfig", os.Getenv(EnvKubeconfig)).CombinedOutput()
		GinkgoWriter.Printf("drill gc:\n%s", out)
		Expect(err).NotTo(HaveOccurred())
		Expect(drillNamespaces(ctx, "drill.pid", pid)).To(BeEmpty(), "drill gc removed the killed run's namespace")
	}, NodeTimeout(10*time.Minute))
})
