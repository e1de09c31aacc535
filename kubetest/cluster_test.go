package kubetest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/tools/portforward"
	"k8s.io/client-go/tools/remotecommand"
	"k8s.io/client-go/transport/spdy"
	utilexec "k8s.io/client-go/util/exec"
	"k8s.io/streaming/pkg/httpstream"
)

// EnvKubeconfig names the kubeconfig of the cluster under test; unset, the test skips.
const EnvKubeconfig = "DRILL_KUBECONFIG"

var (
	cfg *rest.Config
	cs  *kubernetes.Clientset
)

func TestKube(t *testing.T) {
	path := os.Getenv(EnvKubeconfig)
	if path == "" {
		t.Skipf("no cluster: set %s to a kubeconfig (make kube-up prints one; make test-kube sets it)", EnvKubeconfig)
	}
	// The network rule, before anything is started on the cluster.
	for _, cidr := range []string{getenv("DRILL_KUBE_POD_CIDR", "10.244.0.0/16"), getenv("DRILL_KUBE_SERVICE_CIDR", "10.96.0.0/16")} {
		dev, err := localDevice(sampleAddr(cidr))
		if err != nil {
			t.Fatalf("network rule: range %s: %v (make kube-up puts the routes in place)", cidr, err)
		}
		t.Logf("network rule: %s routes to %s", cidr, dev)
	}
	var err error
	if cfg, err = clientcmd.BuildConfigFromFlags("", path); err != nil {
		t.Fatalf("kubeconfig %s: %v", path, err)
	}
	if cs, err = kubernetes.NewForConfig(cfg); err != nil {
		t.Fatalf("client: %v", err)
	}
	RegisterFailHandler(Fail)
	RunSpecs(t, "kubetest")
}

// localDevice checks the network rule before the cluster is used: `ip route get ADDR` names a
// device that is neither the default route's nor a physical one.
func localDevice(addr string) (string, error) {
	devOf := func(args ...string) (string, error) {
		out, err := exec.Command("ip", args...).CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, out)
		}
		m := regexp.MustCompile(` dev (\S+)`).FindStringSubmatch(string(out))
		if m == nil {
			return "", fmt.Errorf("ip %s: no device in %q", strings.Join(args, " "), out)
		}
		return m[1], nil
	}
	dev, err := devOf("-4", "route", "get", addr)
	if err != nil {
		return "", err
	}
	if def, err := devOf("-4", "route", "show", "default"); err == nil && def == dev {
		return dev, fmt.Errorf("%s routes to %s, the default route's device", addr, dev)
	}
	if _, err := os.Stat("/sys/class/net/" + dev + "/device"); err == nil {
		return dev, fmt.Errorf("%s routes to %s, a physical device", addr, dev)
	}
	return dev, nil
}

// execIn runs cmd in a pod's container through the API server (websocket, else SPDY, as
// kubectl does) and returns its output and exit code.
func execIn(ctx context.Context, ns, pod string, cmd ...string) (stdout, stderr string, code int, err error) {
	req := cs.CoreV1().RESTClient().Post().Resource("pods").Namespace(ns).Name(pod).SubResource("exec").
		VersionedParams(&corev1.PodExecOptions{Command: cmd, Stdout: true, Stderr: true}, scheme.ParameterCodec)
	ws, err := remotecommand.NewWebSocketExecutor(cfg, "GET", req.URL().String())
	if err != nil {
		return "", "", -1, err
	}
	sp, err := remotecommand.NewSPDYExecutor(cfg, "POST", req.URL())
	if err != nil {
		return "", "", -1, err
	}
	ex, err := remotecommand.NewFallbackExecutor(ws, sp, httpstream.IsUpgradeFailure)
	if err != nil {
		return "", "", -1, err
	}
	var o, e bytes.Buffer
	err = ex.StreamWithContext(ctx, remotecommand.StreamOptions{Stdout: &o, Stderr: &e})
	var exit utilexec.CodeExitError
	switch {
	case err == nil:
		return o.String(), e.String(), 0, nil
	case errors.As(err, &exit):
		return o.String(), e.String(), exit.Code, nil
	default:
		return o.String(), e.String(), -1, err
	}
}

// forward opens a port-forward on 127.0.0.1 (a free port) to a pod's port; stop closes it.
func forward(ns, pod string, port int) (local uint16, stop func(), err error) {
	tr, upgrader, err := spdy.RoundTripperFor(cfg)
	if err != nil {
		return 0, nil, err
	}
	url := cs.CoreV1().RESTClient().Post().Resource("pods").Namespace(ns).Name(pod).SubResource("portforward").URL()
	dialer := spdy.NewDialer(upgrader, &http.Client{Transport: tr}, "POST", url)
	stopCh, ready := make(chan struct{}), make(chan struct{})
	fw, err := portforward.NewOnAddresses(dialer, []string{"127.0.0.1"}, []string{fmt.Sprintf("0:%d", port)},
		stopCh, ready, io.Discard, GinkgoWriter)
	if err != nil {
		return 0, nil, err
	}
	done := make(chan error, 1)
	go func() { done <- fw.ForwardPorts() }()
	select {
	case <-ready:
	case err := <-done:
		return 0, nil, fmt.Errorf("port-forward: %v", err)
	case <-time.After(30 * time.Second):
		close(stopCh)
		return 0, nil, errors.New("port-forward: not ready after 30s")
	}
	ports, err := fw.GetPorts()
	if err != nil || len(ports) != 1 {
		close(stopCh)
		return 0, nil, fmt.Errorf("port-forward ports %v: %v", ports, err)
	}
	return ports[0].Local, func() { close(stopCh) }, nil
}

// podReady reports whether the pod exists, is Ready, and is not the one with the UID given.
func podReady(ctx context.Context, ns, name string, notUID string) (bool, *corev1.Pod) {
	p, err := cs.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil || p.UID == "" || string(p.UID) == notUID || p.DeletionTimestamp != nil {
		return false, nil
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
			return true, p
		}
	}
	return false, p
}

// describePod is what a failed wait prints: the pod's phase, conditions and container states.
func describePod(ctx context.Context, ns, name string) string {
	p, err := cs.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return err.Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s phase=%s", name, p.Status.Phase)
	for _, c := range p.Status.Conditions {
		fmt.Fprintf(&b, " %s=%s(%s)", c.Type, c.Status, c.Message)
	}
	for _, s := range p.Status.ContainerStatuses {
		fmt.Fprintf(&b, " [%s ready=%v restarts=%d %+v]", s.Name, s.Ready, s.RestartCount, s.State)
	}
	evs, _ := cs.CoreV1().Events(ns).List(ctx, metav1.ListOptions{FieldSelector: "involvedObject.name=" + name})
	if evs != nil {
		for _, e := range evs.Items {
			fmt.Fprintf(&b, "\n  event %s %s: %s", e.Type, e.Reason, e.Message)
		}
	}
	return b.String()
}
