package result

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/invopop/jsonschema"
)

// SchemaID is the $id of the result's JSON Schema.
const SchemaID = "https://github.com/drill-dev/drill/schema/result-v1.json"

// Schema returns the JSON Schema (draft 2020-12) of a result file, generated from the Go types.
// Fields that Go encodes as null when unset (pointers, and slices and maps without omitempty)
// accept null.
func Schema() ([]byte, error) { return schemaOf(&Result{}, SchemaID) }

// CampaignSchema returns the JSON Schema of a campaign file.
func CampaignSchema() ([]byte, error) {
	return schemaOf(&Campaign{}, strings.Replace(SchemaID, "result-v1", "campaign-v1", 1))
}

func schemaOf(v any, id string) ([]byte, error) {
	r := &jsonschema.Reflector{}
	s := r.Reflect(v)
	s.ID = jsonschema.ID(id)
	markNullable(s.Definitions, reflect.TypeOf(v).Elem(), map[reflect.Type]bool{})
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("result schema: %w", err)
	}
	return b, nil
}

// markNullable lets null through wherever encoding/json writes null for a zero value.
func markNullable(defs jsonschema.Definitions, t reflect.Type, seen map[reflect.Type]bool) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] {
		return
	}
	seen[t] = true
	def := defs[t.Name()]
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		markNullable(defs, f.Type, seen)
		if def == nil || def.Properties == nil {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		if f.Type.Kind() == reflect.Map && f.Type.Elem().Kind() == reflect.Pointer {
			if p, ok := def.Properties.Get(name); ok && p.AdditionalProperties != nil {
				p.AdditionalProperties = &jsonschema.Schema{OneOf: []*jsonschema.Schema{p.AdditionalProperties, {Type: "null"}}}
			}
		}
		if strings.Contains(opts, "omitempty") {
			continue
		}
		switch f.Type.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map:
			if p, ok := def.Properties.Get(name); ok {
				def.Properties.Set(name, &jsonschema.Schema{OneOf: []*jsonschema.Schema{p, {Type: "null"}}})
			}
		}
	}
}
