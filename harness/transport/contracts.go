package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/drill-dev/drill/scenarios"
)

// The contracts of the data plane, one function each, whatever the transport (see "Data plane
// contracts" in docs/scenario-reference.md): an sql form answers in rows, http and exec in
// JSON (exec: on stdin and stdout).

// Check runs a probe once, bounded by ProbeTimeout. It returns the response body (http), the
// first value of the first row (sql) or stdout (exec), and a non-nil error when the probe did
// not pass: http not the expected status (default 2xx), sql no row or a first value false, 0
// or NULL, exec a non-zero exit, log the text not yet in the service's log.
func (p *Plane) Check(ctx context.Context, pr scenarios.Probe, data scenarios.TemplateData, service string) (body []byte, err error) {
	defer p.recovered("probe", &err)
	ctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
	defer cancel()
	if pr.Log != "" {
		return nil, p.logContains(ctx, service, pr.Log)
	}
	rep, err := p.do(ctx, pr, checkRequest(data, service))
	if err != nil || !rep.table {
		return rep.out, err
	}
	if len(rep.rows) == 0 || len(rep.rows[0]) == 0 {
		return nil, errors.New("query returned no row")
	}
	v := rep.rows[0][0]
	if falsy(v) {
		return nil, fmt.Errorf("query returned %v", v)
	}
	return []byte(sqlText(v)), nil
}

// Step runs an exec, http or sql step once and returns its output: exec's stdout and stderr
// interleaved, http's body, nothing from sql (its statement runs as it is, outside a
// transaction). On failure the output is what came back, and the error says why.
func (p *Plane) Step(ctx context.Context, pr scenarios.Probe, data scenarios.TemplateData) ([]byte, error) {
	rep, err := p.do(ctx, pr, stepRequest(data))
	return rep.output, err
}

// Batch runs a batch probe for sites and returns its answer per site. http: POST
// {"sites": [...]}, answer {"results": {"SITE": "..."}}; exec: the same JSON on stdin and
// stdout; sql: the query (templates see .Sites) returns rows (site, answer).
func (p *Plane) Batch(ctx context.Context, pr *scenarios.Probe, service string, data scenarios.TemplateData, sites []string) (results map[string]string, err error) {
	defer p.recovered("batch probe", &err)
	rep, err := p.do(ctx, *pr, batchRequest(service, data, sites))
	if err != nil {
		return nil, err
	}
	if rep.table {
		return answerRows(rep.rows)
	}
	var ans struct {
		Results map[string]string `json:"results"`
	}
	if err := json.Unmarshal(rep.out, &ans); err != nil {
		return nil, fmt.Errorf("batch answer: want {\"results\": {SITE: ...}}: %w", err)
	}
	return ans.Results, nil
}

// HasCanary reports whether a product declares a canary.
func (p *Plane) HasCanary(product string) bool {
	pr := p.stack.Products[product]
	return pr != nil && pr.CanaryWrite != nil && pr.CanaryRead != nil
}

// CanaryWrite writes sequence seq for sites in one product, in one request, statement or
// command, and returns the sites that acknowledged it. http: POST {"seq": N, "sites": [...]},
// answer {"results": {"SITE": "ok" | "reason"}}; exec: the same JSON on stdin and stdout;
// sql: the statement (templates see .Seq and .Sites) runs in one transaction and every site
// is acknowledged when it commits.
func (p *Plane) CanaryWrite(ctx context.Context, product string, seq int, sites []string, data scenarios.TemplateData) (map[string]bool, error) {
	pr := p.stack.Products[product]
	rep, err := p.do(ctx, *pr.CanaryWrite, canaryWriteRequest(pr.Service, seq, data, sites))
	if err != nil {
		return nil, err
	}
	if rep.table {
		acked := make(map[string]bool, len(sites))
		for _, s := range sites {
			acked[s] = true
		}
		return acked, nil
	}
	var ans struct {
		Results map[string]string `json:"results"`
	}
	if err := json.Unmarshal(rep.out, &ans); err != nil {
		return nil, fmt.Errorf("canary write answer: want {\"results\": {SITE: \"ok\"|REASON}}: %w", err)
	}
	acked := make(map[string]bool, len(ans.Results))
	for s, r := range ans.Results {
		acked[s] = r == "ok"
	}
	return acked, nil
}

// CanaryRead returns the sequence numbers present per site in one product; a site left out
// of the answer is unreadable. http: POST {"sites": [...]}, answer {"SITE": [seq, ...]}; exec:
// the same JSON on stdin and stdout; sql: the query (templates see .Sites) returns rows
// (site, seq).
func (p *Plane) CanaryRead(ctx context.Context, product string, sites []string, data scenarios.TemplateData) (map[string][]int, error) {
	pr := p.stack.Products[product]
	rep, err := p.do(ctx, *pr.CanaryRead, batchRequest(pr.Service, data, sites))
	if err != nil {
		return nil, err
	}
	if rep.table {
		return seqRows(rep.rows)
	}
	var ans map[string][]int
	if err := json.Unmarshal(rep.out, &ans); err != nil {
		return nil, fmt.Errorf("canary read answer: want {SITE: [seq, ...]}: %w", err)
	}
	return ans, nil
}

