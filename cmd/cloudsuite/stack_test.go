package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// commands returns every command list in stack.yaml that starts with name.
func commands(t *testing.T, name string) [][]string {
	t.Helper()
	raw, err := os.ReadFile("../../stacks/cloudsuite/stack.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var out [][]string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for _, x := range v {
				walk(x)
			}
		case []any:
			var words []string
			for _, x := range v {
				if s, ok := x.(string); ok {
					words = append(words, s)
				}
				walk(x)
			}
			if len(words) == len(v) && len(words) > 0 && words[0] == name {
				out = append(out, words)
			}
		}
	}
	walk(doc)
	if len(out) == 0 {
		t.Fatalf("no %s command in stack.yaml", name)
	}
	return out
}

var template = regexp.MustCompile(`\{\{[^}]*\}\}`)

// TestStackCommandsExist: every cloudsuite command in stack.yaml names a subcommand and only
// flags it has (templates stand in as "1").
func TestStackCommandsExist(t *testing.T) {
	for _, words := range commands(t, "cloudsuite") {
		args := make([]string, len(words)-1)
		for i, w := range words[1:] {
			args[i] = template.ReplaceAllString(w, "1")
		}
		cmd, rest, err := root().Find(args)
		if err != nil || cmd == root() || cmd.Name() != args[0] {
			t.Errorf("%v: no such subcommand (%v)", words, err)
			continue
		}
		if err := cmd.ParseFlags(rest); err != nil {
			t.Errorf("%v: %v", words, err)
		}
	}
}

// TestStackDrillPgCommandsExist: every drill-pg command in stack.yaml is one the image's
// entrypoint script handles.
func TestStackDrillPgCommandsExist(t *testing.T) {
	script, err := os.ReadFile("../../stacks/cloudsuite/images/postgres/drill-pg")
	if err != nil {
		t.Fatal(err)
	}
	for _, words := range commands(t, "drill-pg") {
		if len(words) < 2 || !strings.Contains(string(script), "\n"+words[1]+") cmd_") {
			t.Errorf("%v: drill-pg has no %q command", words, words[1:])
		}
	}
}
