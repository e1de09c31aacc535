package reports

import (
	"reflect"
	"strings"

	"github.com/drill-dev/drill/result"
)

// redacted returns a copy of rep in which every string holding a secret has it replaced by ***.
func redacted(rep Report, secrets []string) Report {
	if len(secrets) == 0 {
		return rep
	}
	r := strings.NewReplacer(pairs(secrets)...)
	out := Report{Notes: redactStrings(rep.Notes, r)}
	for _, d := range rep.Drills {
		out.Drills = append(out.Drills, redactResult(d, r))
	}
	for _, c := range rep.Campaigns {
		cc := c
		cc.Drills = nil
		for _, d := range c.Drills {
			cc.Drills = append(cc.Drills, redactResult(d, r))
		}
		cc.Reason = r.Replace(cc.Reason)
		out.Campaigns = append(out.Campaigns, cc)
	}
	return out
}

func pairs(secrets []string) []string {
	var p []string
	for _, s := range secrets {
		p = append(p, s, "***")
	}
	return p
}

func redactStrings(in []string, r *strings.Replacer) []string {
	var out []string
	for _, s := range in {
		out = append(out, r.Replace(s))
	}
	return out
}

// redactResult deep-copies a result through reflection, replacing secrets in every string,
// map key and map value, so that a field added to the model later is covered too.
func redactResult(res result.Result, r *strings.Replacer) result.Result {
	v := reflect.ValueOf(res)
	return deepRedact(v, r).Interface().(result.Result)
}

func deepRedact(v reflect.Value, r *strings.Replacer) reflect.Value {
	switch v.Kind() {
	case reflect.String:
		return reflect.ValueOf(r.Replace(v.String())).Convert(v.Type())
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		out.Set(v)
		for i := 0; i < v.NumField(); i++ {
			if out.Field(i).CanSet() {
				out.Field(i).Set(deepRedact(v.Field(i), r))
			}
		}
		return out
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := 0; i < v.Len(); i++ {
			out.Index(i).Set(deepRedact(v.Index(i), r))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		it := v.MapRange()
		for it.Next() {
			out.SetMapIndex(deepRedact(it.Key(), r), deepRedact(it.Value(), r))
		}
		return out
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(deepRedact(v.Elem(), r))
		return out
	}
	return v
}
