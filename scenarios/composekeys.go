package scenarios

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/template"
	"gopkg.in/yaml.v3"
)

// The compose keys drill reads, per place in a compose file. Every other key is reported at
// its position and removed before the compose loader sees the file, so that nothing is dropped
// silently; extension keys (x-*) are left alone, as compose itself leaves them.
var (
	composeTopKeys     = []string{"services", "volumes", "name", "version"}
	composeServiceKeys = []string{"image", "build", "command", "environment", "ports", "volumes", "depends_on", "healthcheck"}
	composeBuildKeys   = []string{"context", "dockerfile"}
	composeHealthKeys  = []string{"test", "interval", "timeout", "retries", "start_period", "start_interval", "disable"}
	composeDependKeys  = []string{"condition", "restart", "required"}
	composePortKeys    = []string{"target", "published", "host_ip", "protocol"}
	composeMountKeys   = []string{"type", "source", "target", "read_only", "volume"}
	composeNoCopyKeys  = []string{"nocopy"}
)

// composeWalk checks the raw node tree of a compose file: the keys drill reads (composeTopKeys
// and below), ${VAR} interpolation, and tags. It reports with the compose file's positions
// and prunes what it reported, so that the loader sees only what drill supports.
type composeWalk struct {
	*walker
	lookup  func(string) (string, bool)
	missing map[string]bool // variables reported unset
	seen    map[*yaml.Node]bool
	broken  bool // the file's shape is wrong: the loader would only repeat it
	builtin bool // the file is in the catalogue: its build contexts are not on disk
}

// keys returns the entries of mapping n that are in known (merge keys followed), reporting and
// removing every other key except extensions; why ends the message. A null is an empty mapping.
func (c *composeWalk) keys(n *yaml.Node, path string, known []string, why string) map[string]entry {
	n = c.deref(n)
	out := map[string]entry{}
	if n == nil || n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return out
	}
	if n.Kind != yaml.MappingNode {
		c.errorf(n, path, "want a mapping, got %s", describe(n))
		c.broken = true
		return out
	}
	kept := make([]*yaml.Node, 0, len(n.Content))
	first := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if f, dup := first[k.Value]; dup && k.Tag != "!!merge" {
			c.errorf(k, join(path, k.Value), "duplicate key %q (first at line %d)", k.Value, f.Line)
			c.broken = true
			continue
		}
		first[k.Value] = k
		if k.Tag == "!!merge" {
			kept = append(kept, k, v)
			for _, m := range mergeSources(c.derefQuiet(v)) {
				for key, e := range c.keys(m, path, known, why) {
					if _, ok := out[key]; !ok {
						out[key] = e
					}
				}
			}
			continue
		}
		p := join(path, k.Value)
		switch {
		case strings.HasPrefix(k.Value, "x-"):
			kept = append(kept, k, v)
		case contains(known, k.Value):
			kept = append(kept, k, v)
			out[k.Value] = entry{key: k.Value, kn: k, val: v, path: p}
		default:
			c.errorf(k, p, "compose key %q is not supported (%s)", k.Value, why)
		}
	}
	n.Content = kept
	return out
}

// mergeSources lists the mappings a merge key (<<) names: one alias or a list of them.
func mergeSources(v *yaml.Node) []*yaml.Node {
	if v == nil {
		return nil
	}
	if v.Kind == yaml.SequenceNode {
		return v.Content
	}
	return []*yaml.Node{v}
}

// items returns the elements of a list (nil when n is absent or not a list: the loader says so).
func (c *composeWalk) items(n *yaml.Node) []*yaml.Node {
	if n = c.deref(n); n != nil && n.Kind == yaml.SequenceNode {
		return n.Content
	}
	return nil
}

