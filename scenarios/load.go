package scenarios

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	drill "github.com/drill-dev/drill"
)

// Option configures loading.
type Option func(*options)

type options struct {
	lookupEnv func(string) (string, bool)
	catalog   fs.FS
}

// WithEnv sets where ${VAR} takes its values; the default is os.LookupEnv.
func WithEnv(lookup func(string) (string, bool)) Option {
	return func(o *options) { o.lookupEnv = lookup }
}

// WithCatalog sets the built-in files (laid out as scenarios/NAME.yaml and
// stacks/NAME/stack.yaml); the default is the catalogue embedded in drill.
func WithCatalog(fsys fs.FS) Option {
	return func(o *options) { o.catalog = fsys }
}

func newOptions(opts []Option) *options {
	o := &options{lookupEnv: os.LookupEnv, catalog: drill.Catalog()}
	for _, f := range opts {
		f(o)
	}
	return o
}

// Load loads and validates a scenario: ref is a file path, or the name of a built-in scenario.
// Its stack is resolved (a built-in name, or a path relative to the scenario file) and the
// scenario's overrides are applied to a copy of the stack's services. Every problem is
// reported at once as Errors, sorted by position; errors.Is(err, ErrInvalid) holds for them.
func Load(ref string, opts ...Option) (*Scenario, error) {
	doc, err := LoadDocument(ref, opts...)
	if err != nil {
		return nil, err
	}
	if doc.Scenario == nil {
		return nil, Errors{{Pos: doc.Stack.Pos, Msg: "is a Stack, not a Scenario"}}
	}
	return doc.Scenario, nil
}

// LoadStack loads and validates a stack: ref is a file path or the name of a built-in stack.
func LoadStack(ref string, opts ...Option) (*Stack, error) {
	doc, err := LoadDocument(ref, opts...)
	if err != nil {
		return nil, err
	}
	if doc.Stack == nil {
		return nil, Errors{{Pos: doc.Scenario.Pos, Msg: "is a Scenario, not a Stack"}}
	}
	return doc.Stack, nil
}

// LoadDocument loads and validates a file of either kind. A ref that is not a file on disk and
// has no slash or .yaml suffix names a built-in: first a scenario, then a stack.
func LoadDocument(ref string, opts ...Option) (*Document, error) {
	o := newOptions(opts)
	src, err := open(ref, o)
	if err != nil {
		return nil, err
	}
	return load(src, o)
}

// LoadBytes loads and validates a file of either kind from memory; name stands for its path
// in messages and for resolving a relative stack reference. Data larger than MaxFileSize is
// refused.
func LoadBytes(name string, data []byte, opts ...Option) (*Document, error) {
	o := newOptions(opts)
	if len(data) > MaxFileSize {
		return nil, Errors{{Pos: Pos{File: name}, Msg: fmt.Sprintf("file is larger than %d MiB, the limit for scenario and stack files", MaxFileSize>>20)}}
	}
	dir, err := filepath.Abs(filepath.Dir(name))
	if err != nil {
		dir = filepath.Dir(name)
	}
	return load(&source{name: name, dir: dir, data: data}, o)
}

// open finds ref on disk or in the catalogue.
func open(ref string, o *options) (*source, error) {
	if isPath(ref) {
		return readFile(ref)
	}
	if _, err := os.Stat(ref); err == nil {
		return readFile(ref)
	}
	for _, p := range []string{"scenarios/" + ref + ".yaml", "stacks/" + ref + "/stack.yaml"} {
		if _, err := fs.Stat(o.catalog, p); err == nil {
			return readBuiltin(o.catalog, p)
		}
	}
	return nil, Errors{{Pos: Pos{File: ref}, Msg: fmt.Sprintf("no such file, and no built-in scenario or stack of that name (built-ins: %s)",
		strings.Join(append(Builtins(o.catalog, "Scenario"), Builtins(o.catalog, "Stack")...), ", "))}}
}

