package scenarios

import (
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"gopkg.in/yaml.v3"
)

// Docker's healthcheck defaults, for the readiness timeout of a compose healthcheck.
const (
	dockerHealthInterval = 30 * time.Second
	dockerHealthTimeout  = 30 * time.Second
	dockerHealthRetries  = 3
)

// services maps the loaded project's services onto drill's.
func (c *composeWalk) services(root *yaml.Node, p *types.Project, base string) composed {
	out := composed{services: map[string]*Service{}, unset: map[string]map[string]*Error{}}
	for _, name := range sortedKeys(p.Services) {
		s := p.Services[name]
		m := composeService{c: c, root: root, name: name, path: "services." + name}
		kn := m.at(true)
		if !nameRE.MatchString(name) {
			c.errorf(kn, m.path, "bad service name %q (want lower-case letters, digits and dashes)", name)
		}
		svc := &Service{Pos: c.pos(kn), Name: name, Image: s.Image, Command: slices.Clone([]string(s.Command))}
		svc.Build = m.build(s.Build, base)
		svc.Env, out.unset[name] = m.env(s.Environment)
		svc.Ports = m.ports(s.Ports)
		svc.Volumes = m.mounts(s.Volumes, p.Volumes)
		svc.DependsOn = m.depends(s.DependsOn, p.Services)
		svc.Ready = m.health(s.HealthCheck)
		out.services[name] = svc
	}
	return out
}

// composeService maps one compose service, reporting at its nodes.
type composeService struct {
	c    *composeWalk
	root *yaml.Node
	name string
	path string
}

// at returns the node of the service at a sub-path (the key's node when key is true).
func (m composeService) at(key bool, segs ...string) *yaml.Node {
	return locate(m.root, key, append([]string{"services", m.name}, segs...)...)
}

// item returns the i-th element of list key when the loader kept the list's length, else the
// key's value.
func (m composeService) item(key string, i, n int) *yaml.Node {
	l := m.c.derefQuiet(m.at(false, key))
	if l != nil && l.Kind == yaml.SequenceNode && len(l.Content) == n && i < n {
		return l.Content[i]
	}
	return l
}

// member returns the element of a list or mapping under key that names name ("NAME",
// "NAME=value" or the key NAME), else the key's value.
func (m composeService) member(key, name string) *yaml.Node {
	l := m.c.derefQuiet(m.at(false, key))
	if l != nil && l.Kind == yaml.SequenceNode {
		for _, x := range l.Content {
			if x.Value == name || strings.HasPrefix(x.Value, name+"=") {
				return x
			}
		}
		return l
	}
	return m.at(false, key, name)
}

func (m composeService) errorf(n *yaml.Node, sub, format string, args ...any) {
	m.c.errorf(n, join(m.path, sub), format, args...)
}

func (m composeService) build(b *types.BuildConfig, base string) string {
	if b == nil {
		return ""
	}
	n := m.at(false, "build")
	if b.Dockerfile != "" && b.Dockerfile != "Dockerfile" {
		m.errorf(m.at(false, "build", "dockerfile"), "build.dockerfile", "dockerfile %q is not supported (drill builds the context's Dockerfile)", b.Dockerfile)
	}
	ctx, written := b.Context, b.Context
	if strings.Contains(ctx, "://") || strings.HasPrefix(ctx, "git@") {
		m.errorf(n, "build", "remote build context %q is not supported (drill builds a local directory, offline)", ctx)
		return ""
	}
	switch {
	case ctx == "" || filepath.IsAbs(ctx) || base == "":
	case strings.HasPrefix(base, "/"):
		ctx = filepath.Join(base, ctx)
	default:
		ctx = path.Join(base, ctx)
	}
	if msg := buildFolder(ctx, written, m.c.builtin); msg != "" {
		m.errorf(n, "build", "%s", msg)
	}
	return ctx
}

// env maps the environment; a variable listed without a value is not set, and returned with
// the error that reports it unless the stack's services give it.
func (m composeService) env(e types.MappingWithEquals) (map[string]EnvValue, map[string]*Error) {
	if len(e) == 0 {
		return nil, nil
	}
	out, unset := map[string]EnvValue{}, map[string]*Error{}
	for _, k := range sortedKeys(e) {
		if e[k] == nil {
			unset[k] = &Error{Pos: m.c.pos(m.member("environment", k)), Path: m.path + ".environment",
				Msg: fmt.Sprintf("variable %s has no value (compose would take it from the machine's environment; drill does not): write %s=value, or give it in the stack's services.%s.env", k, k, m.name)}
			continue
		}
		out[k] = EnvValue{Value: *e[k]}
	}
	return out, unset
}

// maxComposePorts is the most container ports a compose service may give (a range expands to
// one per port, and drill publishes each on the host).
const maxComposePorts = 100

// ports keeps the container ports; published host ports and host IPs are ignored (drill
// publishes every port on a free localhost port of its own choosing).
func (m composeService) ports(ps []types.ServicePortConfig) []int {
	var out []int
	seen := map[uint32]bool{}
	for i, p := range ps {
		if p.Protocol != "" && p.Protocol != "tcp" {
			m.errorf(m.item("ports", i, len(ps)), fmt.Sprintf("ports[%d]", i), "port %d/%s is not supported (drill reaches tcp ports)", p.Target, p.Protocol)
			continue
		}
		if !seen[p.Target] {
			seen[p.Target] = true
			out = append(out, int(p.Target))
		}
	}
	if len(out) > maxComposePorts {
		m.errorf(m.at(false, "ports"), "ports", "%d container ports (drill publishes each on the host: at most %d)", len(out), maxComposePorts)
		return nil
	}
	return out
}

