package main

import (
	"errors"
	"fmt"
)

// Exit codes of drill, as in DESIGN.md. Over several drills in one call the highest of
// 130 > 3 > 2 > 1 > 0 wins.
const (
	exitPass         = 0
	exitFail         = 1
	exitUsage        = 2
	exitInconclusive = 3
	exitInterrupted  = 130
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

// worse returns the exit code that wins between a and b: 130 > 3 > 2 > 1 > 0.
func worse(a, b int) int {
	rank := func(c int) int {
		switch c {
		case exitInterrupted:
			return 4
		case exitInconclusive:
			return 3
		case exitUsage:
			return 2
		case exitFail:
			return 1
		}
		return 0
	}
	if rank(b) > rank(a) {
		return b
	}
	return a
}
