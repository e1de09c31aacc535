package transport

import (
	"errors"

	"github.com/drill-dev/drill/scenarios"
)

// Request is one call as its transport sends it, every template rendered: what each form's
// call sends, and what drill render and drill run --dry-run show before anything is sent.
type Request struct {
	Transport string // http, sql or exec
	Service   string

	// http: the method, the container port (its published port is asked of the engine when
	// sent), the path and the headers.
	Method  string
	Port    int
	Path    string
	Headers map[string]string

	// sql: the connection's driver and database, the query, and how it runs.
	Driver   string
	Database string
	Query    string
	Mode     string // SQLQuery, SQLInTx or SQLAsIs

	// exec: the argv and the user (the image's when empty).
	Command []string
	User    string

	// Body is http's request body or exec's stdin (a contract's JSON, or the declaration's
	// body template); nil when none.
	Body []byte
}

// How an sql Request runs (Request.Mode).
const (
	SQLQuery = "query: its rows answer"
	SQLInTx  = "statement, in one transaction"
	SQLAsIs  = "statement, as it is (no transaction)"
)

var sqlModes = map[mode]string{query: SQLQuery, inTx: SQLInTx, asIs: SQLAsIs}

// Transport names the transport a declaration uses: http, sql, exec, or log (a readiness
// probe that reads the service's log).
func Transport(pr scenarios.Probe) string {
	if pr.Log != "" {
		return "log"
	}
	f, err := formOf(pr)
	if err != nil {
		return ""
	}
	return f.transport()
}

// render is the request a declaration would send for r.
func (p *Plane) render(pr scenarios.Probe, r request) (Request, error) {
	if pr.Log != "" {
		return Request{}, errors.New("a log probe sends no request: it reads the service's log")
	}
	f, err := formOf(pr)
	if err != nil {
		return Request{}, err
	}
	return f.render(p, r)
}

// RenderCheck returns the request Check would send; nothing is sent.
func (p *Plane) RenderCheck(pr scenarios.Probe, data scenarios.TemplateData, service string) (Request, error) {
	return p.render(pr, checkRequest(data, service))
}

// RenderStep returns the request Step would send; nothing is sent.
func (p *Plane) RenderStep(pr scenarios.Probe, data scenarios.TemplateData) (Request, error) {
	return p.render(pr, stepRequest(data))
}

// RenderBatch returns the request Batch would send for sites; nothing is sent.
func (p *Plane) RenderBatch(pr *scenarios.Probe, service string, data scenarios.TemplateData, sites []string) (Request, error) {
	return p.render(*pr, batchRequest(service, data, sites))
}

// RenderCanaryWrite returns the request CanaryWrite would send; nothing is sent.
func (p *Plane) RenderCanaryWrite(product string, seq int, sites []string, data scenarios.TemplateData) (Request, error) {
	pr := p.stack.Products[product]
	if pr == nil || pr.CanaryWrite == nil {
		return Request{}, errors.New("declares no canary")
	}
	return p.render(*pr.CanaryWrite, canaryWriteRequest(pr.Service, seq, data, sites))
}

// RenderCanaryRead returns the request CanaryRead would send; nothing is sent.
func (p *Plane) RenderCanaryRead(product string, sites []string, data scenarios.TemplateData) (Request, error) {
	pr := p.stack.Products[product]
	if pr == nil || pr.CanaryRead == nil {
		return Request{}, errors.New("declares no canary")
	}
	return p.render(*pr.CanaryRead, batchRequest(pr.Service, data, sites))
}

// RenderList returns the request ListSites would send; nothing is sent.
func (p *Plane) RenderList(data scenarios.TemplateData) (Request, error) {
	l := p.stack.Tenants.List
	if l == nil {
		return Request{}, errors.New("the stack declares no tenants.list")
	}
	return p.render(*l, checkRequest(data, ""))
}