// check checks a whole compose file.
func (c *composeWalk) check(root *yaml.Node) {
	top := c.keys(root, "", composeTopKeys, "drill reads services and volumes; name and version are ignored")
	if _, ok := top["services"]; !ok && !c.broken {
		c.errorf(root, "", "missing required key %q", "services")
		c.broken = true
	}
	if e, ok := top["services"]; ok {
		ss := c.deref(e.val)
		if ss == nil || ss.Kind != yaml.MappingNode {
			c.errorf(c.derefQuiet(e.val), e.path, "want a mapping of services, got %s", describe(c.derefQuiet(e.val)))
			c.broken = true
		} else {
			for i := 0; i+1 < len(ss.Content); i += 2 {
				if ss.Content[i].Tag != "!!merge" && !strings.HasPrefix(ss.Content[i].Value, "x-") {
					c.service(ss.Content[i+1], join(e.path, ss.Content[i].Value))
				}
			}
		}
	}
	if e, ok := top["volumes"]; ok {
		c.volumes(e)
	}
	c.values(root, "")
}

// volumes checks the top-level volumes: declarations only, without options.
func (c *composeWalk) volumes(e entry) {
	vs := c.derefQuiet(e.val)
	if vs == nil || vs.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(vs.Content); i += 2 {
		k := vs.Content[i]
		if strings.HasPrefix(k.Value, "x-") {
			continue
		}
		c.keys(vs.Content[i+1], join(e.path, k.Value), nil, "drill creates each volume per run and removes it at teardown, with no options")
	}
}

// service checks one service's keys and the keys of its nested forms.
func (c *composeWalk) service(n *yaml.Node, path string) {
	f := c.keys(n, path, composeServiceKeys, "drill reads "+strings.Join(composeServiceKeys, ", "))
	if e, ok := f["build"]; ok && isMapping(c.derefQuiet(e.val)) {
		c.keys(e.val, e.path, composeBuildKeys, "drill builds the context's Dockerfile with no options")
	}
	if e, ok := f["healthcheck"]; ok {
		c.keys(e.val, e.path, composeHealthKeys, "drill reads "+strings.Join(composeHealthKeys, ", "))
	}
	if e, ok := f["depends_on"]; ok && isMapping(c.deref(e.val)) {
		ds := c.derefQuiet(e.val)
		for i := 0; i+1 < len(ds.Content); i += 2 {
			c.keys(ds.Content[i+1], join(e.path, ds.Content[i].Value), composeDependKeys, "drill reads "+strings.Join(composeDependKeys, ", "))
		}
	}
	if e, ok := f["ports"]; ok {
		for i, it := range c.items(e.val) {
			if isMapping(c.derefQuiet(it)) {
				c.keys(it, index(e.path, i), composePortKeys, "drill reads "+strings.Join(composePortKeys, ", "))
			} else if n := portRange(c.derefQuiet(it)); n > maxComposePorts {
				// Checked before the loader, which expands a range slowly.
				c.errorf(c.derefQuiet(it), index(e.path, i), "a range of %d container ports (drill publishes each on the host: at most %d)", n, maxComposePorts)
				c.broken = true
			}
		}
	}
	if e, ok := f["volumes"]; ok {
		for i, it := range c.items(e.val) {
			if !isMapping(c.derefQuiet(it)) {
				continue
			}
			m := c.keys(it, index(e.path, i), composeMountKeys, "drill mounts named volumes: "+strings.Join(composeMountKeys, ", "))
			if v, ok := m["volume"]; ok {
				c.keys(v.val, v.path, composeNoCopyKeys, "drill reads volume.nocopy")
			}
		}
	}
}

func isMapping(n *yaml.Node) bool { return n != nil && n.Kind == yaml.MappingNode }

// values checks every scalar value that is left: tags, and ${VAR} interpolation with drill's
// environment (a variable that is unset, with no default, is an error, as in drill's files).
func (c *composeWalk) values(n *yaml.Node, path string) {
	n = c.derefQuiet(n)
	if n == nil || c.seen[n] {
		return
	}
	c.seen[n] = true
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		c.errorf(n, path, "compose tag %s is not supported (it merges several compose files; drill reads one)", n.Tag)
		n.Tag = ""
		c.broken = true
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			c.values(n.Content[i+1], join(path, n.Content[i].Value))
		}
	case yaml.SequenceNode:
		for i, x := range n.Content {
			c.values(x, index(path, i))
		}
	case yaml.ScalarNode:
		if !strings.Contains(n.Value, "$") {
			return
		}
		if _, err := composeSubstitute(n.Value, c.lookup); err != nil {
			var u *unsetError
			if errors.As(err, &u) {
				c.missing[u.name] = true
			}
			c.errorf(n, path, "%v", err)
		}
	}
}

