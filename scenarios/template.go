package scenarios

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"text/template/parse"
	"time"
)

// TemplateData is what a template sees. Site is set only for one instance of a foreach step or
// a per-site probe; Sites is the sites of the step (all instances of a foreach; otherwise the
// affected sites in recover and milestones, all sites elsewhere); Size holds the parameters of
// the size being run; Args the arguments of the action being run (a string, or a []string for
// lists); T0 the fault instant (zero before it); Seq the sequence number of a canary write.
type TemplateData struct {
	Site  string
	Sites []string
	Size  map[string]string
	Args  map[string]any
	T0    time.Time
	// Hit is the site's own hit instant h(s), in a recover step with foreach over affected
	// sites: a runbook can restore each site to just before its own deletion.
	Hit  time.Time
	Seq  int
	Run  string
	Seed int64

	// driver is the driver of the sql connection the template is rendered for: the default
	// of the SQL literal helpers (empty: postgres).
	driver string
	// placeholders: T0 and Hit are placeholder instants, rendered by name (Placeholders).
	placeholders bool
}

// ForSQL returns d for a template rendered for an sql connection of the given driver: the
// helpers sqlquote and sqlin then quote for that driver unless told another.
func (d TemplateData) ForSQL(driver string) TemplateData {
	d.driver = driver
	return d
}

// Funcs are the functions templates may call (the SQL literal helpers quote for postgres
// here; Render quotes for the driver of TemplateData.ForSQL).
var Funcs = withFuncs(baseFuncs, sqlFuncs(DriverPostgres))

func withFuncs(a, b template.FuncMap) template.FuncMap {
	out := template.FuncMap{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

var baseFuncs = template.FuncMap{
	"before":  before,
	"after":   after,
	"pgtime":  func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000000+00") },
	"rfc3339": func(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) },
	"unix":    func(t time.Time) int64 { return t.Unix() },
	"json":    toJSON,
	"join":    joinList,
	"quote":   func(v any) string { return strconv.Quote(fmt.Sprint(v)) },
	"list":    toList,
}

func before(t time.Time, d string) (time.Time, error) {
	v, err := ParseDuration(d)
	return t.Add(-v), err
}

func after(t time.Time, d string) (time.Time, error) {
	v, err := ParseDuration(d)
	return t.Add(v), err
}

func toJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

func joinList(v any, sep string) (string, error) {
	l, err := toList(v)
	return strings.Join(l, sep), err
}

// toList turns a string into a one-element list and passes a list through.
func toList(v any) ([]string, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		return []string{x}, nil
	case []string:
		return x, nil
	case []any:
		out := make([]string, len(x))
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("list element %d is %T, want a string", i, e)
			}
			out[i] = s
		}
		return out, nil
	}
	return nil, fmt.Errorf("want a string or a list, got %T", v)
}

// cache holds parsed templates by driver and text: the engine renders the same text once per
// site.
var cache sync.Map // driver + "\x00" + text -> *template.Template

// funcsByDriver holds the function map of each driver.
var funcsByDriver = map[string]template.FuncMap{
	"":             Funcs,
	DriverPostgres: Funcs,
	DriverMySQL:    withFuncs(baseFuncs, sqlFuncs(DriverMySQL)),
}

// placeholderFuncsByDriver holds the function map of each driver for TemplateData.Placeholders.
var placeholderFuncsByDriver = func() map[string]template.FuncMap {
	m := map[string]template.FuncMap{}
	for k, v := range funcsByDriver {
		m[k] = placeholderFuncs(v)
	}
	return m
}()

func funcsFor(d TemplateData) template.FuncMap {
	byDriver := funcsByDriver
	if d.placeholders {
		byDriver = placeholderFuncsByDriver
	}
	if f, ok := byDriver[d.driver]; ok {
		return f
	}
	return byDriver[""]
}

func parsed(text string, d TemplateData) (*template.Template, error) {
	key := d.driver + "\x00" + text
	if d.placeholders {
		key = "placeholders\x00" + key
	}
	if t, ok := cache.Load(key); ok {
		return t.(*template.Template), nil
	}
	t, err := template.New("t").Funcs(funcsFor(d)).Option("missingkey=error").Parse(text)
	if err != nil {
		return nil, err
	}
	cache.Store(key, t)
	return t, nil
}

// Render executes one template with d. A text without "{{" is returned as is.
func Render(text string, d TemplateData) (string, error) {
	if !strings.Contains(text, "{{") {
		return text, nil
	}
	t, err := parsed(text, d)
	if err != nil {
		return "", fmt.Errorf("template %q: %w", text, err)
	}
	var b strings.Builder
	if err := t.Execute(&b, d); err != nil {
		return "", fmt.Errorf("template %q: %w", text, err)
	}
	if d.placeholders {
		return withPlaceholderNames(b.String()), nil
	}
	return b.String(), nil
}

// RenderArg renders an action argument: when the template is one lone action ({{.Sites}},
// {{list .Site}}, {{.Args.ids}}) whose value is a list, the list comes back as a []string;
// otherwise the rendered string. A text without "{{" is returned as is.
func RenderArg(text string, d TemplateData) (any, error) {
	if !strings.Contains(text, "{{") {
		return text, nil
	}
	t, err := parsed(text, d)
	if err != nil {
		return nil, fmt.Errorf("template %q: %w", text, err)
	}
	root := t.Tree.Root
	if len(root.Nodes) == 1 {
		if a, ok := root.Nodes[0].(*parse.ActionNode); ok && len(a.Pipe.Decl) == 0 {
			var got any
			capture := template.FuncMap{"capture_": func(v any) string { got = v; return "" }}
			c, err := template.New("c").Funcs(funcsFor(d)).Funcs(capture).Option("missingkey=error").
				Parse("{{capture_ (" + a.Pipe.String() + ")}}")
			if err == nil {
				if err := c.Execute(new(strings.Builder), d); err != nil {
					return nil, fmt.Errorf("template %q: %w", text, err)
				}
				switch got.(type) {
				case []string, []any:
					return toList(got)
				}
			}
		}
	}
	return Render(text, d)
}
