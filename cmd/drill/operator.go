package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"
	"time"

	"github.com/drill-dev/drill/ack"
	"github.com/drill-dev/drill/harness"
	"github.com/drill-dev/drill/scenarios"
)

// operator answers manual steps for drill run: from the terminal (a line: y when done, or
// f REASON), and from other shells through the run's ack channel (drill ack).
type operator struct {
	ch    *ack.Channel  // nil: no channel
	lines <-chan string // the terminal's lines; nil: no terminal
	show  promptDisplay
}

// promptDisplay shows a manual step waiting for its answer; done ends the display with what
// was answered.
type promptDisplay interface {
	prompt(step, text string, how []string) (done func(answer string))
	// say adds a line under the prompt.
	say(line string)
}

// terminalLines reads r line by line for the whole process (stdin is read once).
func terminalLines(r io.Reader) <-chan string {
	out := make(chan string)
	go func() {
		defer close(out)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			out <- sc.Text()
		}
	}()
	return out
}

// Await shows the prompt and waits for the terminal, drill ack or ctx, whichever comes first.
func (o *operator) Await(ctx context.Context, p harness.Prompt) (harness.Answer, error) {
	o.drain()
	var how []string
	if o.lines != nil {
		how = append(how, "type y + Enter when it is done, or f REASON + Enter if it failed")
	}
	if o.ch != nil {
		how = append(how, fmt.Sprintf("from another shell: drill ack %s %s [--fail REASON]", p.Run, shellQuote(p.Step)))
	}
	done := o.show.prompt(p.Step, p.Text, how)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	acks := make(chan ack.Reply, 1)
	if o.ch != nil {
		go func() {
			if r, err := o.ch.Await(ctx, p.Step, p.Text); err == nil {
				acks <- r
			}
		}()
	}
	for {
		select {
		case <-ctx.Done():
			done("interrupted")
			return harness.Answer{}, ctx.Err()
		case r := <-acks:
			a := harness.Answer{Failed: r.Failed, Reason: r.Reason, By: "drill ack (" + r.By + ")"}
			done(describe(a))
			return a, nil
		case line, ok := <-o.lines:
			if !ok {
				o.lines = nil // stdin closed: only drill ack can answer now
				continue
			}
			a, ok := parseAnswer(line)
			if !ok {
				o.show.say("answer y (done) or f REASON (failed), not " + shellQuote(line))
				continue
			}
			done(describe(a))
			return a, nil
		}
	}
}

// drain drops lines typed while nothing was asked, so they cannot answer the next prompt.
func (o *operator) drain() {
	for o.lines != nil {
		select {
		case _, ok := <-o.lines:
			if !ok {
				o.lines = nil
			}
		default:
			return
		}
	}
}

// parseAnswer reads a terminal answer: y, yes or done confirms; f, fail or failed, then the
// reason, fails.
func parseAnswer(line string) (harness.Answer, bool) {
	word, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
	switch strings.ToLower(word) {
	case "y", "yes", "done":
		return harness.Answer{By: "terminal"}, true
	case "f", "fail", "failed":
		reason := strings.TrimSpace(rest)
		if reason == "" {
			reason = "no reason given"
		}
		return harness.Answer{Failed: true, Reason: reason, By: "terminal"}, true
	}
	return harness.Answer{}, false
}

func describe(a harness.Answer) string {
	if a.Failed {
		return "failed by " + a.By + ": " + a.Reason
	}
	return "confirmed by " + a.By
}

// whoami is user@host, for the answers drill ack gives.
func whoami() string {
	name := "someone"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	host, _ := os.Hostname()
	return name + "@" + host
}

// shellQuote quotes s for a shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '-' || r == '_' || r == '.' || r == '/' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// linePrompt shows prompts as plain lines on w, repeating that the step waits every interval.
type linePrompt struct {
	w        io.Writer
	label    string
	interval time.Duration
}