// ListSites asks the stack for its sites, in order, bounded by ProbeTimeout. http: the body is
// a JSON array; sql: the first column of the rows; exec: stdout is a JSON array or one ID per
// line.
func (p *Plane) ListSites(ctx context.Context, data scenarios.TemplateData) ([]string, error) {
	l := p.stack.Tenants.List
	if l == nil {
		return nil, errors.New("the stack declares no tenants.list")
	}
	if l.Exec == nil && l.SQL == nil {
		body, err := p.Check(ctx, *l, data, "")
		if err != nil {
			return nil, err
		}
		var sites []string
		if err := json.Unmarshal(body, &sites); err != nil {
			return nil, fmt.Errorf("want a JSON array of site IDs: %w", err)
		}
		return sites, nil
	}
	ctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
	defer cancel()
	rep, err := p.do(ctx, *l, checkRequest(data, ""))
	if err != nil {
		return nil, err
	}
	if !rep.table {
		return siteLines(rep.out)
	}
	sites := make([]string, 0, len(rep.rows))
	for _, r := range rep.rows {
		if len(r) > 0 {
			sites = append(sites, sqlText(r[0]))
		}
	}
	return sites, nil
}

// The requests of the contracts, built once for the call and for its rendering.

// checkRequest is a probe's request: a query, with no body.
func checkRequest(data scenarios.TemplateData, service string) request {
	return request{data: data, service: service}
}

// stepRequest is a step's request: its statement runs as it is.
func stepRequest(data scenarios.TemplateData) request {
	return request{data: data, mode: asIs}
}

// batchRequest asks about sites: templates see them as .Sites; http and exec send
// {"sites": [...]}. A canary read asks the same way.
func batchRequest(service string, data scenarios.TemplateData, sites []string) request {
	data.Sites = sites
	body, _ := json.Marshal(map[string]any{"sites": sites})
	return request{data: data, service: service, body: body}
}

// canaryWriteRequest writes seq for sites: templates see .Seq and .Sites; http and exec send
// {"seq": N, "sites": [...]}; sql runs it in one transaction.
func canaryWriteRequest(service string, seq int, data scenarios.TemplateData, sites []string) request {
	data.Sites, data.Seq = sites, seq
	body, _ := json.Marshal(map[string]any{"seq": seq, "sites": sites})
	return request{data: data, service: service, body: body, mode: inTx}
}

// logContains passes when the service's log contains text.
func (p *Plane) logContains(ctx context.Context, service, text string) error {
	ctr, err := p.svcs.Container(service)
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

// answerRows reads the (site, answer) rows of an sql batch probe; a boolean answer reads as
// "true" or "false", NULL as empty; a site's first row counts.
func answerRows(rows [][]any) (map[string]string, error) {
	out := make(map[string]string, len(rows))
	for i, r := range rows {
		if len(r) < 2 {
			return nil, fmt.Errorf("batch answer row %d: want (site, answer), got %d columns", i+1, len(r))
		}
		site := sqlText(r[0])
		if _, ok := out[site]; !ok {
			out[site] = sqlText(r[1])
		}
	}
	return out, nil
}

// seqRows reads (site, seq) rows; a site with rows but all seq NULL is present with none.
func seqRows(rows [][]any) (map[string][]int, error) {
	out := map[string][]int{}
	for i, r := range rows {
		if len(r) < 2 {
			return nil, fmt.Errorf("canary read row %d: want (site, seq), got %d columns", i+1, len(r))
		}
		site := sqlText(r[0])
		if _, ok := out[site]; !ok {
			out[site] = []int{}
		}
		if r[1] == nil {
			continue
		}
		seq, err := strconv.Atoi(strings.TrimSpace(sqlText(r[1])))
		if err != nil {
			return nil, fmt.Errorf("canary read row %d: seq %q is not an integer", i+1, sqlText(r[1]))
		}
		out[site] = append(out[site], seq)
	}
	return out, nil
}

// siteLines reads an exec list: a JSON array, or one ID per line (blank lines skipped).
func siteLines(out []byte) ([]string, error) {
	out = bytes.TrimSpace(out)
	if bytes.HasPrefix(out, []byte("[")) {
		var sites []string
		if err := json.Unmarshal(out, &sites); err != nil {
			return nil, fmt.Errorf("want a JSON array of site IDs or one ID per line: %w", err)
		}
		return sites, nil
	}
	var sites []string
	for line := range strings.SplitSeq(string(out), "\n") {
		if s := strings.TrimSpace(line); s != "" {
			sites = append(sites, s)
		}
	}
	return sites, nil
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
