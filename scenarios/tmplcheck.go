package scenarios

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"text/template/parse"
)

// tmplCtx says what a template may name where it stands.
type tmplCtx struct {
	site bool     // .Site: a foreach step or a per-site probe
	seq  bool     // .Seq: a canary write
	t0   bool     // .T0: recover and milestones
	args []string // .Args.X: the declared parameters of the enclosing action
	// inAction: .Args exists (even with no parameters).
	inAction bool
}

// tmplRef is a template found while decoding, checked once the sizes are known.
type tmplRef struct {
	pos  Pos
	path string
	text string
	ctx  tmplCtx
}

// sizeParams returns the parameters every size has, and for each other parameter the sizes
// lacking it; nil sizes (a stack alone) allow any parameter.
type sizeParams struct {
	known   bool
	all     map[string]bool
	missing map[string][]string
	names   []string
	of      string // ", the parameters of scenario FILE's sizes" for a stack's templates
}

func newSizeParams(sizes []*Size) sizeParams {
	if sizes == nil {
		return sizeParams{}
	}
	sp := sizeParams{known: true, all: map[string]bool{}, missing: map[string][]string{}}
	count := map[string]int{"sites": len(sizes)} // a size without sites is reported on its own
	for _, s := range sizes {
		if _, ok := s.Params["sites"]; ok {
			count["sites"]--
		}
		for p := range s.Params {
			count[p]++
		}
	}
	for p, c := range count {
		if c == len(sizes) {
			sp.all[p] = true
			sp.names = append(sp.names, p)
			continue
		}
		for _, s := range sizes {
			if _, ok := s.Params[p]; !ok {
				sp.missing[p] = append(sp.missing[p], s.Name)
			}
		}
	}
	sort.Strings(sp.names)
	return sp
}

// checkTemplate parses one template and walks its tree, returning a message per problem.
func checkTemplate(r tmplRef, sp sizeParams) []string {
	trees, err := parse.Parse("t", r.text, "{{", "}}", funcNames)
	if err != nil {
		return []string{"template: " + parseMessage(err, strings.Contains(r.text, "\n"))}
	}
	c := &tmplChecker{ctx: r.ctx, sp: sp}
	for _, name := range sortedKeys(trees) {
		if t := trees[name]; t != nil && t.Root != nil {
			c.walk(t.Root, dotRoot)
		}
	}
	return c.msgs
}

// funcNames are the functions a template may call: drill's and text/template's built-ins. The
// check parses with them directly (parse.Parse), which is several times cheaper than building a
// template.Template per string.
var funcNames = func() map[string]any {
	m := map[string]any{}
	for _, n := range []string{"and", "call", "html", "index", "slice", "js", "len", "not", "or",
		"print", "printf", "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne"} {
		m[n] = true
	}
	for n, f := range Funcs {
		m[n] = f
	}
	return m
}()

// parseMessage shortens text/template's "template: t:3: unclosed action" to "unclosed action",
// keeping the line ("line 3: ...") for templates of several lines.
func parseMessage(err error, multiline bool) string {
	m := parseErrRE.FindStringSubmatch(err.Error())
	if m == nil {
		return err.Error()
	}
	if multiline {
		return "line " + m[1] + ": " + m[2]
	}
	return m[2]
}

var parseErrRE = regexp.MustCompile(`^template: t:(\d+):(?:\d+:)? ?(.*)$`)

type tmplChecker struct {
	ctx  tmplCtx
	sp   sizeParams
	msgs []string
}

func (c *tmplChecker) errorf(format string, args ...any) {
	msg := "template: " + fmt.Sprintf(format, args...)
	if !contains(c.msgs, msg) {
		c.msgs = append(c.msgs, msg)
	}
}

// dot is what dot stands for where a node sits: the template data, one site ID inside
// {{range .Sites}}, or something else (inside another range or a with).
type dot int

const (
	dotRoot dot = iota
	dotSite
	dotOther
)

// walk visits a node.
func (c *tmplChecker) walk(n parse.Node, d dot) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, x := range n.Nodes {
			c.walk(x, d)
		}
	case *parse.ActionNode:
		c.walk(n.Pipe, d)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, cmd := range n.Cmds {
			c.walk(cmd, d)
		}
	case *parse.CommandNode:
		c.driverArg(n)
		for _, a := range n.Args {
			c.walk(a, d)
		}
	case *parse.FieldNode:
		switch d {
		case dotRoot:
			c.field(n.Ident)
		case dotSite:
			c.errorf("inside {{range .Sites}} dot is one site ID (a string) and has no field .%s: name the site as {{.}} or by the range's variable ({{sqlquote $s}} in sql)", strings.Join(n.Ident, "."))
		}
	case *parse.VariableNode:
		if len(n.Ident) > 1 && n.Ident[0] == "$" {
			c.field(n.Ident[1:])
		}
	case *parse.ChainNode:
		c.walk(n.Node, d)
	case *parse.IfNode:
		c.branch(&n.BranchNode, d, d)
	case *parse.RangeNode:
		inner := dotOther
		if d == dotRoot && rangesOverSites(n.Pipe) {
			inner = dotSite
		}
		c.branch(&n.BranchNode, d, inner)
	case *parse.WithNode:
		c.branch(&n.BranchNode, d, dotOther)
	case *parse.TemplateNode:
		c.errorf("{{template}} is not supported")
	}
}

