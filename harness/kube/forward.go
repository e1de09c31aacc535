package kube

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"k8s.io/client-go/tools/portforward"
	"k8s.io/client-go/transport/spdy"
)

// forwardTimeout bounds the opening of a port-forward.
const forwardTimeout = 30 * time.Second

// forward is a port-forward on 127.0.0.1 to one port of one pod (by UID: a new pod of the same
// name needs a new forward).
type forward struct {
	uid  string
	addr string // 127.0.0.1:PORT

	stop     chan struct{}
	done     chan struct{}
	stopOnce sync.Once
}

// alive reports whether the forward still runs.
func (f *forward) alive() bool {
	select {
	case <-f.done:
		return false
	default:
		return true
	}
}

// close ends the forward.
func (f *forward) close() { f.stopOnce.Do(func() { close(f.stop) }) }

// openForward opens a port-forward on 127.0.0.1 to a pod's port: at local when it is not 0
// and free (a forward opened again keeps its address, so that pools and caches that hold it
// stay right), else at a port the kernel picks.
func (r *Runtime) openForward(ctx context.Context, ns, pod, uid string, port, local int) (*forward, error) {
	if local != 0 {
		f, err := r.forwardOn(ctx, ns, pod, uid, port, local)
		if err == nil {
			return f, nil
		}
		r.log.Debug("port-forward: the previous local port is taken", "pod", ns+"/"+pod, "port", port, "local", local, "err", err)
	}
	return r.forwardOn(ctx, ns, pod, uid, port, 0)
}

// forwardOn opens a port-forward from 127.0.0.1:local (0: the kernel picks) to a pod's port.
func (r *Runtime) forwardOn(ctx context.Context, ns, pod, uid string, port, local int) (*forward, error) {
	if r.cfg == nil {
		return nil, errors.New("no REST config: port-forwards need a cluster")
	}
	tr, upgrader, err := spdy.RoundTripperFor(r.cfg)
	if err != nil {
		return nil, err
	}
	url := r.cs.CoreV1().RESTClient().Post().Resource("pods").Namespace(ns).Name(pod).SubResource("portforward").URL()
	dialer := spdy.NewDialer(upgrader, &http.Client{Transport: tr}, "POST", url)
	f := &forward{uid: uid, stop: make(chan struct{}), done: make(chan struct{})}
	ready := make(chan struct{})
	fw, err := portforward.NewOnAddresses(dialer, []string{"127.0.0.1"}, []string{strconv.Itoa(local) + ":" + strconv.Itoa(port)},
		f.stop, ready, io.Discard, io.Discard)
	if err != nil {
		return nil, fmt.Errorf("port-forward to %s/%s:%d: %w", ns, pod, port, err)
	}
	failed := make(chan error, 1)
	go func() {
		defer close(f.done)
		if err := fw.ForwardPorts(); err != nil {
			failed <- err
			r.log.Debug("port-forward ended", "pod", ns+"/"+pod, "port", port, "err", err)
		}
	}()
	timer := time.NewTimer(forwardTimeout)
	defer timer.Stop()
	select {
	case <-ready:
	case err := <-failed:
		return nil, fmt.Errorf("port-forward to %s/%s:%d: %w", ns, pod, port, err)
	case <-ctx.Done():
		f.close()
		return nil, ctx.Err()
	case <-timer.C:
		f.close()
		return nil, fmt.Errorf("port-forward to %s/%s:%d: not ready after %s", ns, pod, port, forwardTimeout)
	}
	ports, err := fw.GetPorts()
	if err != nil || len(ports) != 1 {
		f.close()
		return nil, fmt.Errorf("port-forward to %s/%s:%d: ports %v: %v", ns, pod, port, ports, err)
	}
	f.addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(int(ports[0].Local)))
	return f, nil
}
