package transport

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/drill-dev/drill/scenarios"
)

var _ form = httpForm{}

// httpForm sends an HTTP request to a service's published port and checks its status (the
// declared ones, default 2xx). A body given to the call (a contract's JSON) overrides the
// declaration's own body template.
type httpForm struct{ c *scenarios.HTTPCall }

func (f httpForm) call(ctx context.Context, p *Plane, r request) (reply, error) {
	c := f.c
	svc := serviceOf(c.Service, r.service)
	url, err := p.url(ctx, svc, c.Port)
	if err != nil {
		return reply{}, err
	}
	path, err := scenarios.Render(c.Path, r.data)
	if err != nil {
		return reply{}, err
	}
	body := r.body
	if body == nil && c.Body != "" {
		b, err := scenarios.Render(c.Body, r.data)
		if err != nil {
			return reply{}, err
		}
		body = []byte(b)
	}
	method := c.Method
	if method == "" {
		method = http.MethodGet
	}
	req, err := http.NewRequestWithContext(ctx, method, url+path, bytes.NewReader(body))
	if err != nil {
		return reply{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.Headers {
		rv, err := scenarios.Render(v, r.data)
		if err != nil {
			return reply{}, err
		}
		req.Header.Set(k, rv)
	}
	resp, err := p.http.Do(req)
	if err != nil {
		if connectionFailed(err) {
			p.Forget(svc) // ask the engine again next time
		}
		return reply{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return reply{}, fmt.Errorf("%s %s: read: %w", method, path, err)
	}
	if !statusExpected(resp.StatusCode, c.Expect) {
		return reply{out: out, output: out}, fmt.Errorf("%s %s: status %d: %s", method, path, resp.StatusCode, tail(strings.TrimSpace(string(out)), 200))
	}
	return reply{out: out, output: out}, nil
}

func statusExpected(code int, expect []int) bool {
	if len(expect) == 0 {
		return code >= 200 && code < 300
	}
	return slices.Contains(expect, code)
}

// url is the base URL of a service's port on localhost (its first port when port is 0).
func (p *Plane) url(ctx context.Context, service string, port int) (string, error) {
	svc, ok := p.stack.Services[service]
	if !ok {
		return "", fmt.Errorf("unknown service %s", service)
	}
	if port == 0 {
		if len(svc.Ports) == 0 {
			return "", fmt.Errorf("service %s publishes no port", service)
		}
		port = svc.Ports[0]
	}
	ep, err := p.endpoint(ctx, service, port)
	if err != nil {
		return "", err
	}
	return "http://" + ep, nil
}
