package scenarios

// The decoding of a stack's actions: their parameters, their steps, and cycles between them.

import (
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// actionsOf decodes the actions in two passes: every action's parameters first, so that steps
// can call actions declared after them, then the steps.
func (d *decoder) actionsOf(n *yaml.Node, path string, st *Stack) {
	es, ok := d.entries(n, path)
	if !ok {
		return
	}
	st.Actions = map[string]*Action{}
	body := map[string]fields{}
	for _, e := range es {
		if !nameRE.MatchString(e.key) {
			d.errorf(e.kn, e.path, "bad action name %q (want lower-case letters, digits and dashes)", e.key)
		}
		f, ok := d.mapping(e.val, e.path, "description", "params", "steps")
		if !ok {
			continue
		}
		a := &Action{Pos: d.pos(e.kn), Name: e.key, Params: map[string]any{}}
		if v, p := f.get("description"); v != nil {
			a.Description = d.str(v, p)
		}
		if v, p := f.get("params"); v != nil {
			d.params(v, p, a)
		}
		st.Actions[e.key] = a
		d.actions[e.key] = a
		body[e.key] = f
	}
	for _, e := range es {
		a, f := st.Actions[e.key], body[e.key]
		if a == nil {
			continue
		}
		if !d.require(f, "steps") {
			continue
		}
		v, p := f.get("steps")
		tc := tmplCtx{inAction: true, args: sortedKeys(a.Params)}
		a.Steps = d.steps(v, p, stepPlace{tc: tc, affected: true, caller: a.Name})
		if l := d.derefQuiet(v); l != nil && l.Kind == yaml.SequenceNode && len(l.Content) == 0 {
			d.errorf(l, p, "want at least one step")
		}
	}
}

// params decodes {name: default}; ~ marks a required parameter.
func (d *decoder) params(n *yaml.Node, path string, a *Action) {
	es, ok := d.entries(n, path)
	if !ok {
		return
	}
	for _, e := range es {
		if !wordRE.MatchString(e.key) {
			d.errorf(e.kn, e.path, "bad parameter name %q (want one word: letters, digits, _; templates read .Args.NAME)", e.key)
		}
		if v := d.derefQuiet(e.val); v != nil && v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
			a.Params[e.key] = nil
			a.Required = append(a.Required, e.key)
			continue
		}
		a.Params[e.key] = d.argValue(e.val, e.path, nil)
	}
}

// actionCycles reports actions that call themselves, directly or not.
func (d *decoder) actionCycles(st *Stack) {
	state := map[string]int{}
	var visit func(name string, stack []string)
	visit = func(name string, stack []string) {
		switch state[name] {
		case 2:
			return
		case 1:
			i := slices.Index(stack, name)
			cycle := append(slices.Clone(stack[i:]), name)
			a := st.Actions[cycle[0]]
			d.errs = append(d.errs, &Error{Pos: a.Pos, Path: "actions." + cycle[0],
				Msg: "actions call each other in a cycle: " + strings.Join(cycle, " -> ")})
			return
		}
		state[name] = 1
		for _, c := range d.calls[name] {
			visit(c, append(stack, name))
		}
		state[name] = 2
	}
	for _, n := range sortedKeys(st.Actions) {
		visit(n, nil)
	}
}
