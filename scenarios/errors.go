package scenarios

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// ErrInvalid is matched (errors.Is) by every error that says a scenario or stack file is
// invalid or unreadable; the CLI turns it into exit code 2.
var ErrInvalid = errors.New("invalid scenario")

// Error is one problem in a file, at a position, under a field path.
type Error struct {
	Pos  Pos
	Path string // field path, e.g. recover[1].concurrency; empty for whole-file problems
	Msg  string
}

// Error formats as file:line:col: path: message.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Pos.String())
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Is makes every Error match ErrInvalid.
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// String formats a position as file:line:col, leaving out what is unknown.
func (p Pos) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Errors is every problem found in one load, sorted by position. It is never empty when
// returned as an error.
type Errors []*Error

// Error joins the errors one per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Is makes Errors match ErrInvalid.
func (es Errors) Is(target error) bool { return target == ErrInvalid }

// Unwrap exposes the single errors to errors.As.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// sort orders errors by file, line, column, then path and message, and drops exact duplicates
// (a template checked twice, for example).
func (es Errors) sort() Errors {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.Pos.File != b.Pos.File {
			return a.Pos.File < b.Pos.File
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		if a.Pos.Col != b.Pos.Col {
			return a.Pos.Col < b.Pos.Col
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Msg < b.Msg
	})
	out := es[:0]
	for i, e := range es {
		if i > 0 && *e == *es[i-1] {
			continue
		}
		out = append(out, e)
	}
	return out
}

// maxErrors is the most errors one load reports; the rest are counted in a last line.
const maxErrors = 200

// capped keeps the first max errors and says how many more there were.
func (es Errors) capped(max int) Errors {
	if len(es) <= max {
		return es
	}
	last := es[max-1]
	more := &Error{Pos: Pos{File: last.Pos.File}, Msg: fmt.Sprintf("too many errors: %d more not shown", len(es)-max)}
	return append(es[:max:max], more)
}
