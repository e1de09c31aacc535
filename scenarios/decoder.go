package scenarios

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// decoder is a walker that knows the stack, for checking references.
type decoder struct {
	*walker
	// known is false when the stack could not be loaded: references are not checked.
	known    bool
	services map[string]*Service
	volumes  map[string]bool
	actions  map[string]*Action
	calls    map[string][]string // action -> actions its steps call, for cycle checks
	counts   []countRef          // count templates, checked against every size
}

var probeKinds = []string{"http", "sql", "exec"}

var httpMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}

// probeOpts says what a probe may be at its place.
type probeOpts struct {
	defService string // service when the probe names none; empty: required
	log        bool   // readiness: log allowed
	short      bool   // readiness: http: PATH, sql: QUERY, exec: [CMD] shorthands
}

// probe fills p from the probe keys of f (one of http, sql, exec and, for readiness, log).
func (d *decoder) probe(f fields, p *Probe, tc tmplCtx, o probeOpts) {
	p.Pos = d.pos(f.node)
	kinds := probeKinds
	if o.log {
		kinds = append(slices.Clone(kinds), "log")
	}
	var found []string
	for _, k := range kinds {
		if f.has(k) {
			found = append(found, k)
		}
	}
	switch {
	case len(found) == 0:
		d.errorf(f.node, f.path, "missing probe: want one of %s", strings.Join(kinds, ", "))
		return
	case len(found) > 1:
		d.errorf(f.node, f.path, "a probe has one kind, got %s (want one of %s)", strings.Join(found, " and "), strings.Join(kinds, ", "))
		return
	}
	n, path := f.get(found[0])
	switch found[0] {
	case "http":
		p.HTTP = d.httpCall(n, path, tc, o)
	case "sql":
		p.SQL = d.sqlCall(n, path, tc, o)
	case "exec":
		p.Exec = d.execCall(n, path, tc, o)
	case "log":
		p.Log = d.str(n, path)
	}
}

// service checks a service reference and returns the service (nil when unknown).
func (d *decoder) service(n *yaml.Node, path, name string) *Service {
	if !d.known || name == "" {
		return nil
	}
	s, ok := d.services[name]
	if !ok {
		d.errorf(d.derefQuiet(n), path, "unknown service %q (want %s)", name, choices(sortedKeys(d.services)))
	}
	return s
}

// serviceRef decodes the service key of a call, or the default.
func (d *decoder) serviceRef(f fields, o probeOpts) (string, *Service) {
	n, path := f.get("service")
	if n == nil {
		if o.defService == "" {
			d.errorf(f.node, f.path, "missing required key %q", "service")
			return "", nil
		}
		if d.known {
			return o.defService, d.services[o.defService]
		}
		return o.defService, nil
	}
	name := d.str(n, path)
	return name, d.service(n, path, name)
}

func (d *decoder) httpCall(n *yaml.Node, path string, tc tmplCtx, o probeOpts) *HTTPCall {
	if o.short {
		if s := d.derefQuiet(n); s != nil && s.Kind == yaml.ScalarNode {
			c := &HTTPCall{Service: o.defService, Method: "GET", Path: d.text(n, path, &tc)}
			d.port(s, path, 0, d.services[o.defService])
			return c
		}
	}
	f, ok := d.mapping(n, path, "service", "port", "method", "path", "headers", "body", "expect")
	if !ok {
		return nil
	}
	c := &HTTPCall{Method: "GET"}
	var svc *Service
	c.Service, svc = d.serviceRef(f, o)
	if v, p := f.get("port"); v != nil {
		c.Port = d.integer(v, p, 1)
	}
	d.port(f.node, path, c.Port, svc)
	if v, p := f.get("method"); v != nil {
		c.Method = d.str(v, p)
		if c.Method != "" && !contains(httpMethods, c.Method) {
			d.errorf(d.derefQuiet(v), p, "unknown method %q (want %s)", c.Method, strings.Join(httpMethods, ", "))
		}
	}
	if d.require(f, "path") {
		v, p := f.get("path")
		c.Path = d.text(v, p, &tc)
		if c.Path != "" && !strings.HasPrefix(c.Path, "/") {
			d.errorf(d.derefQuiet(v), p, "path %q must start with /", c.Path)
		}
	}
	if v, p := f.get("headers"); v != nil {
		c.Headers = d.strMap(v, p, &tc)
	}
	if v, p := f.get("body"); v != nil {
		c.Body = d.text(v, p, &tc)
	}
	if v, p := f.get("expect"); v != nil {
		c.Expect = d.statuses(v, p)
	}
	return c
}

// port checks that an HTTP call can reach svc: the port is one of its ports, or it has one.
func (d *decoder) port(n *yaml.Node, path string, port int, svc *Service) {
	if svc == nil {
		return
	}
	switch {
	case port == 0 && len(svc.Ports) == 0:
		d.errorf(n, path, "service %q declares no ports (add ports to the service)", svc.Name)
	case port != 0 && !slices.Contains(svc.Ports, port):
		d.errorf(n, join(path, "port"), "port %d is not one of service %q's ports (%s)", port, svc.Name, intList(svc.Ports))
	}
}

func intList(l []int) string {
	s := make([]string, len(l))
	for i, v := range l {
		s[i] = fmt.Sprint(v)
	}
	return choices(s)
}

