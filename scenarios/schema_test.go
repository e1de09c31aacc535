package scenarios

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// schemaCheck validates v against the subset of JSON Schema that JSONSchema emits: $ref, type,
// const, enum, properties, required, additionalProperties, items, minItems, minProperties,
// propertyNames, pattern, minimum, exclusiveMinimum, maximum, anyOf, oneOf.
type schemaCheck struct{ defs map[string]any }

func (c schemaCheck) errs(s map[string]any, v any, at string) []string {
	if r, ok := s["$ref"].(string); ok {
		return c.errs(c.defs[strings.TrimPrefix(r, "#/$defs/")].(map[string]any), v, at)
	}
	var out []string
	bad := func(f string, a ...any) { out = append(out, at+": "+fmt.Sprintf(f, a...)) }
	if t, ok := s["type"]; ok && !typeOK(t, v) {
		bad("want type %v, got %T", t, v)
		return out
	}
	if k, ok := s["const"]; ok && k != v {
		bad("want %v", k)
	}
	if e, ok := s["enum"].([]any); ok {
		found := false
		for _, x := range e {
			found = found || x == v
		}
		if !found {
			bad("%v not in %v", v, e)
		}
	}
	switch x := v.(type) {
	case map[string]any:
		out = append(out, c.object(s, x, at)...)
	case []any:
		if it, ok := s["items"].(map[string]any); ok {
			for i, e := range x {
				out = append(out, c.errs(it, e, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
		if m, ok := s["minItems"].(float64); ok && float64(len(x)) < m {
			bad("fewer than %v items", m)
		}
	case string:
		if p, ok := s["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(x) {
			bad("%q does not match %s", x, p)
		}
	case float64:
		if m, ok := s["minimum"].(float64); ok && x < m {
			bad("%v below %v", x, m)
		}
		if m, ok := s["exclusiveMinimum"].(float64); ok && x <= m {
			bad("%v not above %v", x, m)
		}
		if m, ok := s["maximum"].(float64); ok && x > m {
			bad("%v above %v", x, m)
		}
	}
	if a, ok := s["anyOf"].([]any); ok && !c.some(a, v, at, 1, len(a)) {
		bad("matches none of anyOf")
	}
	if a, ok := s["oneOf"].([]any); ok && !c.some(a, v, at, 1, 1) {
		bad("does not match exactly one of oneOf")
	}
	return out
}

func (c schemaCheck) some(list []any, v any, at string, min, max int) bool {
	n := 0
	for _, x := range list {
		if len(c.errs(x.(map[string]any), v, at)) == 0 {
			n++
		}
	}
	return n >= min && n <= max
}

func (c schemaCheck) object(s map[string]any, x map[string]any, at string) []string {
	var out []string
	props, _ := s["properties"].(map[string]any)
	keys := make([]string, 0, len(x))
	for k := range x {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if ps, ok := props[k].(map[string]any); ok {
			out = append(out, c.errs(ps, x[k], at+"."+k)...)
			continue
		}
		switch ap := s["additionalProperties"].(type) {
		case bool:
			if !ap {
				out = append(out, at+": unknown key "+k)
			}
		case map[string]any:
			out = append(out, c.errs(ap, x[k], at+"."+k)...)
		}
		if pn, ok := s["propertyNames"].(map[string]any); ok {
			out = append(out, c.errs(pn, k, at+"."+k)...)
		}
	}
	if r, ok := s["required"].([]any); ok {
		for _, k := range r {
			if _, has := x[k.(string)]; !has {
				out = append(out, at+": missing "+k.(string))
			}
		}
	}
	if m, ok := s["minProperties"].(float64); ok && float64(len(x)) < m {
		out = append(out, at+": too few keys")
	}
	return out
}

func typeOK(t any, v any) bool {
	if l, ok := t.([]any); ok {
		for _, x := range l {
			if typeOK(x, v) {
				return true
			}
		}
		return false
	}
	switch t {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "number":
		_, ok := v.(float64)
		return ok
	case "integer":
		f, ok := v.(float64)
		return ok && f == float64(int64(f))
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "null":
		return v == nil
	}
	return false
}

// asJSON reads a YAML file as JSON would see it.
func asJSON(t *testing.T, path string) (any, string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(j, &out); err != nil {
		t.Fatal(err)
	}
	kind, _ := out.(map[string]any)["kind"].(string)
	return out, kind
}

func schemaFor(t *testing.T, kind string) (map[string]any, schemaCheck) {
	t.Helper()
	b, err := JSONSchema(kind)
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return s, schemaCheck{defs: s["$defs"].(map[string]any)}
}

// TestSchemaAcceptsValidFiles: every catalogue scenario and every valid test file conforms to
// the JSON Schema of its kind.
func TestSchemaAcceptsValidFiles(t *testing.T) {
	var files []string
	for _, g := range []string{"*.yaml", "testdata/valid/*.yaml", "testdata/stacks/*.yaml", "../stacks/*/stack.yaml"} {
		m, _ := filepath.Glob(g)
		files = append(files, m...)
	}
	for _, f := range files {
		v, kind := asJSON(t, f)
		s, c := schemaFor(t, kind)
		if errs := c.errs(s, v, kind); len(errs) > 0 {
			t.Errorf("%s does not conform to the %s schema:\n%s", f, kind, strings.Join(errs, "\n"))
		}
	}
}

// TestSchemaRejects: the schema catches what an editor should underline.
func TestSchemaRejects(t *testing.T) {
	for _, f := range []string{"unknown-key", "step-kind-typo", "step-two-kinds", "duration-unitless", "duration-bad-unit",
		"concurrency-zero", "service-op-unknown", "sites-zero", "stack-service-bad", "wrong-types", "missing-required"} {
		v, kind := asJSON(t, "testdata/invalid/"+f+".yaml")
		s, c := schemaFor(t, kind)
		if errs := c.errs(s, v, kind); len(errs) == 0 {
			t.Errorf("%s conforms to the %s schema", f, kind)
		}
	}
}
