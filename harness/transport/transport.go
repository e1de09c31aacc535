package transport

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/drill-dev/drill/harness/runtime"
	"github.com/drill-dev/drill/scenarios"
)

// ProbeTimeout bounds one probe request.
const ProbeTimeout = 10 * time.Second

// Services is what the transports need of the running stack: the current container of a
// service, to exec in it, read its logs and find its published ports.
type Services interface {
	Container(name string) (runtime.Container, error)
}

// Plane sends drill's requests to a stack's services: probes, steps, batches, canaries and the
// tenant list, each over the transport its declaration names (http, sql or exec). It caches
// endpoints and sql connections per service container. It is safe for concurrent use; the
// caller must call Close.
type Plane struct {
	stack     *scenarios.Stack
	svcs      Services
	http      *http.Client
	endpoints endpoints
	sql       sqlPools
	recovered func(where string, err *error)
}

// Option configures a Plane.
type Option func(*Plane)

// WithRecover sets the function every entry point defers to turn a panic into its error
// (default: none, a panic goes up).
func WithRecover(fn func(where string, err *error)) Option {
	return func(p *Plane) { p.recovered = fn }
}

// New returns a Plane for a stack whose services svcs finds.
func New(stack *scenarios.Stack, svcs Services, opts ...Option) *Plane {
	p := &Plane{
		stack: stack,
		svcs:  svcs,
		http: &http.Client{Transport: &http.Transport{
			MaxIdleConnsPerHost: 64,
			IdleConnTimeout:     30 * time.Second,
		}},
		recovered: func(string, *error) {},
	}
	for _, o := range opts {
		o(p)
	}
	return p
}

// Forget drops what is cached about a service's container: its endpoints and its sql pools.
// The engine calls it around its own operations on the service (a restart publishes its ports
// anew); the transports call it when a connection fails.
func (p *Plane) Forget(service string) {
	p.endpoints.forget(service)
	p.sql.closeOf(service)
}

// Close closes every sql pool. It always returns nil (it fits a cleanup stack).
func (p *Plane) Close(context.Context) error {
	p.sql.closeAll()
	return nil
}

// mode is what a call is for, which only sql tells apart: a query whose rows answer, a
// statement run in one transaction, or a statement run as it is (an sql step: DROP DATABASE and
// VACUUM cannot run in a transaction). http and exec send their request either way.
type mode int

const (
	query mode = iota
	inTx
	asIs
)

// request is one call: its form, its template data, the service when the form names none,
// and a JSON body (http: the request's body; exec: stdin; sql: none).
type request struct {
	data    scenarios.TemplateData
	service string
	body    []byte
	mode    mode
}

// reply is what a call answered: bytes (http's body, exec's stdout and, in output, exec's
// stdout and stderr interleaved) or, from sql, rows (table true).
type reply struct {
	out    []byte
	output []byte
	rows   [][]any
	table  bool
}

// form is one transport. Each lives in its own file (http.go, sql.go, exec.go) and answers
// every contract through call; adding a transport is one more file and one more case in
// formOf.
type form interface {
	call(ctx context.Context, p *Plane, r request) (reply, error)
	// render is the request call sends, templates rendered; nothing is sent.
	render(p *Plane, r request) (Request, error)
	// transport names the form: http, sql or exec.
	transport() string
}

// errNoForm is a declaration with none of the transports.
var errNoForm = errors.New("declares no http, sql or exec form")

// formOf is the transport a declaration names: the only switch on http, sql and exec.
func formOf(pr scenarios.Probe) (form, error) {
	switch {
	case pr.HTTP != nil:
		return httpForm{pr.HTTP}, nil
	case pr.SQL != nil:
		return sqlForm{pr.SQL}, nil
	case pr.Exec != nil:
		return execForm{pr.Exec}, nil
	}
	return nil, errNoForm
}

// do sends one request over the declaration's transport.
func (p *Plane) do(ctx context.Context, pr scenarios.Probe, r request) (reply, error) {
	f, err := formOf(pr)
	if err != nil {
		return reply{}, err
	}
	return f.call(ctx, p, r)
}

// serviceOf is the service a call names, else the default.
func serviceOf(named, dflt string) string {
	if named != "" {
		return named
	}
	return dflt
}

// tail is the last n bytes of s, marked as cut when longer.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// sqlText is a value as text: NULL is empty.
func sqlText(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// render renders each template of args.
func render(args []string, data scenarios.TemplateData) ([]string, error) {
	out := make([]string, len(args))
	for i, a := range args {
		r, err := scenarios.Render(a, data)
		if err != nil {
			return nil, err
		}
		out[i] = r
	}
	return out, nil
}