func (m composeService) mounts(vs []types.ServiceVolumeConfig, declared types.Volumes) map[string]Mount {
	if len(vs) == 0 {
		return nil
	}
	out := map[string]Mount{}
	for i, v := range vs {
		n, sub := m.item("volumes", i, len(vs)), fmt.Sprintf("volumes[%d]", i)
		switch {
		case v.Type == types.VolumeTypeBind:
			m.errorf(n, sub, "bind mount %s:%s is not supported (drill mounts named volumes, created per run: put the files in the image, or use a named volume)", v.Source, v.Target)
		case v.Type != types.VolumeTypeVolume:
			m.errorf(n, sub, "%s mount at %s is not supported (drill mounts named volumes)", v.Type, v.Target)
		case v.Source == "":
			m.errorf(n, sub, "anonymous volume at %s is not supported (name it, NAME:%s, and declare NAME under volumes)", v.Target, v.Target)
		case !nameRE.MatchString(v.Source):
			m.errorf(n, sub, "bad volume name %q (want lower-case letters, digits and dashes)", v.Source)
		case declared[v.Source].Name == "":
			m.errorf(n, sub, "volume %q is not declared under the top-level volumes (want %s)", v.Source, choices(sortedKeys(declared)))
		default:
			if _, dup := out[v.Source]; dup {
				m.errorf(n, sub, "volume %q is mounted twice (drill mounts a volume once per service)", v.Source)
				continue
			}
			mt := Mount{Path: v.Target, ReadOnly: v.ReadOnly}
			if v.Volume != nil {
				mt.NoCopy = v.Volume.NoCopy
			}
			out[v.Source] = mt
		}
	}
	return out
}

// depends maps depends_on: drill starts a service once every dependency is ready, which is
// service_healthy (and more than service_started).
func (m composeService) depends(ds types.DependsOnConfig, all types.Services) []string {
	var out []string
	for _, name := range sortedKeys(ds) {
		d := ds[name]
		sub := "depends_on." + name
		if _, ok := all[name]; !ok {
			m.errorf(m.member("depends_on", name), sub, "unknown service %q (want %s)", name, choices(sortedKeys(all)))
		}
		switch d.Condition {
		case "", types.ServiceConditionStarted, types.ServiceConditionHealthy:
		default:
			m.errorf(m.at(false, "depends_on", name, "condition"), sub+".condition", "condition %q is not supported (want %s or %s: drill starts a service once its dependencies are ready)",
				d.Condition, types.ServiceConditionStarted, types.ServiceConditionHealthy)
		}
		if d.Restart {
			m.errorf(m.at(false, "depends_on", name, "restart"), sub+".restart", "restart: true is not supported (drill restarts services only in steps)")
		}
		if !d.Required {
			m.errorf(m.at(false, "depends_on", name, "required"), sub+".required", "required: false is not supported (drill starts every service)")
		}
		out = append(out, name)
	}
	return out
}

// health maps a healthcheck onto an exec readiness probe: test CMD runs as given, CMD-SHELL
// with /bin/sh -c; the probe runs every start_interval, else interval, else drill's 250ms, and
// gives up after start_period + retries × (interval + timeout), Docker's own budget before it
// calls a container unhealthy (its defaults for what is not given), and never before 60s.
func (m composeService) health(h *types.HealthCheckConfig) *Ready {
	if h == nil || h.Disable || len(h.Test) > 0 && h.Test[0] == "NONE" {
		return nil
	}
	n := m.at(false, "healthcheck", "test")
	var cmd []string
	switch {
	case len(h.Test) == 0:
		m.errorf(m.at(false, "healthcheck"), "healthcheck", "healthcheck without test is not supported (drill cannot run the image's own HEALTHCHECK: give test)")
		return nil
	case h.Test[0] == "CMD":
		cmd = slices.Clone(h.Test[1:])
	case h.Test[0] == "CMD-SHELL":
		cmd = []string{"/bin/sh", "-c", strings.Join(h.Test[1:], " ")}
	default:
		m.errorf(n, "healthcheck.test", "test must begin with CMD, CMD-SHELL or NONE, got %q", h.Test[0])
		return nil
	}
	if len(cmd) == 0 || cmd[0] == "" {
		m.errorf(n, "healthcheck.test", "empty test")
		return nil
	}
	for i, a := range cmd {
		cmd[i] = literal(a)
	}
	r := &Ready{Probe: Probe{Pos: m.c.pos(n), Exec: &ExecCall{Service: m.name, Command: cmd}}, Interval: defaultReadyInterval}
	interval, timeout, retries, start := dockerHealthInterval, dockerHealthTimeout, uint64(dockerHealthRetries), time.Duration(0)
	if h.Interval != nil && *h.Interval > 0 {
		interval = time.Duration(*h.Interval)
		r.Interval = interval
	}
	if h.StartInterval != nil && *h.StartInterval > 0 {
		r.Interval = time.Duration(*h.StartInterval)
	}
	if h.Timeout != nil && *h.Timeout > 0 {
		timeout = time.Duration(*h.Timeout)
	}
	if h.Retries != nil {
		retries = *h.Retries
	}
	if h.StartPeriod != nil {
		start = time.Duration(*h.StartPeriod)
	}
	r.Timeout = max(start+time.Duration(retries)*(interval+timeout), defaultReadyTimeout)
	return r
}

// literal escapes a string for drill's templates, so that a compose command containing {{
// (a docker inspect format, say) reaches the container as written.
func literal(s string) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	return strings.ReplaceAll(s, "{{", `{{"{{"}}`)
}
