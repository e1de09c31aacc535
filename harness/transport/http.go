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

func (f httpForm) transport() string { return "http" }

func (f httpForm) render(p *Plane, r request) (Request, error) {
	c := f.c
	q := Request{Transport: "http", Service: serviceOf(c.Service, r.service), Port: c.Port, Method: c.Method, Body: r.body}
	svc, ok := p.stack.Services[q.Service]
	if !ok {
		return Request{}, fmt.Errorf("unknown service %s", q.Service)
	}
	if q.Port == 0 {
		if len(svc.Ports) == 0 {
			return Request{}, fmt.Errorf("service %s publishes no port", q.Service)
		}
		q.Port = svc.Ports[0]
	}
	if q.Method == "" {
		q.Method = http.MethodGet
	}
	var err error
	if q.Path, err = scenarios.Render(c.Path, r.data); err != nil {
		return Request{}, err
	}
	if q.Body == nil && c.Body != "" {
		b, err := scenarios.Render(c.Body, r.data)
		if err != nil {
			return Request{}, err
		}
		q.Body = []byte(b)
	}
	if len(c.Headers) > 0 {
		q.Headers = make(map[string]string, len(c.Headers))
	}
	for k, v := range c.Headers {
		if q.Headers[k], err = scenarios.Render(v, r.data); err != nil {
			return Request{}, err
		}
	}
	return q, nil
}

func (f httpForm) call(ctx context.Context, p *Plane, r request) (reply, error) {
	q, err := f.render(p, r)
	if err != nil {
		return reply{}, err
	}
	ep, err := p.endpoint(ctx, q.Service, q.Port)
	if err != nil {
		return reply{}, err
	}
	method, path := q.Method, q.Path
	req, err := http.NewRequestWithContext(ctx, method, "http://"+ep+path, bytes.NewReader(q.Body))
	if err != nil {
		return reply{}, err
	}
	if q.Body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range q.Headers {
		req.Header.Set(k, v)
	}
	resp, err := p.http.Do(req)
	if err != nil {
		if connectionFailed(err) {
			p.Forget(q.Service) // ask the engine again next time
		}
		return reply{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return reply{}, fmt.Errorf("%s %s: read: %w", method, path, err)
	}
	if !statusExpected(resp.StatusCode, f.c.Expect) {
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