func (l linePrompt) prompt(step, text string, how []string) func(string) {
	fmt.Fprintf(l.w, "%s MANUAL STEP %s: %s\n", l.label, shellQuote(step), text)
	for _, h := range how {
		fmt.Fprintf(l.w, "%s   %s\n", l.label, h)
	}
	start := time.Now()
	stop := make(chan struct{})
	go func() {
		t := time.NewTicker(l.interval)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				fmt.Fprintf(l.w, "%s   awaiting %s for %s\n", l.label, shellQuote(step), time.Since(start).Round(time.Second))
			}
		}
	}()
	return func(answer string) {
		close(stop)
		fmt.Fprintf(l.w, "%s   %s: %s after %s\n", l.label, shellQuote(step), answer, time.Since(start).Round(time.Second))
	}
}

func (l linePrompt) say(line string) { fmt.Fprintf(l.w, "%s   %s\n", l.label, line) }

// Manual modes of drill run.
const (
	manualAuto     = "auto"
	manualWait     = "wait"
	manualSimulate = "simulate"
)

// manualMode resolves --manual: auto waits when a person can answer on this terminal and CI is
// not set, and simulates otherwise.
func manualMode(st *state, mode string) (string, error) {
	switch mode {
	case manualWait, manualSimulate:
		return mode, nil
	case manualAuto:
		if st.StdinTerminal && st.IsTerminal && st.Getenv("CI") == "" {
			return manualWait, nil
		}
		return manualSimulate, nil
	}
	return "", fmt.Errorf("--manual %q: want auto, wait or simulate", mode)
}

// checkManual refuses, before anything starts, a simulated run of a scenario whose manual
// steps declare no simulate time.
func checkManual(cells []harness.Cell, mode string) error {
	if mode != manualSimulate {
		return nil
	}
	seen := map[string]bool{}
	var errs []string
	for _, c := range cells {
		if seen[c.Scenario.File] {
			continue
		}
		seen[c.Scenario.File] = true
		if err := c.Scenario.CheckUnattended(); err != nil {
			errs = append(errs, err.Error())
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("nobody can answer manual steps here (no terminal, or CI is set):\n%s\n"+
		"run it on a terminal, or with --manual wait and answer with drill ack, or give the steps simulate times", strings.Join(errs, "\n"))
}

// manualOptions gives a drill its operator when manual steps wait for answers: the terminal
// and the run's ack channel. closeManual removes the channel.
func manualOptions(st *state, c harness.Cell, f runFlags, obs harness.Observer, label string) ([]harness.Option, func(), error) {
	runID := harness.NewRunID()
	opts := []harness.Option{harness.WithRunID(runID)}
	if f.manual != manualWait || len(c.Scenario.ManualSteps()) == 0 {
		return opts, func() {}, nil
	}
	ch, err := ack.Listen(runID)
	if err != nil {
		return nil, nil, err
	}
	show, ok := obs.(promptDisplay)
	if !ok {
		show = linePrompt{w: st.Stderr, label: label, interval: 30 * time.Second}
	}
	fmt.Fprintf(st.Stderr, "%s run %s: manual steps wait for answers here or from drill ack %s\n", label, runID, runID)
	op := &operator{ch: ch, lines: f.lines, show: show}
	return append(opts, harness.WithOperator(op)), func() { _ = ch.Close() }, nil
}

// describeManual is a manual step in a dry run: its name, simulate time and rendered prompt.
func describeManual(s *scenarios.Step, d scenarios.TemplateData) string {
	text := s.Manual.Prompt
	if r, err := scenarios.Render(text, d); err == nil {
		text = r
	}
	sim := "no simulate: an unattended run refuses it"
	if s.Manual.Simulate != nil {
		sim = "simulate " + scenarios.FormatDuration(*s.Manual.Simulate)
	}
	name := s.Name
	if name == "" {
		name = "manual"
	}
	return fmt.Sprintf("manual %s (%s): %s", shellQuote(name), sim, text)
}
