package kube

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/portforward"
	"k8s.io/client-go/transport/spdy"
	"k8s.io/streaming/pkg/httpstream"
)

// forward is a container's port on 127.0.0.1: a listener that lives as long as the container
// and forwards each connection it accepts to the port of the container's pod at that moment,
// through the API server's port-forward (one SPDY connection per pod, opened again when it
// breaks or the pod changes). Unlike client-go's PortForwarder, which ends as a whole when the
// pod refuses one connection (as a database does while it restarts), a refused connection
// here closes that connection only; and the address never changes, so pools and caches that
// hold it stay right across a restart, as a Docker container's published port does.
type forward struct {
	c    *Container
	port int
	ln   net.Listener
	addr string

	mu    sync.Mutex
	conns []*spdyConn // to the pod of uid
	uid   string
}

// spdyConn is one SPDY connection to a pod and the local connections it carries now.
type spdyConn struct {
	conn   httpstream.Connection
	active int
	reqID  int
}

// connsPerSPDY is how many local connections one SPDY connection carries at once. The SPDY
// library (both here and in the kubelet) hands a connection's incoming data to 5 workers by
// stream ID, each blocked until its stream's reader takes the data: one stream whose data
// waits stalls every stream of its worker on that connection. Seen here as every request to a
// service in flight hanging at once until its timeout, and hanging again on retry (the known
// port-forward hangs: kubernetes#74551, openshift/origin#4287). Few local connections per
// SPDY connection keep a stall to them: a new one goes to another SPDY connection.
const connsPerSPDY = 2

// openForward listens on 127.0.0.1 at a port the kernel picks for the container's port.
func (c *Container) openForward(port int) (*forward, error) {
	if c.rt.cfg == nil {
		return nil, errors.New("no REST config: port-forwards need a cluster")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for %s:%d: %w", c.spec.Name, port, err)
	}
	f := &forward{c: c, port: port, ln: ln, addr: ln.Addr().String()}
	go f.serve()
	return f, nil
}

// close stops listening and ends the connections to the pod; connections in flight end with
// them.
func (f *forward) close() {
	_ = f.ln.Close()
	f.mu.Lock()
	for _, sc := range f.conns {
		_ = sc.conn.Close()
	}
	f.conns = nil
	f.mu.Unlock()
}

func (f *forward) serve() {
	for {
		local, err := f.ln.Accept()
		if err != nil {
			return // closed
		}
		go f.handle(local)
	}
}

// handle forwards one local connection to the pod that is the container's now; with no pod
// (stopped, killed) it closes it, as a refused connection.
func (f *forward) handle(local net.Conn) {
	defer local.Close()
	f.c.mu.Lock()
	uid := f.c.uid
	f.c.mu.Unlock()
	if uid == "" {
		return
	}
	// A connection kept from before can have broken unseen (the API server or the kubelet
	// ended it); nothing of the local connection has been read yet, so its streams are asked
	// for once more on a new connection.
	var sc *spdyConn
	var errStream httpstream.Stream
	headers := http.Header{}
	for attempt := 0; ; attempt++ {
		c, id, fresh, err := f.connection(uid)
		if err != nil {
			f.c.rt.log.Debug("port-forward: no connection to the pod", "pod", f.c.ns+"/"+f.c.pod, "port", f.port, "err", err)
			return
		}
		headers.Set(corev1.StreamType, corev1.StreamTypeError)
		headers.Set(corev1.PortHeader, strconv.Itoa(f.port))
		headers.Set(corev1.PortForwardRequestIDHeader, strconv.Itoa(id))
		s, err := c.conn.CreateStream(headers)
		if err == nil {
			sc, errStream = c, s
			break
		}
		f.broken(c, err) // dropped whole: its places go with it
		if fresh || attempt > 0 {
			return
		}
	}
	defer f.release(sc)
	conn := sc.conn
	_ = errStream.Close() // nothing to write on it
	defer conn.RemoveStreams(errStream)
	errc := make(chan []byte, 1)
	go func() {
		msg, _ := io.ReadAll(errStream)
		errc <- msg
	}()
	headers.Set(corev1.StreamType, corev1.StreamTypeData)
	data, err := conn.CreateStream(headers)
	if err != nil {
		f.broken(sc, err)
		return
	}
	defer conn.RemoveStreams(data)
	remoteDone := make(chan struct{})
	go func() {
		_, _ = io.Copy(local, data)
		close(remoteDone)
	}()
	localDone := make(chan struct{})
	go func() {
		_, _ = io.Copy(data, local)
		_ = data.Close() // no more to send
		close(localDone)
	}()
	select {
	case <-remoteDone:
	case <-localDone:
		<-remoteDone
	}
	_ = data.Reset()
	if msg := <-errc; len(msg) > 0 {
		// The pod refused this connection (nothing listens yet, or any more): this
		// connection ends, the forward goes on.
		f.c.rt.log.Debug("port-forward: the pod refused a connection", "pod", f.c.ns+"/"+f.c.pod, "port", f.port, "err", string(msg))
	}
}

