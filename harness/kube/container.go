package kube

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/drill-dev/drill/harness/runtime"
)

// ErrCannotPause is Pause's and Unpause's error: Kubernetes has no way to freeze a pod's
// processes and thaw them.
var ErrCannotPause = errors.New("cannot pause on Kubernetes: a pod has no freezer through the API (use stop and start, or kill)")

// Container is a container started by Runtime.Start: a pod and the headless Services of its
// aliases. Stop and Kill delete the pod (its claims stay); Start creates it again from the
// same spec, with a new address, and the port-forwards follow it.
type Container struct {
	rt   *Runtime
	ns   string
	pod  string // the pod's object name
	spec runtime.ContainerSpec
	// attached: found by RunContainers, its spec unknown, so it cannot be created again
	attached bool

	mu       sync.Mutex
	uid      string // the pod's UID while it exists, "" once deleted
	state    string // "", "exited" after Stop or Kill, "removed" after Remove
	past     bytes.Buffer
	forwards map[int]*forward
}

var _ runtime.Container = (*Container)(nil)

// Name implements runtime.Container: the name drill gave the container (drill-RUN-SERVICE).
func (c *Container) Name() string { return c.spec.Name }

// ID implements runtime.Container: namespace/pod.
func (c *Container) ID() string { return c.ns + "/" + c.pod }

// Namespace is the pod's namespace.
func (c *Container) Namespace() string { return c.ns }

// Pod is the pod's name.
func (c *Container) Pod() string { return c.pod }

// Start implements runtime.Runtime: it creates the aliases' headless Services and the pod
// in the run's namespace and returns once the pod's container runs (a watch, no polling). An
// image the node lacks and cannot pull, or a container that cannot start, fails at once with
// the kubelet's reason. On error nothing is left behind.
func (r *Runtime) Start(ctx context.Context, spec runtime.ContainerSpec) (runtime.Container, error) {
	ns, err := r.namespaceOf(ctx, spec.Labels)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", spec.Name, err)
	}
	svcs, err := ServiceObjects(spec, ns)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", spec.Name, err)
	}
	c := &Container{rt: r, ns: ns, pod: Name(spec.Name), spec: spec, forwards: map[int]*forward{}}
	for _, s := range svcs {
		_, err := r.cs.CoreV1().Services(ns).Create(ctx, s, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			c.removeServices(ctx)
			return nil, fmt.Errorf("start %s: service %s: %w", spec.Name, s.Name, err)
		}
	}
	if err := c.create(ctx); err != nil {
		_ = c.Remove(context.WithoutCancel(ctx), false)
		return nil, fmt.Errorf("start %s: %w", spec.Name, err)
	}
	r.mu.Lock()
	r.containers[c] = true
	r.mu.Unlock()
	return c, nil
}

// create creates the pod from the spec and waits until its container runs.
func (c *Container) create(ctx context.Context) error {
	pod, err := PodObject(c.spec, c.ns, c.rt.helper, false)
	if err != nil {
		return err
	}
	made, err := c.rt.cs.CoreV1().Pods(c.ns).Create(ctx, pod, metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("create pod %s: %w", pod.Name, err)
	}
	c.mu.Lock()
	c.uid, c.state = string(made.UID), ""
	c.mu.Unlock()
	if err := c.rt.waitPod(ctx, c.ns, c.pod, running); err != nil {
		return fmt.Errorf("pod %s/%s: %w", c.ns, c.pod, err)
	}
	return nil
}

// Endpoint implements runtime.Container: 127.0.0.1:PORT where drill's forward of the pod's
// port listens (forward.go). The forward is made on first use and keeps its address for the
// container's life: across Stop and Start, each connection goes to the pod of the moment. A
// container without a running pod has no endpoint, as a stopped Docker container publishes
// nothing.
func (c *Container) Endpoint(ctx context.Context, port int) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state != "" || c.uid == "" {
		return "", fmt.Errorf("endpoint %s:%d: the pod is not running (%s)", c.spec.Name, port, orStopped(c.state))
	}
	if f := c.forwards[port]; f != nil {
		return f.addr, nil
	}
	f, err := c.openForward(port)
	if err != nil {
		return "", fmt.Errorf("endpoint %s:%d: %w", c.spec.Name, port, err)
	}
	c.forwards[port] = f
	return f.addr, nil
}

func orStopped(state string) string {
	if state == "" {
		return "deleted"
	}
	return state
}

// closeForwards ends the container's port-forwards.
func (c *Container) closeForwards() {
	c.mu.Lock()
	fs := c.forwards
	c.forwards = map[int]*forward{}
	c.mu.Unlock()
	for _, f := range fs {
		f.close()
	}
}

// Logs implements runtime.Container: what the pods of this container wrote so far, the ones
// deleted by Stop and Kill first, stdout and stderr interleaved.
func (c *Container) Logs(ctx context.Context) (io.ReadCloser, error) {
	c.mu.Lock()
	out := bytes.Clone(c.past.Bytes())
	uid := c.uid
	c.mu.Unlock()
	if uid != "" {
		cur, err := c.rt.podLogs(ctx, c.ns, c.pod)
		if err != nil && !apierrors.IsNotFound(err) {
			return nil, fmt.Errorf("logs of %s: %w", c.spec.Name, err)
		}
		out = append(out, cur...)
	}
	return io.NopCloser(bytes.NewReader(out)), nil
}

// podLogs reads a pod's main container's log so far.
func (r *Runtime) podLogs(ctx context.Context, ns, pod string) ([]byte, error) {
	return r.cs.CoreV1().Pods(ns).GetLogs(pod, &corev1.PodLogOptions{Container: mainContainer}).DoRaw(ctx)
}

