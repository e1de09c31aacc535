package harness

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
)

// endpoint returns host:port of a service's published port, from the cache when it holds one
// for the service's current container. Asking the engine costs a Docker round trip (an inspect
// on a fresh connection), far more than the probe it serves, so the answer is kept until the
// harness itself stops, starts, restarts, recreates or removes the service (forget) or a
// request to it fails to connect.
func (s *services) endpoint(ctx context.Context, name string, port int) (string, error) {
	c, err := s.get(name)
	if err != nil {
		return "", err
	}
	key := fmt.Sprintf("%s:%d", name, port)
	s.mu.Lock()
	e, ok := s.endpoints[key]
	s.mu.Unlock()
	if ok && e.container == c.ID() {
		return e.addr, nil
	}
	addr, err := c.Endpoint(ctx, port)
	if err != nil {
		return "", fmt.Errorf("endpoint of %s:%d: %w", name, port, err)
	}
	s.mu.Lock()
	s.endpoints[key] = cachedEndpoint{container: c.ID(), addr: addr}
	s.lookups++
	s.mu.Unlock()
	return addr, nil
}

// cachedEndpoint is an address valid for one container.
type cachedEndpoint struct {
	container string
	addr      string
}

// forget drops what is cached about a service's container: its endpoints and its sql pools
// (a restart publishes its ports anew).
func (s *services) forget(name string) {
	s.mu.Lock()
	for k := range s.endpoints {
		if strings.HasPrefix(k, name+":") {
			delete(s.endpoints, k)
		}
	}
	s.mu.Unlock()
	s.d.closeSQLOf(name)
}

// connectionFailed reports whether err means the address did not answer (refused, reset, no
// route), as opposed to an answer the service gave: the endpoint is then asked again.
func connectionFailed(err error) bool {
	var op *net.OpError
	return errors.As(err, &op)
}
