package transport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
)

// endpoints caches host:port of services' published ports per container. Asking the engine
// costs a round trip (a Docker inspect on a fresh connection), far more than the probe it
// serves, so an answer is kept until the engine's own operations on the service or a failed
// connection forget it.
type endpoints struct {
	mu     sync.Mutex
	cache  map[string]cachedEndpoint // "service:port"
	asking map[string]chan struct{}  // "service:port" -> closed when its lookup in flight ends
}

// cachedEndpoint is an address valid for one container.
type cachedEndpoint struct {
	container string
	addr      string
}

// endpoint returns host:port of a service's published port, from the cache when it holds one
// for the service's current container. Concurrent misses for the same port share one lookup.
func (p *Plane) endpoint(ctx context.Context, name string, port int) (string, error) {
	c, err := p.svcs.Container(name)
	if err != nil {
		return "", err
	}
	key := fmt.Sprintf("%s:%d", name, port)
	e := &p.endpoints
	for {
		e.mu.Lock()
		ce, ok := e.cache[key]
		if ok && ce.container == c.ID() {
			e.mu.Unlock()
			return ce.addr, nil
		}
		wait, asking := e.asking[key]
		if !asking {
			break // e.mu held: this caller asks
		}
		e.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	done := make(chan struct{})
	if e.asking == nil {
		e.asking = map[string]chan struct{}{}
	}
	e.asking[key] = done
	e.mu.Unlock()
	addr, err := c.Endpoint(ctx, port)
	e.mu.Lock()
	delete(e.asking, key)
	if err == nil {
		if e.cache == nil {
			e.cache = map[string]cachedEndpoint{}
		}
		e.cache[key] = cachedEndpoint{container: c.ID(), addr: addr}
	}
	e.mu.Unlock()
	close(done)
	if err != nil {
		return "", fmt.Errorf("endpoint of %s:%d: %w", name, port, err)
	}
	return addr, nil
}

// forget drops the cached endpoints of a service.
func (e *endpoints) forget(name string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for k := range e.cache {
		if strings.HasPrefix(k, name+":") {
			delete(e.cache, k)
		}
	}
}

// connectionFailed reports whether err means the address did not answer (refused, reset, no
// route), as opposed to an answer the service gave: the endpoint is then asked again.
func connectionFailed(err error) bool {
	var op *net.OpError
	return errors.As(err, &op)
}
