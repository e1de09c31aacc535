package harness

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/drill-dev/drill/scenarios"
	"github.com/jackc/pgx/v5"
)

// probeTimeout bounds one probe request.
const probeTimeout = 10 * time.Second

// check runs a probe once. It returns the response body (http), the first value (sql) or the
// output (exec) and a non-nil error when the probe did not pass.
func (d *drill) check(ctx context.Context, p scenarios.Probe, data scenarios.TemplateData, defaultService string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	switch {
	case p.HTTP != nil:
		body, _, err := d.httpCall(ctx, p.HTTP, data, defaultService, nil)
		return body, err
	case p.SQL != nil:
		return d.sqlProbe(ctx, p.SQL, data, defaultService)
	case p.Exec != nil:
		return d.execCall(ctx, p.Exec, data, defaultService)
	case p.Log != "":
		return nil, d.logProbe(ctx, defaultService, p.Log)
	}
	return nil, fmt.Errorf("empty probe")
}

// poll checks a probe every interval until it passes, the timeout ends or ctx is done.
func (d *drill) poll(ctx context.Context, p scenarios.Probe, data scenarios.TemplateData, defaultService string, timeout, interval time.Duration) error {
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	if interval <= 0 {
		interval = 250 * time.Millisecond
	}
	deadline := d.clock.Now() + timeout
	var last error
	for {
		_, err := d.check(ctx, p, data, defaultService)
		if err == nil {
			return nil
		}
		last = err
		if d.clock.Now() >= deadline {
			return fmt.Errorf("not passing after %s: %w", timeout, last)
		}
		if err := d.clock.Sleep(ctx, interval); err != nil {
			return err
		}
	}
}