func (d *decoder) statuses(n *yaml.Node, path string) []int {
	n = d.deref(n)
	if n == nil {
		return nil
	}
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
	}
	var out []int
	for i, it := range items {
		p := path
		if n.Kind == yaml.SequenceNode {
			p = index(path, i)
		}
		v := d.integer(it, p, 100)
		if v > 599 {
			d.errorf(d.derefQuiet(it), p, "HTTP status %d is out of range (100-599)", v)
		}
		out = append(out, v)
	}
	return out
}

func (d *decoder) sqlCall(n *yaml.Node, path string, tc tmplCtx, o probeOpts) *SQLCall {
	if o.short {
		if s := d.derefQuiet(n); s != nil && s.Kind == yaml.ScalarNode {
			c := &SQLCall{Service: o.defService, Query: d.text(n, path, &tc)}
			d.sqlService(s, path, d.services[o.defService])
			return c
		}
	}
	f, ok := d.mapping(n, path, "service", "database", "query")
	if !ok {
		return nil
	}
	c := &SQLCall{}
	var svc *Service
	c.Service, svc = d.serviceRef(f, o)
	d.sqlService(f.node, path, svc)
	if v, p := f.get("database"); v != nil {
		c.Database = d.text(v, p, &tc)
	}
	if d.require(f, "query") {
		v, p := f.get("query")
		c.Query = d.text(v, p, &tc)
	}
	return c
}

func (d *decoder) sqlService(n *yaml.Node, path string, svc *Service) {
	if svc != nil && svc.SQL == nil {
		d.errorf(n, path, "service %q has no sql connection (add sql: {port, user, password, database} to it)", svc.Name)
	}
}

func (d *decoder) execCall(n *yaml.Node, path string, tc tmplCtx, o probeOpts) *ExecCall {
	if o.short {
		if s := d.derefQuiet(n); s != nil && s.Kind == yaml.SequenceNode {
			return &ExecCall{Service: o.defService, Command: d.command(n, path, &tc)}
		}
	}
	f, ok := d.mapping(n, path, "service", "command", "user")
	if !ok {
		return nil
	}
	c := &ExecCall{}
	c.Service, _ = d.serviceRef(f, o)
	if d.require(f, "command") {
		v, p := f.get("command")
		c.Command = d.command(v, p, &tc)
		if len(c.Command) == 0 && d.derefQuiet(v).Kind == yaml.SequenceNode {
			d.errorf(d.derefQuiet(v), p, "empty command")
		}
	}
	if v, p := f.get("user"); v != nil {
		c.User = d.str(v, p)
	}
	return c
}

func (d *decoder) runCall(n *yaml.Node, path string, tc tmplCtx) *RunCall {
	f, ok := d.mapping(n, path, "image", "command", "env", "volumes", "user")
	if !ok {
		return nil
	}
	c := &RunCall{}
	if d.require(f, "image") {
		v, p := f.get("image")
		c.Image = d.str(v, p)
	}
	if v, p := f.get("command"); v != nil {
		c.Command = d.command(v, p, &tc)
	}
	if v, p := f.get("env"); v != nil {
		c.Env = d.strMap(v, p, &tc)
	}
	if v, p := f.get("volumes"); v != nil {
		c.Volumes = d.volumeMounts(v, p, true)
	}
	if v, p := f.get("user"); v != nil {
		c.User = d.str(v, p)
	}
	return c
}

// volumeMounts decodes {volume: /mount/path} or {volume: {path, read-only, nocopy}}; check
// says whether the volumes must exist.
func (d *decoder) volumeMounts(n *yaml.Node, path string, check bool) map[string]Mount {
	es, ok := d.entries(n, path)
	if !ok {
		return nil
	}
	out := map[string]Mount{}
	for _, e := range es {
		if check {
			d.volume(e.kn, e.path, e.key)
		} else if !nameRE.MatchString(e.key) {
			d.errorf(e.kn, e.path, "bad volume name %q (want lower-case letters, digits and dashes)", e.key)
		}
		out[e.key] = d.mount(e.val, e.path)
	}
	return out
}

// mount decodes one mount: a path, or {path, read-only, nocopy}.
func (d *decoder) mount(n *yaml.Node, path string) Mount {
	var m Mount
	pn, pp := n, path
	v := d.derefQuiet(n)
	if v != nil && v.Kind == yaml.SequenceNode {
		d.errorf(v, path, "want a mount path or {path, read-only, nocopy}, got %s", describe(v))
		return m
	}
	if v != nil && v.Kind == yaml.MappingNode {
		f, ok := d.mapping(n, path, "path", "read-only", "nocopy")
		if !ok || !d.require(f, "path") {
			return m
		}
		if v, p := f.get("read-only"); v != nil {
			m.ReadOnly = d.boolean(v, p)
		}
		if v, p := f.get("nocopy"); v != nil {
			m.NoCopy = d.boolean(v, p)
		}
		pn, pp = f.get("path")
	}
	m.Path = d.str(pn, pp)
	if m.Path != "" && !strings.HasPrefix(m.Path, "/") {
		d.errorf(d.derefQuiet(pn), pp, "mount path %q must be absolute", m.Path)
	}
	return m
}

// volume checks a volume reference.
func (d *decoder) volume(n *yaml.Node, path, name string) {
	if d.known && name != "" && !d.volumes[name] {
		d.errorf(n, path, "unknown volume %q (want %s)", name, choices(sortedKeys(d.volumes)))
	}
}
