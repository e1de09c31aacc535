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
	mu    sync.Mutex
	cache map[string]cachedEndpoint // "service:port"
}

// cachedEndpoint is an address valid for one container.
type cachedEndpoint struct {
	container string
	addr      string
}

// endpoint returns host:port of a service's published port, from the cache when it holds one
// for the service's current container.
func (p *Plane) endpoint(ctx context.Context, name string, port int) (string, error) {
	c, err := p.svcs.Container(name)
	if err != nil {
		return "", err
	}
	key := fmt.Sprintf("%s:%d", name, port)
	e := &p.endpoints
	e.mu.Lock()
	ce, ok := e.cache[key]
	e.mu.Unlock()
	if ok && ce.container == c.ID() {
		return ce.addr, nil
	}
	addr, err := c.Endpoint(ctx, port)
	if err != nil {
		return "", fmt.Errorf("endpoint of %s:%d: %w", name, port, err)
	}
	e.mu.Lock()
	if e.cache == nil {
		e.cache = map[string]cachedEndpoint{}
	}
	e.cache[key] = cachedEndpoint{container: c.ID(), addr: addr}
	e.mu.Unlock()
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