// connection is a SPDY connection to the pod of uid that carries fewer than connsPerSPDY local
// connections, dialled when there is none, and counts one more on it; the request ID for a new
// pair of streams; and whether it was dialled for this call. Connections that broke, or go to
// a pod that is not the container's any more, are dropped. release gives the place back.
func (f *forward) connection(uid string) (*spdyConn, int, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.uid != uid {
		for _, sc := range f.conns {
			_ = sc.conn.Close()
		}
		f.conns, f.uid = nil, uid
	}
	live := f.conns[:0]
	for _, sc := range f.conns {
		select {
		case <-sc.conn.CloseChan():
		default:
			live = append(live, sc)
		}
	}
	f.conns = live
	for _, sc := range f.conns {
		if sc.active < connsPerSPDY {
			sc.active++
			sc.reqID++
			return sc, sc.reqID, false, nil
		}
	}
	rt := f.c.rt
	tr, upgrader, err := spdy.RoundTripperFor(rt.cfg)
	if err != nil {
		return nil, 0, false, err
	}
	url := rt.cs.CoreV1().RESTClient().Post().Resource("pods").Namespace(f.c.ns).Name(f.c.pod).SubResource("portforward").URL()
	dialer := spdy.NewDialerForStreaming(upgrader, &http.Client{Transport: tr}, "POST", url)
	conn, proto, err := dialer.Dial(portforward.PortForwardProtocolV1Name)
	if err != nil {
		return nil, 0, false, fmt.Errorf("port-forward to %s/%s: %w", f.c.ns, f.c.pod, err)
	}
	if proto != portforward.PortForwardProtocolV1Name {
		_ = conn.Close()
		return nil, 0, false, fmt.Errorf("port-forward to %s/%s: the server speaks %q", f.c.ns, f.c.pod, proto)
	}
	sc := &spdyConn{conn: conn, active: 1}
	f.conns = append(f.conns, sc)
	return sc, 0, true, nil
}

// release gives back the place a local connection took on sc. An idle SPDY connection beyond
// the first is closed: keep-alive pools hold local connections long, so dials stay rare.
func (f *forward) release(sc *spdyConn) {
	f.mu.Lock()
	defer f.mu.Unlock()
	sc.active--
	if sc.active > 0 || len(f.conns) < 2 {
		return
	}
	if i := slices.Index(f.conns, sc); i >= 0 {
		f.conns = slices.Delete(f.conns, i, i+1)
		_ = sc.conn.Close()
	}
}

// broken forgets a SPDY connection that could not open a stream.
func (f *forward) broken(sc *spdyConn, err error) {
	f.c.rt.log.Debug("port-forward: the connection to the pod broke", "pod", f.c.ns+"/"+f.c.pod, "port", f.port, "err", err)
	f.mu.Lock()
	defer f.mu.Unlock()
	if i := slices.Index(f.conns, sc); i >= 0 {
		f.conns = slices.Delete(f.conns, i, i+1)
	}
	_ = sc.conn.Close()
}
