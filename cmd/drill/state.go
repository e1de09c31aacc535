package main

import (
	"io"
	"os"
	"os/signal"
	"syscall"
)

// state holds everything process-global a command touches, so that commands run in memory in
// tests and their exit codes can be asserted.
type state struct {
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// Signals delivers interrupts to long-running commands; tests send on it directly.
	Signals <-chan os.Signal
	// IsTerminal reports whether Stdout is a terminal (for progress bars).
	IsTerminal bool
	// Stdin is where an operator answers manual steps; StdinTerminal reports whether it is a
	// terminal (a person may be there).
	Stdin         io.Reader
	StdinTerminal bool
	// Exit ends the process at once (a second interrupt); tests replace it.
	Exit func(code int)
}

// osState is the state of a real process.
func osState() *state {
	sig := make(chan os.Signal, 2)
	// SIGHUP too: a closed terminal (a dropped ssh session during a game day's long wait for an
	// answer) stops the drill and tears down like Ctrl-C, instead of leaving the stack behind.
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	fi, err := os.Stdout.Stat()
	tty := err == nil && fi.Mode()&os.ModeCharDevice != 0
	in, err := os.Stdin.Stat()
	return &state{
		Stdin:         os.Stdin,
		StdinTerminal: err == nil && in.Mode()&os.ModeCharDevice != 0,
		Stdout:        os.Stdout,
		Stderr:        os.Stderr,
		Getenv:        os.Getenv,
		Signals:       sig,
		IsTerminal:    tty,
		Exit:          os.Exit,
	}
}
