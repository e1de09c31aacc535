package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/drill-dev/drill/harness/runtime"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/drill-dev/drill/scenarios"
)

// probeTimeout bounds one probe request.
const probeTimeout = 10 * time.Second

// check runs a probe once. It returns the response body (http), the first value of the first
// row (sql) or stdout (exec), and a non-nil error when the probe did not pass: http not the
// expected status (default 2xx), sql no row or a first value false, 0 or NULL, exec a
// non-zero exit.
func (d *drill) check(ctx context.Context, p scenarios.Probe, data scenarios.TemplateData, defaultService string) (body []byte, err error) {
	defer d.recovered("probe", &err)
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	switch {
	case p.HTTP != nil:
		body, _, err := d.httpCall(ctx, p.HTTP, data, defaultService, nil)
		return body, err
	case p.SQL != nil:
		return d.sqlProbe(ctx, p.SQL, data, defaultService)
	case p.Exec != nil:
		res, err := d.execRun(ctx, p.Exec, data, defaultService, nil)
		return res.Stdout, err
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
		if connectionFailed(err) {
			d.svcs.forget(svcName) // ask the engine again next time
		}
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
	ep, err := d.svcs.endpoint(ctx, service, port)
	if err != nil {
		return "", err
	}
	return "http://" + ep, nil
}

// sqlProbe passes when the query returns a row whose first value is not false, 0 or NULL; it
// returns that value as text.
func (d *drill) sqlProbe(ctx context.Context, c *scenarios.SQLCall, data scenarios.TemplateData, defaultService string) ([]byte, error) {
	rows, err := d.sqlRows(ctx, c, data, defaultService)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 || len(rows[0]) == 0 {
		return nil, errors.New("query returned no row")
	}
	v := rows[0][0]
	if falsy(v) {
		return nil, fmt.Errorf("query returned %v", v)
	}
	return []byte(sqlText(v)), nil
}

// sqlText is a value as text: NULL is empty.
func sqlText(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// falsy is NULL, false, a zero number, or text that reads as a zero number or "false" (MySQL
// answers booleans as 0 and 1, and sums as decimal text).
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
	case float32:
		return x == 0
	case float64:
		return x == 0
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return (err == nil && f == 0) || strings.EqualFold(strings.TrimSpace(x), "false")
	}
	return false
}

// execCall runs a command in a service; a non-zero exit is an error carrying the output. It
// returns stdout and stderr interleaved.
func (d *drill) execCall(ctx context.Context, c *scenarios.ExecCall, data scenarios.TemplateData, defaultService string) ([]byte, error) {
	res, err := d.execRun(ctx, c, data, defaultService, nil)
	return res.Output, err
}

// execRun runs a command in a service with stdin (when not nil) as its input; a non-zero exit
// is an error carrying the tail of the output.
func (d *drill) execRun(ctx context.Context, c *scenarios.ExecCall, data scenarios.TemplateData, defaultService string, stdin []byte) (runtime.ExecResult, error) {
	svc := c.Service
	if svc == "" {
		svc = defaultService
	}
	cmd := make([]string, len(c.Command))
	for i, a := range c.Command {
		r, err := scenarios.Render(a, data)
		if err != nil {
			return runtime.ExecResult{}, err
		}
		cmd[i] = r
	}
	ctr, err := d.svcs.get(svc)
	if err != nil {
		return runtime.ExecResult{}, err
	}
	res, err := ctr.Exec(ctx, cmd, c.User, stdin)
	if err != nil {
		return runtime.ExecResult{}, fmt.Errorf("exec in %s: %w", svc, err)
	}
	if res.ExitCode != 0 {
		return res, fmt.Errorf("exec in %s: exit %d: %s", svc, res.ExitCode, tail(strings.TrimSpace(string(res.Output)), 500))
	}
	return res, nil
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
