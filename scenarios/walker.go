package scenarios

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// maxVisits bounds the nodes one load may visit, aliases counted at every use, so that an
// alias bomb ends in an error instead of exponential work.
const maxVisits = 1 << 20

// walker decodes yaml.Node trees into the types of this package, collecting every error with
// its position instead of stopping at the first.
type walker struct {
	file   string
	errs   Errors
	env    func(string) (string, bool)
	visits int
	bombed bool
	tmpls  []tmplRef
	warns  Errors
}

func (w *walker) pos(n *yaml.Node) Pos {
	if n == nil {
		return Pos{File: w.file}
	}
	return Pos{File: w.file, Line: n.Line, Col: n.Column}
}

func (w *walker) errorf(n *yaml.Node, path, format string, args ...any) {
	w.errs = append(w.errs, &Error{Pos: w.pos(n), Path: path, Msg: fmt.Sprintf(format, args...)})
}

// deref follows aliases and charges the visit budget; it returns nil once the budget is spent.
func (w *walker) deref(n *yaml.Node) *yaml.Node {
	if n == nil || w.bombed {
		return nil
	}
	for hops := 0; n.Kind == yaml.AliasNode; hops++ {
		if n.Alias == nil || hops > 100 {
			w.errorf(n, "", "unresolvable alias")
			return nil
		}
		n = n.Alias
	}
	w.visits++
	if w.visits > maxVisits {
		w.bombed = true
		w.errorf(n, "", "document expands to more than %d nodes (too many aliases?)", maxVisits)
		return nil
	}
	return n
}

// describe names a node's YAML type for "want X, got Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "null"
		}
		if len(n.Value) > 40 {
			return strconv.Quote(n.Value[:40] + "…")
		}
		return strconv.Quote(n.Value)
	}
	return "a document"
}

// entry is one key of a mapping, in file order.
type entry struct {
	key  string
	kn   *yaml.Node // the key, for positions
	val  *yaml.Node
	path string
}

// entries returns the keys of a mapping in file order, reporting duplicate and non-string keys.
// ok is false when n is not a mapping (reported).
func (w *walker) entries(n *yaml.Node, path string) ([]entry, bool) {
	n = w.deref(n)
	if n == nil {
		return nil, false
	}
	if n.Kind != yaml.MappingNode {
		w.errorf(n, path, "want a mapping, got %s", describe(n))
		return nil, false
	}
	seen := map[string]*yaml.Node{}
	var out []entry
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn := w.deref(n.Content[i])
		if kn == nil {
			return out, false
		}
		if kn.Tag == "!!merge" {
			w.errorf(kn, path, "merge keys (<<) are not supported; use an alias as a whole value")
			continue
		}
		if kn.Kind != yaml.ScalarNode {
			w.errorf(kn, path, "keys must be plain strings, got %s", describe(kn))
			continue
		}
		p := join(path, kn.Value)
		if first, dup := seen[kn.Value]; dup {
			w.errorf(kn, p, "duplicate key %q (first at line %d)", kn.Value, first.Line)
			continue
		}
		seen[kn.Value] = kn
		out = append(out, entry{key: kn.Value, kn: kn, val: n.Content[i+1], path: p})
	}
	return out, true
}

// fields is a checked mapping: known keys only.
type fields struct {
	node *yaml.Node
	path string
	m    map[string]entry
}

func (f fields) has(k string) bool { _, ok := f.m[k]; return ok }

// get returns the value node of key k, or nil.
func (f fields) get(k string) (*yaml.Node, string) {
	e, ok := f.m[k]
	if !ok {
		return nil, join(f.path, k)
	}
	return e.val, e.path
}

// mapping checks that n is a mapping whose keys are all in known, reporting unknown keys with
// the valid choices.
func (w *walker) mapping(n *yaml.Node, path string, known ...string) (fields, bool) {
	es, ok := w.entries(n, path)
	f := fields{node: w.derefQuiet(n), path: path, m: map[string]entry{}}
	if !ok {
		return f, false
	}
	for _, e := range es {
		if !contains(known, e.key) {
			w.errorf(e.kn, e.path, "unknown key %q (want %s)", e.key, strings.Join(known, ", "))
			continue
		}
		f.m[e.key] = e
	}
	return f, true
}

