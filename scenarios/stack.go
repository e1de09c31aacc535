package scenarios

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Defaults of the language, as the reference documents them.
const (
	defaultReadyTimeout    = 60 * time.Second
	defaultReadyInterval   = 250 * time.Millisecond
	defaultWaitTimeout     = 60 * time.Second
	defaultWaitInterval    = 500 * time.Millisecond
	defaultProbeInterval   = time.Second
	defaultCanaryInterval  = 250 * time.Millisecond
	defaultSettle          = 3
	defaultGrace           = 30 * time.Second
	defaultRecoveryTimeout = 10 * time.Minute
)

// APIVersion is the only apiVersion drill reads.
const APIVersion = "drill/v1"

var stackKeys = []string{"apiVersion", "kind", "name", "description", "compose", "services", "tenants", "protect", "products", "links", "actions"}

// decodeStack decodes a Stack document. The returned stack is nil only when the document is
// too broken to describe one.
func decodeStack(w *walker, root *yaml.Node, src *source, o *options) *Stack {
	f, ok := w.mapping(root, "", stackKeys...)
	if !ok {
		return nil
	}
	w.require(f, "apiVersion", "kind", "name", "tenants")
	if !f.has("compose") {
		w.require(f, "services")
	}
	st := &Stack{Pos: w.pos(f.node), Source: src.data, Dir: src.dir}
	header(w, f, &st.Name, &st.Description)
	d := &decoder{walker: w, known: true, services: map[string]*Service{}, volumes: map[string]bool{},
		actions: map[string]*Action{}, calls: map[string][]string{}}
	var base composed
	if v, p := f.get("compose"); v != nil {
		base = d.composeServices(v, p, st, src, o)
		if base.services == nil {
			d.known = false // the services are unknown: references to them are not checked
		}
	}
	if v, p := f.get("services"); v != nil || f.has("compose") {
		d.servicesOf(v, p, st, src, base)
	}
	if v, p := f.get("actions"); v != nil {
		d.actionsOf(v, p, st)
	}
	stackPlace := stepPlace{}
	if v, p := f.get("tenants"); v != nil {
		d.tenants(v, p, st)
	}
	if v, p := f.get("protect"); v != nil {
		st.Protect = d.steps(v, p, stackPlace)
	}
	if v, p := f.get("products"); v != nil {
		d.products(v, p, st)
	}
	if v, p := f.get("links"); v != nil {
		d.links(v, p, st)
	}
	d.actionCycles(st)
	st.templates = w.tmpls
	return st
}

// header decodes apiVersion, kind, name and description.
func header(w *walker, f fields, name, desc *string) {
	if v, p := f.get("apiVersion"); v != nil {
		if s := w.str(v, p); s != "" && s != APIVersion {
			w.errorf(w.derefQuiet(v), p, "unknown apiVersion %q (want %s)", s, APIVersion)
		}
	}
	if v, p := f.get("name"); v != nil {
		*name = w.name(v, p)
	}
	if v, p := f.get("description"); v != nil {
		*desc = w.str(v, p)
	}
}

// servicesOf decodes the services of a stack. base holds the services of its compose file
// (none without one): an entry of the same name overrides its keys, a new name adds a service.
func (d *decoder) servicesOf(n *yaml.Node, path string, st *Stack, src *source, compose composed) {
	base := compose.services
	var es []entry
	if n != nil {
		var ok bool
		if es, ok = d.entries(n, path); !ok {
			return
		}
		if len(es) == 0 && base == nil && d.known {
			d.errorf(d.derefQuiet(n), path, "want at least one service")
		}
	}
	st.Services = map[string]*Service{}
	for name, s := range base {
		st.Services[name] = s
	}
	later := map[string]fields{}
	for _, e := range es {
		if !nameRE.MatchString(e.key) {
			d.errorf(e.kn, e.path, "bad service name %q (want lower-case letters, digits and dashes)", e.key)
		}
		if s := d.serviceDef(e, src, later, base[e.key]); s != nil {
			st.Services[e.key] = s
		}
	}
	for _, name := range sortedKeys(st.Services) {
		s := st.Services[name]
		if s.Image == "" && base[name] != nil && (later[name].node == nil || !later[name].has("image")) {
			d.errs = append(d.errs, &Error{Pos: s.Pos, Path: "services." + name,
				Msg: "compose service has no image: drill runs an image by name (and builds it from build: when absent); give image in the compose file or in the stack's services"})
		}
		for _, k := range sortedKeys(compose.unset[name]) {
			if _, given := s.Env[k]; !given {
				d.errs = append(d.errs, compose.unset[name][k])
			}
		}
		d.services[name] = s
		for v := range s.Volumes {
			d.volumes[v] = true
		}
		d.sqlPort(later[name], s)
	}
	// Readiness and depends-on need every service's name and ports.
	for _, e := range es {
		s := st.Services[e.key]
		if s == nil {
			continue
		}
		f := later[e.key]
		if dn, p := f.get("depends-on"); dn != nil {
			s.DependsOn = d.strList(dn, p, nil)
			if l := d.derefQuiet(dn); l.Kind == yaml.SequenceNode {
				for i, dep := range s.DependsOn {
					d.service(d.derefQuiet(l.Content[i]), index(p, i), dep)
				}
			}
		}
		if v, p := f.get("ready"); v != nil {
			s.Ready = d.ready(v, p, e.key)
		}
	}
	st.Order = d.order(st, es)
}