// httpCall sends an HTTP request to a service and checks its status. A non-nil body
// overrides the call's own body template.
func (d *drill) httpCall(ctx context.Context, c *scenarios.HTTPCall, data scenarios.TemplateData, defaultService string, body []byte) ([]byte, int, error) {
	svcName := c.Service
	if svcName == "" {
		svcName = defaultService
	}
	url, err := d.url(ctx, svcName, c.Port)
	if err != nil {
		return nil, 0, err
	}
	path, err := scenarios.Render(c.Path, data)
	if err != nil {
		return nil, 0, err
	}
	if body == nil && c.Body != "" {
		b, err := scenarios.Render(c.Body, data)
		if err != nil {
			return nil, 0, err
		}
		body = []byte(b)
	}
	method := c.Method
	if method == "" {
		method = http.MethodGet
	}
	req, err := http.NewRequestWithContext(ctx, method, url+path, bytes.NewReader(body))
	if err != nil {
		return nil, 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.Headers {
		rv, err := scenarios.Render(v, data)
		if err != nil {
			return nil, 0, err
		}
		req.Header.Set(k, rv)
	}
	resp, err := d.http.Do(req)
	if err != nil {
		return nil, 0, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, resp.StatusCode, fmt.Errorf("%s %s: read: %w", method, path, err)
	}
	if !statusExpected(resp.StatusCode, c.Expect) {
		return out, resp.StatusCode, fmt.Errorf("%s %s: status %d: %s", method, path, resp.StatusCode, tail(strings.TrimSpace(string(out)), 200))
	}
	return out, resp.StatusCode, nil
}

func statusExpected(code int, expect []int) bool {
	if len(expect) == 0 {
		return code >= 200 && code < 300
	}
	for _, e := range expect {
		if e == code {
			return true
		}
	}
	return false
}

// url is the base URL of a service's port on localhost.
func (d *drill) url(ctx context.Context, service string, port int) (string, error) {
	svc, ok := d.stack.Services[service]
	if !ok {
		return "", fmt.Errorf("unknown service %s", service)
	}
	if port == 0 {
		if len(svc.Ports) == 0 {
			return "", fmt.Errorf("service %s publishes no port", service)
		}
		port = svc.Ports[0]
	}
	c, err := d.svcs.get(service)
	if err != nil {
		return "", err
	}
	ep, err := c.Endpoint(ctx, port)
	if err != nil {
		return "", fmt.Errorf("endpoint of %s:%d: %w", service, port, err)
	}
	return "http://" + ep, nil
}

// sqlConnect opens a connection to a service's database.
func (d *drill) sqlConnect(ctx context.Context, service, database string) (*pgx.Conn, error) {
	svc, ok := d.stack.Services[service]
	if !ok || svc.SQL == nil {
		return nil, fmt.Errorf("service %s has no sql connection", service)
	}
	c, err := d.svcs.get(service)
	if err != nil {
		return nil, err
	}
	ep, err := c.Endpoint(ctx, svc.SQL.Port)
	if err != nil {
		return nil, fmt.Errorf("endpoint of %s:%d: %w", service, svc.SQL.Port, err)
	}
	if database == "" {
		database = svc.SQL.Database
	}
	cfg, err := pgx.ParseConfig("")
	if err != nil {
		return nil, err
	}
	host, port, err := net.SplitHostPort(ep)
	if err != nil {
		return nil, fmt.Errorf("endpoint of %s: %w", service, err)
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("endpoint of %s: port %q: %w", service, port, err)
	}
	cfg.Host, cfg.Port = host, uint16(p)
	cfg.User = svc.SQL.User
	cfg.Password = svc.SQL.Password
	cfg.Database = database
	cfg.ConnectTimeout = 5 * time.Second
	return pgx.ConnectConfig(ctx, cfg)
}

// sqlProbe passes when the query succeeds and its first value, if any, is not false, 0 or null.
func (d *drill) sqlProbe(ctx context.Context, c *scenarios.SQLCall, data scenarios.TemplateData, defaultService string) ([]byte, error) {
	svc := c.Service
	if svc == "" {
		svc = defaultService
	}
	q, err := scenarios.Render(c.Query, data)
	if err != nil {
		return nil, err
	}
	conn, err := d.sqlConnect(ctx, svc, c.Database)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	rows, err := conn.Query(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, rows.Err()
	}
	vals, err := rows.Values()
	if err != nil || len(vals) == 0 {
		return nil, err
	}
	v := vals[0]
	if falsy(v) {
		return nil, fmt.Errorf("query returned %v", v)
	}
	return []byte(fmt.Sprint(v)), nil
}

func falsy(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case int16:
		return x == 0
	case int32:
		return x == 0
	case int64:
		return x == 0
	case float64:
		return x == 0
	}
	return false
}

// execCall runs a command in a service; a non-zero exit is an error carrying the output.
func (d *drill) execCall(ctx context.Context, c *scenarios.ExecCall, data scenarios.TemplateData, defaultService string) ([]byte, error) {
	svc := c.Service
	if svc == "" {
		svc = defaultService
	}
	cmd := make([]string, len(c.Command))
	for i, a := range c.Command {
		r, err := scenarios.Render(a, data)
		if err != nil {
			return nil, err
		}
		cmd[i] = r
	}
	ctr, err := d.svcs.get(svc)
	if err != nil {
		return nil, err
	}
	res, err := ctr.Exec(ctx, cmd, c.User)
	if err != nil {
		return nil, fmt.Errorf("exec in %s: %w", svc, err)
	}
	if res.ExitCode != 0 {
		return res.Output, fmt.Errorf("exec in %s: exit %d: %s", svc, res.ExitCode, tail(strings.TrimSpace(string(res.Output)), 500))
	}
	return res.Output, nil
}

// logProbe passes when the service's log contains text.
func (d *drill) logProbe(ctx context.Context, service, text string) error {
	ctr, err := d.svcs.get(service)
	if err != nil {
		return err
	}
	rc, err := ctr.Logs(ctx)
	if err != nil {
		return err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 16<<20))
	if err != nil {
		return err
	}
	if !bytes.Contains(b, []byte(text)) {
		return fmt.Errorf("log has no %q yet", text)
	}
	return nil
}
