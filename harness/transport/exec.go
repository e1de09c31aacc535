package transport

import (
	"context"
	"fmt"
	"strings"

	"github.com/drill-dev/drill/scenarios"
)

var _ form = execForm{}

// execForm runs a command in a service's container with the call's body (a contract's JSON)
// on stdin; a non-zero exit is an error carrying the tail of the output.
type execForm struct{ c *scenarios.ExecCall }

func (f execForm) transport() string { return "exec" }

func (f execForm) render(_ *Plane, r request) (Request, error) {
	cmd, err := render(f.c.Command, r.data)
	if err != nil {
		return Request{}, err
	}
	return Request{Transport: "exec", Service: serviceOf(f.c.Service, r.service), Command: cmd, User: f.c.User, Body: r.body}, nil
}

func (f execForm) call(ctx context.Context, p *Plane, r request) (reply, error) {
	q, err := f.render(p, r)
	if err != nil {
		return reply{}, err
	}
	svc := q.Service
	ctr, err := p.svcs.Container(svc)
	if err != nil {
		return reply{}, err
	}
	res, err := ctr.Exec(ctx, q.Command, q.User, q.Body)
	if err != nil {
		return reply{}, fmt.Errorf("exec in %s: %w", svc, err)
	}
	rep := reply{out: res.Stdout, output: res.Output}
	if res.ExitCode != 0 {
		return rep, fmt.Errorf("exec in %s: exit %d: %s", svc, res.ExitCode, tail(strings.TrimSpace(string(res.Output)), 500))
	}
	return rep, nil
}