// rangesOverSites is true for the pipe of {{range .Sites}} and {{range $i, $s := .Sites}}.
func rangesOverSites(p *parse.PipeNode) bool {
	if p == nil || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return false
	}
	f, ok := p.Cmds[0].Args[0].(*parse.FieldNode)
	return ok && len(f.Ident) == 1 && f.Ident[0] == "Sites"
}

// driverArg checks the driver named by a call of an SQL literal helper, when it is a literal.
func (c *tmplChecker) driverArg(n *parse.CommandNode) {
	id, ok := n.Args[0].(*parse.IdentifierNode)
	if !ok || !contains(sqlFuncNames, id.Ident) || len(n.Args) < 3 {
		return
	}
	if len(n.Args) > 3 {
		c.errorf("%s takes a value and at most one driver", id.Ident)
		return
	}
	if s, ok := n.Args[2].(*parse.StringNode); ok && !contains(SQLDrivers, s.Text) {
		c.errorf("%s: unknown sql driver %q (want %s)", id.Ident, s.Text, strings.Join(SQLDrivers, ", "))
	}
}

func (c *tmplChecker) branch(b *parse.BranchNode, d, inner dot) {
	c.walk(b.Pipe, d)
	c.walk(b.List, inner)
	c.walk(b.ElseList, d)
}

var templateFields = []string{".Site", ".Sites", ".Size.NAME", ".Args.NAME", ".T0", ".Hit", ".Seq", ".Run", ".Seed"}

// field checks one field chain such as [Size sites].
func (c *tmplChecker) field(id []string) {
	switch id[0] {
	case "Sites", "Run", "Seed":
	case "Site":
		switch {
		case c.ctx.seq:
			c.errorf(".Site does not exist in a canary write: it is one write for every site (use .Sites: {{range $i, $s := .Sites}}…{{sqlquote $s}}…{{end}})")
		case !c.ctx.site:
			c.errorf(".Site exists only in a step with foreach and in per-site probes (use .Sites)")
		}
	case "Seq":
		if !c.ctx.seq {
			c.errorf(".Seq exists only in canary write templates")
		}
	case "T0":
		if !c.ctx.t0 {
			c.errorf(".T0 exists only in recover and milestones")
		}
	case "Hit":
		if !c.ctx.t0 || !c.ctx.site {
			c.errorf(".Hit exists only in recover steps with foreach (the site's own hit instant)")
		}
	case "Size":
		if len(id) < 2 {
			return
		}
		if len(id) > 2 {
			c.errorf(".Size.%s is a string and has no field %s", id[1], id[2])
		}
		if !c.sp.known {
			return
		}
		if miss, ok := c.sp.missing[id[1]]; ok {
			c.errorf(".Size.%s is not a parameter of every size (missing in %s)", id[1], strings.Join(miss, ", "))
		} else if !c.sp.all[id[1]] {
			c.errorf("unknown size parameter .Size.%s (want %s%s)", id[1], choices(c.sp.names), c.sp.of)
		}
	case "Args":
		if !c.ctx.inAction {
			c.errorf(".Args exists only in the steps of an action")
			return
		}
		if len(id) >= 2 && !contains(c.ctx.args, id[1]) {
			c.errorf("unknown parameter .Args.%s (want %s)", id[1], choices(c.ctx.args))
		}
	default:
		c.errorf("unknown field .%s (want %s)", id[0], strings.Join(templateFields, ", "))
	}
}

// checkTemplates checks every recorded template against the sizes (nil: any parameter); of
// names the scenario whose sizes they are when the templates are a stack's.
func checkTemplates(refs []tmplRef, sizes []*Size, of string) Errors {
	sp := newSizeParams(sizes)
	if of != "" {
		sp.of = ": the parameters of the sizes of " + of
	}
	var errs Errors
	for _, r := range refs {
		for _, m := range checkTemplate(r, sp) {
			errs = append(errs, &Error{Pos: r.pos, Path: r.path, Msg: m})
		}
	}
	return errs
}