// State implements runtime.Container: "running", "created" while the pod starts, "exited"
// after Stop or Kill or once the process ended, "removed" after Remove or when the pod was
// deleted behind drill's back.
func (c *Container) State(ctx context.Context) (string, error) {
	c.mu.Lock()
	state := c.state
	c.mu.Unlock()
	if state != "" {
		return state, nil
	}
	p, err := c.rt.cs.CoreV1().Pods(c.ns).Get(ctx, c.pod, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return "removed", nil
	}
	if err != nil {
		return "", fmt.Errorf("state of %s: %w", c.spec.Name, err)
	}
	switch p.Status.Phase {
	case corev1.PodRunning:
		return "running", nil
	case corev1.PodSucceeded, corev1.PodFailed:
		return "exited", nil
	}
	return "created", nil
}

// Stop implements runtime.Container: it deletes the pod with timeout as its grace period
// (SIGTERM, then SIGKILL), rounded up to whole seconds, and returns once it is gone. Its log
// is kept for Logs; its claims stay.
func (c *Container) Stop(ctx context.Context, timeout time.Duration) error {
	return c.wrap("stop", c.deletePod(ctx, int64(math.Ceil(timeout.Seconds())), "exited"))
}

// Kill implements runtime.Container: it deletes the pod at once (SIGKILL) and returns once
// it is gone.
func (c *Container) Kill(ctx context.Context) error {
	return c.wrap("kill", c.deletePod(ctx, 0, "exited"))
}

// Start implements runtime.Container: it creates the pod again after Stop or Kill and waits
// until it runs; a running container is left as it is.
func (c *Container) Start(ctx context.Context) error {
	c.mu.Lock()
	state, uid := c.state, c.uid
	c.mu.Unlock()
	if state == "removed" {
		return c.wrap("start", runtime.ErrNotFound)
	}
	if c.attached && uid == "" {
		return c.wrap("start", fmt.Errorf("an attached pod is not created again: the drill that started it does that"))
	}
	if uid != "" {
		if s, err := c.State(ctx); err == nil && s == "running" {
			return nil
		}
		if err := c.deletePod(ctx, 0, "exited"); err != nil {
			return c.wrap("start", err)
		}
	}
	return c.wrap("start", c.create(ctx))
}

// Restart implements runtime.Container: Stop with a 10-second grace period, then Start.
func (c *Container) Restart(ctx context.Context) error {
	if err := c.Stop(ctx, 10*time.Second); err != nil {
		return err
	}
	return c.Start(ctx)
}

// RefuseServiceOp implements runtime.OpRefuser: pause and unpause are refused with
// ErrCannotPause.
func (rt *Runtime) RefuseServiceOp(op string) error {
	if op == "pause" || op == "unpause" {
		return ErrCannotPause
	}
	return nil
}

// Pause implements runtime.Container: ErrCannotPause.
func (c *Container) Pause(context.Context) error { return c.wrap("pause", ErrCannotPause) }

// Unpause implements runtime.Container: ErrCannotPause.
func (c *Container) Unpause(context.Context) error { return c.wrap("unpause", ErrCannotPause) }

// Remove implements runtime.Container: it deletes the pod at once and the Services of its
// aliases and, when withVolumes, the claims it mounted, and returns once they are gone.
func (c *Container) Remove(ctx context.Context, withVolumes bool) error {
	c.mu.Lock()
	removed := c.state == "removed"
	c.mu.Unlock()
	if removed {
		return c.wrap("remove", runtime.ErrNotFound)
	}
	var errs []error
	if err := c.deletePod(ctx, 0, "removed"); err != nil && !errors.Is(err, runtime.ErrNotFound) {
		errs = append(errs, err)
	}
	c.mu.Lock()
	c.state = "removed"
	c.mu.Unlock()
	c.closeForwards()
	errs = append(errs, c.removeServices(ctx))
	if withVolumes {
		for vol := range c.spec.Volumes {
			if err := c.rt.RemoveVolume(ctx, vol); err != nil && !errors.Is(err, runtime.ErrNotFound) {
				errs = append(errs, err)
			}
		}
	}
	c.rt.mu.Lock()
	delete(c.rt.containers, c)
	c.rt.mu.Unlock()
	return c.wrap("remove", errors.Join(errs...))
}

// removeServices deletes the headless Services of the container's aliases.
func (c *Container) removeServices(ctx context.Context) error {
	var errs []error
	for _, name := range serviceNames(c.spec) {
		err := c.rt.cs.CoreV1().Services(c.ns).Delete(ctx, name, metav1.DeleteOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// deletePod keeps the pod's log, deletes the pod with that grace period, waits until it is
// gone, and leaves the container in state. A pod already gone wraps runtime.ErrNotFound.
func (c *Container) deletePod(ctx context.Context, grace int64, state string) error {
	c.mu.Lock()
	uid := c.uid
	c.mu.Unlock()
	if uid == "" {
		c.mu.Lock()
		if c.state == "" {
			c.state = state
		}
		c.mu.Unlock()
		return runtime.ErrNotFound
	}
	if out, err := c.rt.podLogs(ctx, c.ns, c.pod); err == nil {
		c.mu.Lock()
		c.past.Write(out)
		c.mu.Unlock()
	}
	pods := c.rt.cs.CoreV1().Pods(c.ns)
	err := pods.Delete(ctx, c.pod, metav1.DeleteOptions{GracePeriodSeconds: &grace})
	if err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	if err := c.rt.waitPod(ctx, c.ns, c.pod, gone); err != nil {
		return err
	}
	c.mu.Lock()
	c.uid, c.state = "", state
	c.mu.Unlock()
	return nil
}

// wrap gives an error the operation and the container's name.
func (c *Container) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s %s: %w", op, c.spec.Name, err)
}

// randomSuffix returns 8 random hex digits for names that must not collide.
func randomSuffix() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