// isPath says whether ref must be a path rather than a built-in name.
func isPath(ref string) bool {
	return strings.ContainsAny(ref, `/\`) || strings.HasSuffix(ref, ".yaml") || strings.HasSuffix(ref, ".yml")
}

// Builtins lists the names of the built-in files of one kind ("Scenario" or "Stack"), sorted.
func Builtins(catalog fs.FS, kind string) []string {
	if catalog == nil {
		catalog = drill.Catalog()
	}
	var out []string
	if kind == "Stack" {
		ms, _ := fs.Glob(catalog, "stacks/*/stack.yaml")
		for _, m := range ms {
			out = append(out, path.Base(path.Dir(m)))
		}
	} else {
		ms, _ := fs.Glob(catalog, "scenarios/*.yaml")
		for _, m := range ms {
			out = append(out, strings.TrimSuffix(path.Base(m), ".yaml"))
		}
	}
	slices.Sort(out)
	return out
}

// load parses and decodes one source of either kind.
func load(src *source, o *options) (*Document, error) {
	root, err := parseSource(src)
	if err != nil {
		return nil, err
	}
	w := &walker{file: src.name, env: o.lookupEnv}
	if root.Kind != yaml.MappingNode {
		w.errorf(root, "", "want a mapping with apiVersion: %s and kind: Scenario or Stack, got %s", APIVersion, describe(root))
		return nil, w.errs
	}
	kind := kindOf(w, root)
	doc := &Document{Kind: kind}
	switch kind {
	case "Stack":
		doc.Stack = decodeStack(w, root, src, o)
		if doc.Stack != nil {
			doc.Stack.File = src.name
		}
		w.errs = append(w.errs, checkTemplates(w.tmpls, nil, "")...)
		w.warns = append(w.warns, sqlWarnings(w.tmpls)...)
	case "Scenario":
		doc.Scenario = loadScenario(w, root, src, o)
	default:
		return nil, w.errs.sort()
	}
	if len(w.errs) > 0 {
		return nil, w.errs.sort().capped(maxErrors)
	}
	doc.Warnings = w.warns.sort()
	return doc, nil
}

// kindOf reads the kind key, reporting a missing or unknown one.
func kindOf(w *walker, root *yaml.Node) string {
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "kind" {
			continue
		}
		v := w.derefQuiet(root.Content[i+1])
		if v.Kind == yaml.ScalarNode && (v.Value == "Scenario" || v.Value == "Stack") {
			return v.Value
		}
		w.errorf(v, "kind", "unknown kind %s (want Scenario or Stack)", describe(v))
		return ""
	}
	w.errorf(root, "", "missing required key %q (want Scenario or Stack)", "kind")
	return ""
}

// loadScenario decodes a scenario and its stack; the stack's errors join the scenario's.
func loadScenario(w *walker, root *yaml.Node, src *source, o *options) *Scenario {
	f, ok := w.mapping(root, "", scenarioKeys...)
	if !ok {
		return nil
	}
	w.require(f, "apiVersion", "kind", "name", "stack", "sizes", "inject", "recover")
	var st *Stack
	if v, p := f.get("stack"); v != nil {
		st = w.stackRef(v, p, src, o)
	}
	sc := decodeScenario(w, f, src, st)
	if v, _ := f.get("stack"); v != nil {
		sc.StackRef = w.derefQuiet(v).Value
	}
	w.errs = append(w.errs, checkTemplates(w.tmpls, sc.Sizes, "")...)
	w.warns = append(w.warns, sqlWarnings(w.tmpls)...)
	if st != nil {
		w.warns = append(w.warns, sqlWarnings(st.templates)...)
		// The stack's own templates name size parameters that this scenario must have.
		w.errs = append(w.errs, checkTemplates(st.templates, sc.Sizes, src.name)...)
		sc.Stack = st.withOverrides(sc.Overrides, sc.Protect)
	}
	return sc
}

// stackRef loads the stack a scenario names; it returns nil (with errors recorded) when the
// stack cannot be loaded.
func (w *walker) stackRef(n *yaml.Node, path string, src *source, o *options) *Stack {
	ref := w.str(n, path)
	if ref == "" {
		return nil
	}
	pos := w.pos(w.derefQuiet(n))
	var s *source
	var err error
	switch {
	case isPath(ref):
		p := src.resolve(ref)
		if src.builtin {
			s, err = readBuiltin(o.catalog, p)
		} else {
			s, err = readFile(p)
		}
	default:
		p := "stacks/" + ref + "/stack.yaml"
		if _, e := fs.Stat(o.catalog, p); e != nil {
			w.errs = append(w.errs, &Error{Pos: pos, Path: path, Msg: fmt.Sprintf("unknown built-in stack %q (want %s, or a path to a stack file)",
				ref, choices(Builtins(o.catalog, "Stack")))})
			return nil
		}
		s, err = readBuiltin(o.catalog, p)
	}
	if err != nil {
		w.errs = append(w.errs, &Error{Pos: pos, Path: path, Msg: "stack " + trimFileError(err)})
		return nil
	}
	doc, err := load(s, o)
	if err != nil {
		var es Errors
		if errors.As(err, &es) {
			w.errs = append(w.errs, es...)
		}
		return nil
	}
	if doc.Stack == nil {
		w.errs = append(w.errs, &Error{Pos: pos, Path: path, Msg: fmt.Sprintf("%s is a Scenario, not a Stack", s.name)})
		return nil
	}
	return doc.Stack
}

func trimFileError(err error) string {
	var es Errors
	if errors.As(err, &es) && len(es) == 1 {
		return es[0].Pos.File + ": " + es[0].Msg
	}
	return err.Error()
}

// withOverrides returns a copy of the stack whose services carry the scenario's overrides
// (env entries merged, command replaced) and whose protect steps are the scenario's when it
// gives them. The original stack is not changed.
func (st *Stack) withOverrides(ov map[string]*Override, protect []*Step) *Stack {
	c := *st
	c.Services = make(map[string]*Service, len(st.Services))
	for name, s := range st.Services {
		cs := *s
		cs.Env = maps.Clone(s.Env)
		cs.Command = slices.Clone(s.Command)
		if o := ov[name]; o != nil {
			if len(o.Env) > 0 && cs.Env == nil {
				cs.Env = map[string]EnvValue{}
			}
			maps.Copy(cs.Env, o.Env)
			if o.Command != nil {
				cs.Command = slices.Clone(o.Command)
			}
		}
		c.Services[name] = &cs
	}
	if protect != nil {
		c.Protect = protect
	}
	return &c
}
