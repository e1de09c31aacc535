package harness

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/drill-dev/drill/result"
)

// panicError is a panic of the harness, recovered: a bug of drill, never of the stack under
// test, so the drill is inconclusive and the result names it.
type panicError struct {
	phase string // the phase running when it happened
	where string // what was running: "canary write things", "probe", "step delete" …
	value any
	stack string
}

func (e *panicError) Error() string {
	return fmt.Sprintf("harness panic in the %s phase (%s): %v", e.phase, e.where, e.value)
}

func (e *panicError) Unwrap() error { return ErrInfrastructure }

// panics keeps the first panic of a drill and stops the drill when one happens.
type panics struct {
	mu     sync.Mutex
	first  *panicError
	count  int
	cancel context.CancelCauseFunc // cancels the phases' context; nil before Run sets it
}

// recovered is deferred by code that runs for a drill, on any goroutine:
//
//	defer d.recovered("canary write "+product, &err)
//
// It recovers a panic in progress, records it (the first one is the result's reason), stops
// the drill, and sets *err (when err is not nil) to the panic as an error, so the caller
// returns instead of crashing the process.
func (d *drill) recovered(where string, err *error) {
	v := recover()
	if v == nil {
		return
	}
	pe := &panicError{phase: d.phaseNow(), where: where, value: v, stack: string(debug.Stack())}
	d.panics.mu.Lock()
	d.panics.count++
	if d.panics.first == nil {
		d.panics.first = pe
	}
	cancel := d.panics.cancel
	d.panics.mu.Unlock()
	d.log.Error("harness panic", "phase", pe.phase, "where", where, "panic", fmt.Sprint(v), "stack", pe.stack)
	if cancel != nil {
		cancel(pe)
	}
	if err != nil {
		*err = pe
	}
}

// safely runs fn, turning a panic into its error.
func (d *drill) safely(where string, fn func() error) (err error) {
	defer d.recovered(where, &err)
	return fn()
}

// firstPanic returns the first panic recovered in this drill, or nil.
func (d *drill) firstPanic() *panicError {
	d.panics.mu.Lock()
	defer d.panics.mu.Unlock()
	return d.panics.first
}

// notePanic makes a result that saw a panic inconclusive, naming the first one and where it
// happened, whatever the verdict was.
func (d *drill) notePanic(res *result.Result) {
	pe := d.firstPanic()
	if pe == nil {
		return
	}
	d.panics.mu.Lock()
	n := d.panics.count
	d.panics.mu.Unlock()
	res.Verdict = result.Inconclusive
	res.Expected = false
	res.Reason = d.redact(pe.Error())
	msg := pe.Error() + "\n" + stackTop(pe.stack, 12)
	if n > 1 {
		msg += fmt.Sprintf("\n(%d panics in all; this is the first)", n)
	}
	res.Errors = append(res.Errors, d.redact(msg))
}

// stackTop keeps the first n lines of a goroutine stack.
func stackTop(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = append(lines[:n], "…")
	}
	return strings.Join(lines, "\n")
}