// unsetError is a ${VAR} whose variable is unset and has no default.
type unsetError struct{ name string }

func (e *unsetError) Error() string {
	return "environment variable " + e.name + " is not set (give a default: ${" + e.name + ":-value})"
}

// composeSubstitute interpolates s by compose's rules (${VAR}, $VAR, ${VAR:-default},
// ${VAR:?message}, $$ for a literal $) with values from lookup; unlike compose, which leaves a
// blank and logs a warning, an unset variable without a default is an error.
func composeSubstitute(s string, lookup func(string) (string, bool)) (string, error) {
	strict := func(sub string, m template.Mapping, cfg *template.Config) (string, error) {
		v, applied, err := template.DefaultReplacementAppliedFunc(sub, m, cfg)
		if err == nil && !applied {
			return "", &unsetError{name: varName(sub)}
		}
		return v, err
	}
	return template.SubstituteWithOptions(s, template.Mapping(lookup), template.WithoutLogging, template.WithReplacementFunction(strict))
}

// varName is the variable of "$NAME" or "${NAME...}".
func varName(sub string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(sub, "$"), "{")
	end := strings.IndexFunc(s, func(r rune) bool {
		return !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	})
	if end >= 0 {
		s = s[:end]
	}
	return s
}

// locate returns the node at a path of mapping keys and list indexes (merge keys followed),
// or the deepest node found on the way; key says whether to return the last key's node
// rather than its value.
func locate(root *yaml.Node, key bool, path ...string) *yaml.Node {
	n := root
	for i, seg := range path {
		for n != nil && n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		var next, kn *yaml.Node
		switch {
		case n == nil:
		case n.Kind == yaml.MappingNode:
			kn, next = lookupKey(n, seg)
		case n.Kind == yaml.SequenceNode:
			if j, err := strconv.Atoi(seg); err == nil && j >= 0 && j < len(n.Content) {
				next = n.Content[j]
			}
		}
		if next == nil {
			return n
		}
		if key && i == len(path)-1 && kn != nil {
			return kn
		}
		n = next
	}
	return n
}

// lookupKey finds key k in mapping n, explicit keys first, then those merged in.
func lookupKey(n *yaml.Node, k string) (kn, v *yaml.Node) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Tag != "!!merge" && n.Content[i].Value == k {
			return n.Content[i], n.Content[i+1]
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Tag != "!!merge" {
			continue
		}
		v := n.Content[i+1]
		for v != nil && v.Kind == yaml.AliasNode {
			v = v.Alias
		}
		for _, m := range mergeSources(v) {
			for m != nil && m.Kind == yaml.AliasNode {
				m = m.Alias
			}
			if m != nil && m.Kind == yaml.MappingNode {
				if kn, v := lookupKey(m, k); kn != nil {
					return kn, v
				}
			}
		}
	}
	return nil, nil
}

// portRangeRE is the container part of a short port syntax that is a range ("8000-9000").
var portRangeRE = regexp.MustCompile(`^(\d{1,5})-(\d{1,5})$`)

// portRange is the number of container ports a short port syntax names when it is a range,
// else 0.
func portRange(n *yaml.Node) int {
	if n == nil || n.Kind != yaml.ScalarNode {
		return 0
	}
	spec, _, _ := strings.Cut(n.Value, "/")
	spec = spec[strings.LastIndex(spec, ":")+1:]
	m := portRangeRE.FindStringSubmatch(spec)
	if m == nil {
		return 0
	}
	lo, _ := strconv.Atoi(m[1])
	hi, _ := strconv.Atoi(m[2])
	return hi - lo + 1
}
