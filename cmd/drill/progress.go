package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/drill-dev/drill/result"
)

// plainProgress prints one line per phase and per finished step, for CI logs.
type plainProgress struct {
	mu    sync.Mutex
	w     io.Writer
	start time.Time
	label string
}

func (p *plainProgress) line(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "%7.1fs %s "+format+"\n", append([]any{time.Since(p.start).Seconds(), p.label}, args...)...)
}

func (p *plainProgress) Phase(name string) { p.line("phase %s", name) }

func (p *plainProgress) Instances(step string, n int) { p.line("%s: %d sites", step, n) }

func (p *plainProgress) Event(phase, kind, name, site, outcome string) {
	if kind == result.EventInstance && outcome == result.OutcomeOK {
		return // per-site successes would drown a CI log; failures still show
	}
	if site != "" {
		p.line("%s %s [%s]: %s", phase, name, site, outcome)
		return
	}
	p.line("%s %s: %s", phase, name, outcome)
}

func (p *plainProgress) prompt(step, text string, how []string) func(string) {
	return linePrompt{w: p, label: p.label, interval: 30 * time.Second}.prompt(step, text, how)
}

func (p *plainProgress) say(line string) { linePrompt{w: p, label: p.label}.say(line) }

// Write prints b on its own lines with the elapsed time, for prompts.
func (p *plainProgress) Write(b []byte) (int, error) {
	for _, l := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		p.line("%s", strings.TrimPrefix(l, p.label+" "))
	}
	return len(b), nil
}

// barProgress draws a bar per fanned-out step on a terminal, with phases printed above.
type barProgress struct {
	mu    sync.Mutex
	p     *mpb.Progress
	bars  map[string]*mpb.Bar
	label string
	w     io.Writer
}

func newBarProgress(w io.Writer, label string) *barProgress {
	return &barProgress{p: mpb.New(mpb.WithOutput(w), mpb.WithWidth(40)), bars: map[string]*mpb.Bar{}, label: label, w: w}
}

func (b *barProgress) Phase(name string) {
	fmt.Fprintf(b.p, "%s phase %s\n", b.label, name)
}

func (b *barProgress) Instances(step string, n int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.bars[step] = b.p.AddBar(int64(n),
		mpb.PrependDecorators(decor.Name(step+" ", decor.WC{W: 24, C: decor.DindentRight}), decor.CountersNoUnit("%d/%d")),
		mpb.AppendDecorators(decor.Elapsed(decor.ET_STYLE_GO)),
	)
}

func (b *barProgress) Event(phase, kind, name, site, outcome string) {
	b.mu.Lock()
	bar := b.bars[name]
	b.mu.Unlock()
	if kind == result.EventInstance && bar != nil {
		bar.Increment()
	}
	if outcome != result.OutcomeOK {
		fmt.Fprintf(b.p, "%s %s %s [%s]: %s\n", b.label, phase, name, site, outcome)
	}
}

// prompt prints a manual step's prompt above the bars and shows a bar that counts how long
// it has waited.
func (b *barProgress) prompt(step, text string, how []string) func(string) {
	fmt.Fprintf(b.p, "%s MANUAL STEP %s: %s\n", b.label, shellQuote(step), text)
	for _, h := range how {
		fmt.Fprintf(b.p, "%s   %s\n", b.label, h)
	}
	bar := b.p.New(0, mpb.SpinnerStyle(),
		mpb.PrependDecorators(decor.Name("awaiting "+step+" ", decor.WC{W: 24, C: decor.DindentRight})),
		mpb.AppendDecorators(decor.Elapsed(decor.ET_STYLE_GO)),
	)
	start := time.Now()
	return func(answer string) {
		bar.Abort(true)
		fmt.Fprintf(b.p, "%s   %s: %s after %s\n", b.label, shellQuote(step), answer, time.Since(start).Round(time.Second))
	}
}

func (b *barProgress) say(line string) { fmt.Fprintf(b.p, "%s   %s\n", b.label, line) }

// wait finishes the bars.
func (b *barProgress) wait() {
	b.mu.Lock()
	for _, bar := range b.bars {
		if !bar.Completed() {
			bar.Abort(false)
		}
	}
	b.mu.Unlock()
	b.p.Wait()
}

// nopProgress shows nothing.
type nopProgress struct{}

func (nopProgress) Phase(string)                                 {}
func (nopProgress) Instances(string, int)                        {}
func (nopProgress) Event(string, string, string, string, string) {}
