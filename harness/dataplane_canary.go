package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/drill-dev/drill/scenarios"
)

// The canary and tenant-list contracts, one function per part and a case per transport (see
// "Data plane contracts" in docs/scenario-reference.md).

// hasCanary reports whether a product declares a canary.
func (d *drill) hasCanary(product string) bool {
	p := d.stack.Products[product]
	return p != nil && p.CanaryWrite != nil && p.CanaryRead != nil
}

// canaryWrite writes sequence seq for sites in one product, in one request, statement or
// command, and returns the sites that acknowledged it. http: POST {"seq": N, "sites": [...]},
// answer {"results": {"SITE": "ok" | "reason"}}; exec: the same JSON on stdin and stdout;
// sql: the statement (templates see .Seq and .Sites) runs in one transaction and every site
// is acknowledged when it commits.
func (d *drill) canaryWrite(ctx context.Context, product string, seq int, sites []string) (map[string]bool, error) {
	p := d.stack.Products[product]
	data := d.data()
	data.Sites, data.Seq = sites, seq
	w := p.CanaryWrite
	if w.SQL != nil {
		if err := d.sqlTx(ctx, w.SQL, data, p.Service); err != nil {
			return nil, err
		}
		acked := make(map[string]bool, len(sites))
		for _, s := range sites {
			acked[s] = true
		}
		return acked, nil
	}
	body, _ := json.Marshal(map[string]any{"seq": seq, "sites": sites})
	out, err := d.jsonCall(ctx, w, data, p.Service, body)
	if err != nil {
		return nil, err
	}
	var ans struct {
		Results map[string]string `json:"results"`
	}
	if err := json.Unmarshal(out, &ans); err != nil {
		return nil, fmt.Errorf("canary write answer: want {\"results\": {SITE: \"ok\"|REASON}}: %w", err)
	}
	acked := make(map[string]bool, len(ans.Results))
	for s, r := range ans.Results {
		acked[s] = r == "ok"
	}
	return acked, nil
}

// canaryRead returns the sequence numbers present per site in one product; a site left out
// of the answer is unreadable. http: POST {"sites": [...]}, answer {"SITE": [seq, ...]}; exec:
// the same JSON on stdin and stdout; sql: the query (templates see .Sites) returns rows
// (site, seq).
func (d *drill) canaryRead(ctx context.Context, product string, sites []string) (map[string][]int, error) {
	p := d.stack.Products[product]
	data := d.data()
	data.Sites = sites
	r := p.CanaryRead
	if r.SQL != nil {
		rows, err := d.sqlRows(ctx, r.SQL, data, p.Service)
		if err != nil {
			return nil, err
		}
		return seqRows(rows)
	}
	body, _ := json.Marshal(map[string]any{"sites": sites})
	out, err := d.jsonCall(ctx, r, data, p.Service, body)
	if err != nil {
		return nil, err
	}
	var ans map[string][]int
	if err := json.Unmarshal(out, &ans); err != nil {
		return nil, fmt.Errorf("canary read answer: want {SITE: [seq, ...]}: %w", err)
	}
	return ans, nil
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

// jsonCall sends a JSON body to an http or exec probe (exec: on stdin) and returns the answer
// (exec: stdout).
func (d *drill) jsonCall(ctx context.Context, p *scenarios.Probe, data scenarios.TemplateData, service string, body []byte) ([]byte, error) {
	switch {
	case p.HTTP != nil:
		out, _, err := d.httpCall(ctx, p.HTTP, data, service, body)
		return out, err
	case p.Exec != nil:
		res, err := d.execRun(ctx, p.Exec, data, service, body)
		return res.Stdout, err
	}
	return nil, errors.New("probe has no http or exec form")
}

// listSites asks the stack for its sites, in order. http: the body is a JSON array; sql: the
// first column of the rows; exec: stdout is a JSON array or one ID per line.
func (d *drill) listSites(ctx context.Context) ([]string, error) {
	l := d.stack.Tenants.List
	if l == nil {
		return nil, errors.New("the stack declares no tenants.list")
	}
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	data := d.data()
	switch {
	case l.SQL != nil:
		rows, err := d.sqlRows(ctx, l.SQL, data, "")
		if err != nil {
			return nil, err
		}
		sites := make([]string, 0, len(rows))
		for _, r := range rows {
			if len(r) > 0 {
				sites = append(sites, sqlText(r[0]))
			}
		}
		return sites, nil
	case l.Exec != nil:
		res, err := d.execRun(ctx, l.Exec, data, "", nil)
		if err != nil {
			return nil, err
		}
		return siteLines(res.Stdout)
	}
	body, err := d.check(ctx, *l, data, "")
	if err != nil {
		return nil, err
	}
	var sites []string
	if err := json.Unmarshal(body, &sites); err != nil {
		return nil, fmt.Errorf("want a JSON array of site IDs: %w", err)
	}
	return sites, nil
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
