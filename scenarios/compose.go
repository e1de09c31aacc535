package scenarios

import (
	"context"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/template"
	"github.com/compose-spec/compose-go/v2/types"
	"gopkg.in/yaml.v3"
)

// composed is what a compose file gives a stack: its services in drill's terms, and the
// environment variables each service lists without a value, which the stack's own services
// must give (else the error is reported).
type composed struct {
	services map[string]*Service
	unset    map[string]map[string]*Error // service -> variable -> its error
}

// composeServices reads the compose file a stack names (compose: PATH, relative to the stack
// file; in the catalogue for a built-in) with the reference compose loader and returns its
// services. Every problem is recorded at the compose file's positions; services is nil when
// there is nothing to use.
func (d *decoder) composeServices(n *yaml.Node, p string, st *Stack, src *source, o *options) composed {
	ref := d.str(n, p)
	if ref == "" {
		return composed{}
	}
	file := src.resolve(ref)
	var cs *source
	var err error
	if src.builtin {
		cs, err = readBuiltin(o.catalog, file)
	} else {
		cs, err = readFile(file)
	}
	if err != nil {
		d.errorf(d.derefQuiet(n), p, "compose file %s", trimFileError(err))
		return composed{}
	}
	st.Compose, st.ComposeSource = cs.name, cs.data
	root, err := parseSource(cs)
	if err != nil {
		var es Errors
		if errors.As(err, &es) {
			d.errs = append(d.errs, es...)
		}
		return composed{}
	}
	c := &composeWalk{walker: &walker{file: cs.name, env: d.walker.env}, lookup: d.walker.env,
		missing: map[string]bool{}, seen: map[*yaml.Node]bool{}, builtin: src.builtin}
	defer func() { d.errs = append(d.errs, c.errs...) }()
	c.check(root)
	if c.broken {
		return composed{}
	}
	proj, err := c.load(root, cs)
	if err != nil {
		c.loaderError(root, err)
		return composed{}
	}
	return c.services(root, proj, contextBase(src, cs, ref))
}

// contextBase is what a relative build context is joined to: the compose file's directory on
// disk, or for a built-in its directory relative to the stack file's.
func contextBase(src, cs *source, ref string) string {
	if src.builtin {
		return path.Dir(ref)
	}
	return cs.dir
}

// load runs the compose loader on the checked tree: no include, no extends (both refused
// above), no paths resolved against the machine, interpolation as composeSubstitute says, and
// no environment but drill's for it (no .env file).
func (c *composeWalk) load(root *yaml.Node, cs *source) (p *types.Project, err error) {
	defer func() {
		if r := recover(); r != nil { // a file the loader cannot handle must not end drill
			p, err = nil, fmt.Errorf("the compose loader failed on this file: %v", r)
		}
	}()
	var m map[string]any
	if err := root.Decode(&m); err != nil {
		return nil, err
	}
	// Both are ignored: drill names its own resources per run, and version is obsolete (the
	// loader would log a warning for it).
	delete(m, "version")
	delete(m, "name")
	lookup := func(k string) (string, bool) {
		if c.missing[k] {
			return "", true // reported at its position already
		}
		return c.lookup(k)
	}
	dir := cs.dir
	if dir == "" {
		dir = "."
	}
	return loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  dir,
		ConfigFiles: []types.ConfigFile{{Filename: cs.name, Config: m}},
		Environment: types.Mapping{},
	}, func(o *loader.Options) {
		o.SetProjectName("drill", true)
		o.ResolvePaths = false
		o.SkipInclude = true
		o.SkipExtends = true
		o.SkipConsistencyCheck = true // its checks stop at the first problem: services checks them
		o.Interpolate.LookupValue = lookup
		o.Interpolate.Substitute = func(s string, m template.Mapping) (string, error) { return composeSubstitute(s, m) }
	})
}

// lineRE finds the line a YAML decoding error names ("line 8: mapping key ...").
var lineRE = regexp.MustCompile(`\bline (\d+):`)

// composePathRE finds the first model path a loader message names ("services.db.ports").
var composePathRE = regexp.MustCompile(`\b(services|volumes)((\.|\[)[A-Za-z0-9_.\-\[\]]+)?`)

// loaderError records an error of the compose loader, on one line, at the place its message
// names: a model path ("services.db.ports"), else a line, else the value it quotes last ("invalid
// containerPort: abc"), else the file's start.
func (c *composeWalk) loaderError(root *yaml.Node, err error) {
	msg := strings.Join(strings.Fields(strings.TrimPrefix(err.Error(), "validating "+c.walker.file+": ")), " ")
	at := root
	if m := composePathRE.FindString(msg); m != "" {
		segs := strings.FieldsFunc(strings.ReplaceAll(m, "]", ""), func(r rune) bool { return r == '.' || r == '[' })
		at = locate(root, false, segs...)
	} else if l := lineRE.FindStringSubmatch(msg); l != nil {
		line, _ := strconv.Atoi(l[1])
		at = &yaml.Node{Line: line}
	} else if i := strings.LastIndex(msg, ": "); i >= 0 {
		if n := findScalar(root, strings.Trim(msg[i+2:], `"'`)); n != nil {
			at = n
		}
	}
	c.errorf(at, "", "compose: %s", msg)
}

// findScalar returns the first scalar of the tree, in file order, whose value is v.
func findScalar(n *yaml.Node, v string) *yaml.Node {
	if n == nil || n.Kind == yaml.AliasNode || v == "" {
		return nil
	}
	if n.Kind == yaml.ScalarNode && n.Value == v {
		return n
	}
	for _, x := range n.Content {
		if f := findScalar(x, v); f != nil {
			return f
		}
	}
	return nil
}
