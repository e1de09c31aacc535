package drill_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/drill-dev/drill/scenarios"
)

// docBlock is one ```yaml block of a Markdown file.
type docBlock struct {
	file string
	line int // of the opening fence
	text string
}

var fenceRE = regexp.MustCompile("(?ms)^```ya?ml[^\n]*\n(.*?)^```")

// yamlBlocks returns every YAML block of the docs and the README.
func yamlBlocks(t *testing.T) []docBlock {
	t.Helper()
	files, _ := filepath.Glob("docs/*.md")
	files = append(files, "README.md")
	var out []docBlock
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		for _, m := range fenceRE.FindAllStringSubmatchIndex(s, -1) {
			out = append(out, docBlock{file: f, line: strings.Count(s[:m[0]], "\n") + 1, text: s[m[2]:m[3]]})
		}
	}
	return out
}

// excerptRE is the first line of a block that is an excerpt of a file of the repository.
var excerptRE = regexp.MustCompile(`^# ((?:stacks|scenarios)/\S+\.ya?ml)\b`)

// TestDocsYAML keeps the docs' YAML true to the language and to the catalogue. Every block
// parses. A complete file (with kind:) loads and validates. A block whose first line names a
// catalogue file ("# stacks/pg-tenants/stack.yaml") is an excerpt of it: its keys and values
// are found in that file as written, "…" standing for what the excerpt leaves out.
func TestDocsYAML(t *testing.T) {
	blocks := yamlBlocks(t)
	if len(blocks) < 20 {
		t.Fatalf("only %d YAML blocks in the docs", len(blocks))
	}
	loaded, excerpts := 0, 0
	for _, b := range blocks {
		t.Run(fmt.Sprintf("%s:%d", filepath.Base(b.file), b.line), func(t *testing.T) {
			var doc any
			if err := yaml.Unmarshal([]byte(b.text), &doc); err != nil {
				t.Fatalf("%s:%d: not YAML: %v", b.file, b.line, err)
			}
			if m := excerptRE.FindStringSubmatch(b.text); m != nil {
				excerpts++
				checkExcerpt(t, b, m[1], doc)
				return
			}
			if strings.Contains(b.text, "\nkind: ") || strings.HasPrefix(b.text, "kind: ") {
				loaded++
				path := filepath.Join(t.TempDir(), "doc.yaml")
				if err := os.WriteFile(path, []byte(b.text), 0o644); err != nil {
					t.Fatal(err)
				}
				d, err := scenarios.LoadDocument(path, scenarios.WithEnv(func(string) (string, bool) { return "", false }))
				if err != nil {
					t.Errorf("%s:%d: a complete file does not validate:\n%v", b.file, b.line, err)
				} else if len(d.Warnings) > 0 {
					t.Errorf("%s:%d: validate warns:\n%v", b.file, b.line, d.Warnings)
				}
			}
		})
	}
	if loaded < 2 || excerpts < 10 {
		t.Errorf("%d complete files loaded, %d excerpts checked: the docs lost their examples?", loaded, excerpts)
	}
}

// checkExcerpt finds the excerpt's mapping inside the named file: at its root, or as any
// mapping of it (an excerpt of a product's probes, of the actions).
func checkExcerpt(t *testing.T, b docBlock, file string, doc any) {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%s:%d: names %s: %v", b.file, b.line, file, err)
	}
	var whole any
	if err := yaml.Unmarshal(raw, &whole); err != nil {
		t.Fatal(err)
	}
	var best string
	bestKeys, found := -1, false
	keys, _ := doc.(map[string]any)
	walkMaps(whole, func(m map[string]any) {
		if found {
			return
		}
		why := within(doc, m)
		if why == "" {
			found = true
			return
		}
		shared := 0 // report the mapping that shares the most keys with the excerpt
		for k := range keys {
			if _, ok := m[k]; ok {
				shared++
			}
		}
		if shared > bestKeys {
			best, bestKeys = why, shared
		}
	})
	if !found {
		t.Errorf("%s:%d: the excerpt of %s differs from it: %s", b.file, b.line, file, best)
	}
}

func walkMaps(v any, f func(map[string]any)) {
	switch v := v.(type) {
	case map[string]any:
		f(v)
		for _, k := range sortedKeys(v) {
			walkMaps(v[k], f)
		}
	case []any:
		for _, x := range v {
			walkMaps(x, f)
		}
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// within says how the excerpt's value ex differs from the file's value v, or "" when it is
// found: a mapping's keys are a subset with values within; a list is element by element; a
// string with "…" has its parts in order; an empty mapping equals null.
func within(ex, v any) string {
	switch ex := ex.(type) {
	case map[string]any:
		if len(ex) == 0 && v == nil {
			return ""
		}
		m, ok := v.(map[string]any)
		if !ok {
			return fmt.Sprintf("want a mapping, the file has %v", v)
		}
		for _, k := range sortedKeys(ex) {
			fv, ok := m[k]
			if !ok {
				return fmt.Sprintf("key %q is not in the file", k)
			}
			if why := within(ex[k], fv); why != "" {
				return k + ": " + why
			}
		}
		return ""
	case []any:
		l, ok := v.([]any)
		if !ok || len(l) != len(ex) {
			return fmt.Sprintf("list %v, the file has %v", ex, v)
		}
		for i := range ex {
			if why := within(ex[i], l[i]); why != "" {
				return fmt.Sprintf("[%d]: %s", i, why)
			}
		}
		return ""
	case string:
		if ex == "…" {
			return "" // the excerpt leaves this value out
		}
		s, ok := v.(string)
		if ok && strings.Contains(ex, "…") {
			rest := strings.Join(strings.Fields(s), " ")
			for _, part := range strings.Split(ex, "…") {
				part = strings.Join(strings.Fields(part), " ")
				i := strings.Index(rest, part)
				if i < 0 {
					return fmt.Sprintf("%q is not in %q", part, s)
				}
				rest = rest[i+len(part):]
			}
			return ""
		}
		if !ok || s != ex {
			return fmt.Sprintf("%q, the file has %v", ex, v)
		}
		return ""
	}
	if !reflect.DeepEqual(ex, v) {
		return fmt.Sprintf("%v, the file has %v", ex, v)
	}
	return ""
}