var serviceKeys = []string{"image", "build", "command", "env", "ports", "volumes", "depends-on", "sql", "ready"}

// serviceDef decodes a service except its readiness probe and dependencies. Over a compose
// service (base not nil) the keys given replace the compose service's, except env and volumes,
// whose entries are merged over its own.
func (d *decoder) serviceDef(e entry, src *source, later map[string]fields, base *Service) *Service {
	f, ok := d.mapping(e.val, e.path, serviceKeys...)
	if !ok {
		return base
	}
	later[e.key] = f
	s := &Service{Pos: d.pos(e.kn), Name: e.key}
	if base != nil {
		s = base.clone()
	} else if d.known { // unknown: its compose file could not be read, and may have given it
		d.require(f, "image")
	}
	if v, p := f.get("image"); v != nil {
		s.Image = d.str(v, p)
	}
	if v, p := f.get("build"); v != nil {
		s.Build = d.str(v, p)
		written := s.Build
		if s.Build != "" && src.dir != "" && !filepath.IsAbs(s.Build) {
			s.Build = filepath.Join(src.dir, s.Build)
		}
		if msg := buildFolder(s.Build, written, src.builtin); msg != "" {
			d.errorf(d.derefQuiet(v), p, "%s", msg)
		}
	}
	if v, p := f.get("command"); v != nil {
		s.Command = d.command(v, p, nil)
	}
	if v, p := f.get("env"); v != nil {
		s.Env = merged(s.Env, d.env(v, p))
	}
	if v, p := f.get("ports"); v != nil {
		s.Ports = d.ports(v, p)
	}
	if v, p := f.get("volumes"); v != nil {
		s.Volumes = merged(s.Volumes, d.volumeMounts(v, p, false))
	}
	if v, p := f.get("sql"); v != nil {
		s.SQL = d.sqlConn(v, p, s)
	}
	return s
}

// clone copies a service deeply enough for its fields to be replaced or merged.
func (s *Service) clone() *Service {
	c := *s
	c.Command = slices.Clone(s.Command)
	c.Env = maps.Clone(s.Env)
	c.Ports = slices.Clone(s.Ports)
	c.Volumes = maps.Clone(s.Volumes)
	c.DependsOn = slices.Clone(s.DependsOn)
	return &c
}

// merged returns over's entries merged over base's (base is not changed).
func merged[V any](base, over map[string]V) map[string]V {
	if len(base) == 0 {
		return over
	}
	out := maps.Clone(base)
	maps.Copy(out, over)
	return out
}

// env decodes environment entries: a string, or {value, secret}.
func (d *decoder) env(n *yaml.Node, path string) map[string]EnvValue {
	es, ok := d.entries(n, path)
	if !ok {
		return nil
	}
	out := map[string]EnvValue{}
	for _, e := range es {
		if v := d.derefQuiet(e.val); v != nil && v.Kind == yaml.MappingNode {
			f, ok := d.mapping(e.val, e.path, "value", "secret")
			if !ok || !d.require(f, "value") {
				continue
			}
			ev := EnvValue{}
			vn, vp := f.get("value")
			ev.Value = d.str(vn, vp)
			if sn, sp := f.get("secret"); sn != nil {
				ev.Secret = d.boolean(sn, sp)
			}
			out[e.key] = ev
			continue
		}
		out[e.key] = EnvValue{Value: d.str(e.val, e.path)}
	}
	return out
}

func (d *decoder) ports(n *yaml.Node, path string) []int {
	n = d.deref(n)
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, path, "want a list of ports, got %s", describe(n))
		return nil
	}
	var out []int
	for i, c := range n.Content {
		p := d.integer(c, index(path, i), 1)
		if p > 65535 {
			d.errorf(d.derefQuiet(c), index(path, i), "port %d is out of range (1-65535)", p)
		}
		if slices.Contains(out, p) {
			d.errorf(d.derefQuiet(c), index(path, i), "duplicate port %d", p)
		}
		out = append(out, p)
	}
	return out
}