// derefQuiet follows aliases without charging the budget (the node was charged already).
func (w *walker) derefQuiet(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// require reports the keys of f that are missing.
func (w *walker) require(f fields, keys ...string) bool {
	ok := true
	for _, k := range keys {
		if !f.has(k) {
			w.errorf(f.node, f.path, "missing required key %q", k)
			ok = false
		}
	}
	return ok
}

// scalar returns n as a non-null scalar node.
func (w *walker) scalar(n *yaml.Node, path, want string) (*yaml.Node, bool) {
	n = w.deref(n)
	if n == nil {
		return nil, false
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		w.errorf(n, path, "want %s, got %s", want, describe(n))
		return nil, false
	}
	return n, true
}

// str decodes any non-null scalar as a string, expanding ${VAR}.
func (w *walker) str(n *yaml.Node, path string) string {
	s, ok := w.scalar(n, path, "a string")
	if !ok {
		return ""
	}
	v, err := expandEnv(s.Value, w.env)
	if err != nil {
		w.errorf(s, path, "%v", err)
	}
	return v
}

// name decodes a string that must be a name: lower-case letters, digits and dashes.
func (w *walker) name(n *yaml.Node, path string) string {
	s := w.str(n, path)
	if s != "" && !nameRE.MatchString(s) {
		w.errorf(w.derefQuiet(n), path, "bad name %q (want lower-case letters, digits and dashes)", s)
	}
	return s
}

var (
	nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	wordRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
)

func (w *walker) integer(n *yaml.Node, path string, min int) int {
	s, ok := w.scalar(n, path, "an integer")
	if !ok {
		return 0
	}
	v, err := strconv.Atoi(s.Value)
	if err != nil || s.Tag != "!!int" {
		w.errorf(s, path, "want an integer, got %s", describe(s))
		return 0
	}
	if v < min {
		w.errorf(s, path, "must be at least %d", min)
	}
	return v
}

func (w *walker) number(n *yaml.Node, path string) (float64, bool) {
	s, ok := w.scalar(n, path, "a number")
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseFloat(s.Value, 64)
	if err != nil || (s.Tag != "!!int" && s.Tag != "!!float") {
		w.errorf(s, path, "want a number, got %s", describe(s))
		return 0, false
	}
	return v, true
}

func (w *walker) boolean(n *yaml.Node, path string) bool {
	s, ok := w.scalar(n, path, "true or false")
	if !ok {
		return false
	}
	if s.Tag != "!!bool" {
		w.errorf(s, path, "want true or false, got %s", describe(s))
		return false
	}
	return s.Value == "true"
}

// strList decodes a list of strings; each is recorded as a template when tc is not nil.
func (w *walker) strList(n *yaml.Node, path string, tc *tmplCtx) []string {
	return w.list(n, path, tc, w.str)
}

// command decodes the argument list of a command: as strList, but ${VAR} is the shell's,
// never the host's (commandArg).
func (w *walker) command(n *yaml.Node, path string, tc *tmplCtx) []string {
	return w.list(n, path, tc, w.commandArg)
}

// list decodes a list of strings with str; each is recorded as a template when tc is not nil.
func (w *walker) list(n *yaml.Node, path string, tc *tmplCtx, str func(*yaml.Node, string) string) []string {
	n = w.deref(n)
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		w.errorf(n, path, "want a list of strings, got %s", describe(n))
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for i, c := range n.Content {
		p := index(path, i)
		v := str(c, p)
		w.record(c, p, v, tc)
		out = append(out, v)
	}
	return out
}

// commandArg decodes one argument of a command: $${ is a literal ${, and a bare ${VAR} is an
// error (unescapeCommand), never the host's value.
func (w *walker) commandArg(n *yaml.Node, path string) string {
	s, ok := w.scalar(n, path, "a string")
	if !ok {
		return ""
	}
	v, err := unescapeCommand(s.Value)
	if err != nil {
		w.errorf(s, path, "%v", err)
	}
	return v
}

// strMap decodes a mapping of strings in key order.
func (w *walker) strMap(n *yaml.Node, path string, tc *tmplCtx) map[string]string {
	es, ok := w.entries(n, path)
	if !ok {
		return nil
	}
	out := make(map[string]string, len(es))
	for _, e := range es {
		out[e.key] = w.text(e.val, e.path, tc)
	}
	return out
}

// text decodes a string and records it as a template when tc is not nil.
func (w *walker) text(n *yaml.Node, path string, tc *tmplCtx) string {
	s := w.str(n, path)
	w.record(n, path, s, tc)
	return s
}

// record keeps s, decoded from n, as a template to check when tc is not nil.
func (w *walker) record(n *yaml.Node, path, s string, tc *tmplCtx) {
	if tc != nil && strings.Contains(s, "{{") {
		w.tmpls = append(w.tmpls, tmplRef{pos: w.pos(w.derefQuiet(n)), path: path, text: s, ctx: *tc})
	}
}

func (w *walker) duration(n *yaml.Node, path string) (d durationValue) {
	s, ok := w.scalar(n, path, "a duration")
	if !ok {
		return d
	}
	if s.Tag == "!!int" || s.Tag == "!!float" {
		w.errorf(s, path, "duration %s has no unit (want a number with a unit: %s, e.g. 30s, 5m, 1d12h)", s.Value, unitList)
		return d
	}
	text, err := expandEnv(s.Value, w.env)
	if err != nil {
		w.errorf(s, path, "%v", err)
		return d
	}
	v, err := ParseDuration(text)
	if err != nil {
		w.errorf(s, path, "%v", err)
		return d
	}
	return durationValue{v: v, ok: true, node: s}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// sortedKeys returns the keys of m in order, for messages that list choices.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// choices formats a list of valid values for a message: "a, b, c" or "none declared".
func choices(list []string) string {
	if len(list) == 0 {
		return "none declared"
	}
	return strings.Join(list, ", ")
}

// durationValue is a decoded duration with its node, for checks that need its position.
type durationValue struct {
	v    time.Duration
	ok   bool
	node *yaml.Node
}
