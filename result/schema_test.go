package result

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestSchemaDeclaresEveryFixtureField walks each fixture beside the schema: every key must be a
// declared property and every null must be allowed where it appears.
func TestSchemaDeclaresEveryFixtureField(t *testing.T) {
	b, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := json.Unmarshal(b, &schema); err != nil {
		t.Fatal(err)
	}
	defs := schema["$defs"].(map[string]any)
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	if len(files) < 5 {
		t.Fatalf("found %d fixtures, want at least 5", len(files))
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		for _, p := range conform(defs, map[string]any{"$ref": "#/$defs/Result"}, doc, filepath.Base(f)) {
			t.Error(p)
		}
	}
}

// conform is a small checker for the subset of JSON Schema the reflector emits.
func conform(defs map[string]any, s map[string]any, v any, at string) []string {
	if ref, ok := s["$ref"].(string); ok {
		return conform(defs, defs[filepath.Base(ref)].(map[string]any), v, at)
	}
	if alts, ok := s["oneOf"].([]any); ok {
		for _, a := range alts {
			if len(conform(defs, a.(map[string]any), v, at)) == 0 {
				return nil
			}
		}
		return []string{at + ": matches no alternative"}
	}
	typ, _ := s["type"].(string)
	switch x := v.(type) {
	case nil:
		if typ != "null" {
			return []string{at + ": null not allowed"}
		}
	case map[string]any:
		if typ != "object" {
			return []string{at + ": object where " + typ + " expected"}
		}
		var out []string
		props, _ := s["properties"].(map[string]any)
		for k, val := range x {
			if p, ok := props[k]; ok {
				out = append(out, conform(defs, p.(map[string]any), val, at+"."+k)...)
			} else if ap, ok := s["additionalProperties"].(map[string]any); ok {
				out = append(out, conform(defs, ap, val, at+"."+k)...)
			} else {
				out = append(out, at+"."+k+": not declared")
			}
		}
		for _, r := range asSlice(s["required"]) {
			if _, ok := x[r.(string)]; !ok {
				out = append(out, at+": missing required "+r.(string))
			}
		}
		return out
	case []any:
		if typ != "array" {
			return []string{at + ": array where " + typ + " expected"}
		}
		var out []string
		for _, e := range x {
			out = append(out, conform(defs, s["items"].(map[string]any), e, at+"[]")...)
		}
		return out
	case string:
		if typ != "string" {
			return []string{at + ": string where " + typ + " expected"}
		}
	case float64:
		if typ != "number" && typ != "integer" {
			return []string{at + ": number where " + typ + " expected"}
		}
	case bool:
		if typ != "boolean" {
			return []string{at + ": boolean where " + typ + " expected"}
		}
	}
	return nil
}

func asSlice(v any) []any { s, _ := v.([]any); return s }

func TestCampaignSchemaReferencesTheResult(t *testing.T) {
	b, err := CampaignSchema()
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Defs map[string]any `json:"$defs"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Campaign", "Fit", "Result", "Metrics"} {
		if s.Defs[name] == nil {
			t.Errorf("campaign schema has no definition of %s", name)
		}
	}
}