func (d *decoder) sqlConn(n *yaml.Node, path string, s *Service) *SQLConn {
	f, ok := d.mapping(n, path, "driver", "port", "user", "password", "database")
	if !ok {
		return nil
	}
	d.require(f, "port", "user")
	c := &SQLConn{Driver: DriverPostgres}
	if v, p := f.get("driver"); v != nil {
		c.Driver = d.str(v, p)
		if c.Driver != "" && !contains(SQLDrivers, c.Driver) {
			d.errorf(d.derefQuiet(v), p, "unknown sql driver %q (want %s)", c.Driver, strings.Join(SQLDrivers, ", "))
		}
	}
	if v, p := f.get("port"); v != nil {
		c.Port = d.integer(v, p, 1)
	}
	if v, p := f.get("user"); v != nil {
		c.User = d.str(v, p)
	}
	if v, p := f.get("password"); v != nil {
		c.Password = d.str(v, p)
	}
	if v, p := f.get("database"); v != nil {
		c.Database = d.str(v, p)
	}
	return c
}

func (d *decoder) ready(n *yaml.Node, path, service string) *Ready {
	f, ok := d.mapping(n, path, "http", "sql", "log", "exec", "timeout", "interval")
	if !ok {
		return nil
	}
	r := &Ready{}
	d.probe(f, &r.Probe, tmplCtx{}, probeOpts{defService: service, log: true, short: true})
	r.Timeout, r.Interval = d.pollTimes(f, defaultReadyTimeout, defaultReadyInterval)
	return r
}

// pollTimes decodes timeout and interval with their defaults; both must be more than zero.
func (d *decoder) pollTimes(f fields, defTimeout, defInterval time.Duration) (timeout, interval time.Duration) {
	timeout, interval = defTimeout, defInterval
	for _, k := range []string{"timeout", "interval"} {
		v, p := f.get(k)
		if v == nil {
			continue
		}
		t := d.duration(v, p)
		if !t.ok {
			continue
		}
		if t.v == 0 {
			d.errorf(t.node, p, "must be more than 0s")
		}
		if k == "timeout" {
			timeout = t.v
		} else {
			interval = t.v
		}
	}
	return timeout, interval
}

// order sorts services so that dependencies come first, by levels, names sorted within a
// level, and reports dependency cycles.
func (d *decoder) order(st *Stack, es []entry) []string {
	level := map[string]int{}
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(name string, stack []string) int
	visit = func(name string, stack []string) int {
		switch state[name] {
		case 2:
			return level[name]
		case 1:
			i := slices.Index(stack, name)
			cycle := append(slices.Clone(stack[i:]), name)
			s := st.Services[cycle[0]]
			d.errs = append(d.errs, &Error{Pos: s.Pos, Path: "services." + cycle[0] + ".depends-on",
				Msg: "dependency cycle " + strings.Join(cycle, " -> ")})
			return 0
		}
		state[name] = 1
		l := 0
		for _, dep := range st.Services[name].DependsOn {
			if _, ok := st.Services[dep]; ok {
				l = max(l, visit(dep, append(stack, name))+1)
			}
		}
		state[name], level[name] = 2, l
		return l
	}
	names := sortedKeys(st.Services)
	for _, n := range names {
		visit(n, nil)
	}
	sort.SliceStable(names, func(i, j int) bool { return level[names[i]] < level[names[j]] })
	return names
}

// sqlPort checks that a service's sql port is one of its ports: drill connects from the host,
// through the port Docker publishes, and publishes only the ports listed. A service whose
// compose file could not be read (d.known false) may have had them there: not checked.
func (d *decoder) sqlPort(f fields, s *Service) {
	sn, p := f.get("sql")
	if sn == nil || !d.known || s.SQL == nil || s.SQL.Port == 0 || slices.Contains(s.Ports, s.SQL.Port) {
		return
	}
	n := d.derefQuiet(sn)
	for i := 0; n != nil && i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "port" {
			n = d.derefQuiet(n.Content[i+1])
			break
		}
	}
	d.errorf(n, join(p, "port"), "sql port %d is not one of service %q's ports (%s): drill connects through a published port, so list it in ports", s.SQL.Port, s.Name, intList(s.Ports))
}

// buildFolder says what is wrong with the build context dir, written as the file wrote it (a
// folder that does not exist, or a file), or "" when it is a folder; a built-in's context is
// not on disk and not checked.
func buildFolder(dir, written string, builtin bool) string {
	if dir == "" || builtin {
		return ""
	}
	fi, err := os.Stat(dir)
	switch {
	case err != nil:
		return fmt.Sprintf("build folder %s does not exist (a build context is a folder, relative to the file that names it)", written)
	case !fi.IsDir():
		return fmt.Sprintf("build folder %s is a file, not a folder (drill builds the folder's Dockerfile)", written)
	}
	return ""
}
