package scenarios

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Schema IDs of the two YAML kinds.
const (
	ScenarioSchemaID = "https://drill.dev/schema/scenario.json"
	StackSchemaID    = "https://drill.dev/schema/stack.json"
)

// JSONSchema returns the JSON Schema (draft 2020-12) of a YAML kind, "Scenario" or "Stack",
// for editors: it describes the YAML keys. The loader checks more than a schema can (references,
// templates, cycles); a file that passes the schema may still be invalid.
func JSONSchema(kind string) ([]byte, error) {
	var root obj
	switch kind {
	case "Scenario":
		root = scenarioSchema()
	case "Stack":
		root = stackSchema()
	default:
		return nil, fmt.Errorf("unknown kind %q (want Scenario or Stack)", kind)
	}
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["$defs"] = defs()
	return json.MarshalIndent(root, "", "  ")
}

type obj = map[string]any

func object(desc string, props obj, required ...string) obj {
	o := obj{"type": "object", "properties": props, "additionalProperties": false}
	if desc != "" {
		o["description"] = desc
	}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

func ref(name string) obj               { return obj{"$ref": "#/$defs/" + name} }
func str(desc string) obj               { return obj{"type": "string", "description": desc} }
func listOf(item obj) obj               { return obj{"type": "array", "items": item} }
func mapOf(value obj) obj               { return obj{"type": "object", "additionalProperties": value} }
func enum(desc string, v ...string) obj { return obj{"enum": v, "description": desc} }
func integer(desc string, min int) obj {
	return obj{"type": "integer", "minimum": min, "description": desc}
}
func withDesc(o obj, desc string) obj {
	c := obj{}
	for k, v := range o {
		c[k] = v
	}
	c["description"] = desc
	return c
}

// scalar is what the loader reads as a string: any non-null scalar.
var scalar = obj{"type": []string{"string", "number", "boolean"}}

func headerSchema(kind string) obj {
	return obj{
		"apiVersion":  obj{"const": APIVersion},
		"kind":        obj{"const": kind},
		"name":        obj{"type": "string", "pattern": nameRE.String()},
		"description": str("one line"),
	}
}

func defs() obj {
	http := object("an HTTP request; strings are templates", obj{
		"service": str("the service (defaults to the product's or, in readiness, the service itself)"),
		"port":    integer("one of the service's ports; default its first", 1),
		"method":  enum("default GET", httpMethods...),
		"path":    str("starts with /"),
		"headers": mapOf(scalar),
		"body":    str("request body"),
		"expect":  obj{"description": "expected statuses; default any 2xx", "anyOf": []any{integer("", 100), listOf(integer("", 100))}},
	}, "path")
	sql := object("a query against a service with an sql connection", obj{
		"service": str("the service"), "database": str("default: the service's"), "query": str("SQL"),
	}, "query")
	exec := object("a command in a running service", obj{
		"service": str("the service"), "command": listOf(scalar), "user": str("user to run as"),
	}, "command")
	probeProps := func(extra obj) obj {
		p := obj{"http": ref("http"), "sql": ref("sql"), "exec": ref("exec")}
		for k, v := range extra {
			p[k] = v
		}
		return p
	}
	oneProbe := []any{obj{"required": []string{"http"}}, obj{"required": []string{"sql"}}, obj{"required": []string{"exec"}}}
	probe := object("a probe: one of http, sql, exec", probeProps(nil))
	probe["oneOf"] = oneProbe
	named := object("a named probe: one of http, sql, exec", probeProps(obj{"name": str("label")}))
	named["oneOf"] = oneProbe
	wait := object("poll a probe until it passes", probeProps(obj{"timeout": withDesc(ref("duration"), "default 60s"), "interval": withDesc(ref("duration"), "default 500ms")}))
	wait["oneOf"] = oneProbe
	siteSet := enum("", SitesAll, SitesAffected, SitesUnaffected)
	choose := object("a count or a fraction of a site set", obj{
		"count":    obj{"anyOf": []any{integer("this many sites", 1), obj{"type": "string", "pattern": `\{\{`, "description": "a template of the size, e.g. {{.Size.deleted}}"}}},
		"fraction": obj{"type": "number", "exclusiveMinimum": 0, "maximum": 1, "description": "rounded up, at least one"},
		"from":     siteSet,
	})
	step := object("a step: exactly one of "+strings.Join(stepKinds, ", "), obj{
		"name": str("label for the timeline"),
		"exec": ref("exec"),
		"run": object("a one-shot container on the run's network", obj{
			"image": str("image"), "command": listOf(scalar), "env": mapOf(scalar),
			"volumes": ref("volumes"), "user": str("user"),
		}, "image"),
		"http":  ref("http"),
		"sql":   ref("sql"),
		"wait":  wait,
		"sleep": ref("duration"),
		"service": object("a Docker-level operation on a service", obj{
			"name": str("service"), "op": enum("", serviceOps...), "volumes": obj{"type": "boolean", "description": "with remove: its volumes too"},
		}, "name", "op"),
		"volume": object("a Docker-level operation on a volume", obj{
			"name": str("volume"), "op": enum("wipe its contents or remove it", volumeOps...),
		}, "name", "op"),
		"action": str("an action of the stack"),
		"manual": object("a step a person does (recover only): the operator confirms it or fails it with a reason", obj{
			"prompt":    str("shown to the operator; a template (.Sites, .T0, .Size, .Run)"),
			"simulate":  withDesc(ref("duration"), "the modelled human delay of an unattended run (no terminal, or CI); without it an unattended run refuses the scenario"),
			"milestone": str("a milestone measured at the instant the step is confirmed"),
		}, "prompt"),
		"with": mapOf(obj{"anyOf": []any{scalar, listOf(scalar)}}),
		"foreach": obj{"description": "fan out over sites", "anyOf": []any{siteSet, object("", obj{
			"sites": obj{"anyOf": []any{siteSet, choose}}, "seed": integer("mixed with the run's seed", 0),
		}, "sites")}},
		"concurrency": integer("foreach instances at once; default 1", 1),
		"timeout":     withDesc(ref("duration"), "per instance"),
		"retries":     integer("extra attempts after a failure", 0),
	})
	var kinds []any
	for _, k := range stepKinds {
		kinds = append(kinds, obj{"required": []string{k}})
	}
	step["oneOf"] = kinds
	return obj{
		"duration": obj{"type": "string", "description": "Go units plus d and w, compounds like 1d12h", "anyOf": []any{
			obj{"pattern": `^(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|ms|s|m|h|d|w))+$`},
			obj{"pattern": `\$\{`, "description": "taken from the environment"},
		}},
		"http":  http,
		"sql":   sql,
		"exec":  exec,
		"probe": probe,
		"named": named,
		"step":  step,
		"steps": listOf(ref("step")),
		"env":   mapOf(obj{"anyOf": []any{scalar, object("", obj{"value": scalar, "secret": obj{"type": "boolean"}}, "value")}}),
		"volumes": mapOf(obj{"anyOf": []any{str("mount path"), object("a mount with options", obj{
			"path":      str("mount path"),
			"read-only": obj{"type": "boolean", "description": "mounted read-only"},
			"nocopy":    obj{"type": "boolean", "description": "Docker does not copy the image's files at path into a new empty volume"},
		}, "path")}}),
	}
}

func scenarioSchema() obj {
	p := headerSchema("Scenario")
	count := integer("", 0)
	targets := obj{
		"rto": ref("duration"), "site-rto-p95": ref("duration"), "rpo": ref("duration"), "projected-rto": ref("duration"),
		"human-time":     withDesc(ref("duration"), "the runbook's manual steps, confirmed or simulated"),
		"automated-time": withDesc(ref("duration"), "the runbook's time outside manual steps"),
		"lost-writes":    count, "collateral-lost-writes": count, "integrity-mismatches": count, "broken-links": count,
		"milestones": mapOf(ref("duration")),
	}
	sizeTargets := object("", targets)
	top := obj{"sizes": mapOf(sizeTargets)}
	for k, v := range targets {
		top[k] = v
	}
	for k, v := range (obj{
		"stack":     str("a built-in stack name, or a path relative to this file"),
		"overrides": mapOf(object("", obj{"env": ref("env"), "command": listOf(scalar)})),
		"sizes": obj{"type": "object", "minProperties": 1, "additionalProperties": obj{
			"type": "object", "required": []string{"sites"},
			"properties":           obj{"sites": integer("", 1)},
			"propertyNames":        obj{"pattern": wordRE.String()},
			"additionalProperties": scalar,
		}},
		"protect":          ref("steps"),
		"steady-state":     listOf(ref("named")),
		"inject":           obj{"type": "array", "items": ref("step"), "minItems": 1},
		"recover":          obj{"type": "array", "items": ref("step"), "minItems": 1},
		"milestones":       mapOf(ref("probe")),
		"intervals":        object("", obj{"probe": ref("duration"), "canary": ref("duration"), "settle": integer("passing polls in a row", 1), "grace": withDesc(ref("duration"), "how long after the runbook verification keeps polling unsettled sites; default 30s")}),
		"recovery-timeout": ref("duration"),
		"targets":          object("objectives", top),
		"project-to":       object("", obj{"sites-affected": obj{"type": "number", "exclusiveMinimum": 0}}),
		"expect":           object("negative controls", obj{"verdict": enum("", verdicts...), "breaches": listOf(obj{"type": "string"})}, "verdict"),
	}) {
		p[k] = v
	}
	o := object("a drill scenario", p, "apiVersion", "kind", "name", "stack", "sizes", "inject", "recover")
	o["$id"] = ScenarioSchemaID
	o["title"] = "drill Scenario"
	return o
}

func stackSchema() obj {
	p := headerSchema("Stack")
	readyProbe := obj{"anyOf": []any{str("shorthand: the path"), ref("http")}}
	ready := object("readiness: one of http, sql, log, exec", obj{
		"http": readyProbe, "sql": obj{"anyOf": []any{str("shorthand: the query"), ref("sql")}},
		"exec": obj{"anyOf": []any{listOf(scalar), ref("exec")}}, "log": str("a line the service logs"),
		"timeout": withDesc(ref("duration"), "default 60s"), "interval": withDesc(ref("duration"), "default 250ms"),
	})
	ready["oneOf"] = []any{obj{"required": []string{"http"}}, obj{"required": []string{"sql"}}, obj{"required": []string{"exec"}}, obj{"required": []string{"log"}}}
	service := object("a container", obj{
		"image": str("image"), "build": str("Dockerfile context, relative to this file"),
		"command": listOf(scalar), "env": ref("env"), "ports": listOf(integer("", 1)),
		"volumes": ref("volumes"), "depends-on": listOf(obj{"type": "string"}),
		"sql": object("how sql steps and probes connect", obj{
			"driver": enum("default postgres; mysql serves MariaDB too", SQLDrivers...),
			"port":   integer("", 1), "user": scalar, "password": scalar, "database": scalar,
		}, "port", "user"),
		"ready": ready,
	})
	for k, v := range (obj{
		"compose":  str("a compose file whose services become the stack's, relative to this file; services then override or add"),
		"services": obj{"type": "object", "additionalProperties": service},
		"tenants": object("how sites are created and listed", obj{
			"seed": ref("step"), "list": withDesc(ref("probe"), "the site IDs in order: http a JSON array, sql the first column, exec a JSON array or one per line"),
		}, "seed", "list"),
		"protect": ref("steps"),
		"products": mapOf(object("a service holding per-site data", obj{
			"service": str("service"), "health": ref("probe"), "fingerprint": ref("probe"),
			"health-batch":      withDesc(ref("probe"), "optional batch health: sent the sites, answers per site ok or a reason"),
			"fingerprint-batch": withDesc(ref("probe"), "optional batch fingerprint: sent the sites, answers per site a checksum"),
			"canary":            object("optional: the batched canary write (templates see .Seq) and read", obj{"write": ref("probe"), "read": ref("probe")}, "write", "read"),
		}, "service", "health")),
		"links": mapOf(ref("probe")),
		"actions": mapOf(object("a named operation", obj{
			"description": str("one line"),
			"params":      mapOf(obj{"anyOf": []any{obj{"type": "null"}, scalar, listOf(scalar)}, "description": "~ for required, else the default"}),
			"steps":       obj{"type": "array", "items": ref("step"), "minItems": 1},
		}, "steps")),
	}) {
		p[k] = v
	}
	o := object("a drill stack: the system under test", p, "apiVersion", "kind", "name", "tenants")
	// Without a compose file there are services, each with an image.
	o["anyOf"] = []any{obj{"required": []string{"compose"}}, obj{"required": []string{"services"}, "properties": obj{
		"services": obj{"minProperties": 1, "additionalProperties": obj{"required": []string{"image"}}},
	}}}
	o["$id"] = StackSchemaID
	o["title"] = "drill Stack"
	return o
}
