package main

import (
	"errors"
	"fmt"

	"github.com/drill-dev/drill/result"
)

// Exit codes of drill, defined with the verdicts in package result. Over several drills in one
// call the highest of 130 > 3 > 2 > 1 > 0 wins (result.WorstExit).
const (
	exitPass         = result.ExitPass
	exitFail         = result.ExitFail
	exitUsage        = result.ExitInvalid
	exitInconclusive = result.ExitInconclusive
	exitInterrupted  = result.ExitAborted
)

// exitError carries an exit code out of a command; its message (when not empty) has already
// been shaped for the user.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// withCode wraps err so that drill exits with code.
func withCode(code int, err error) error { return &exitError{code: code, err: err} }

// codeOf returns the exit code for an error returned by a command.
func codeOf(err error) int {
	if err == nil {
		return exitPass
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return exitUsage
}
