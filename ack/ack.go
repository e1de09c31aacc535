package ack

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Request is what drill ack sends.
type Request struct {
	// Op is "ack" (answer a step) or "status" (list what is awaited).
	Op string `json:"op"`
	// Step names the step to answer; empty: the one awaited.
	Step   string `json:"step,omitempty"`
	Fail   bool   `json:"fail,omitempty"`
	Reason string `json:"reason,omitempty"`
	// By says who answers (user@host).
	By string `json:"by,omitempty"`
}

// Response is the drill's answer to a request.
type Response struct {
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
	// Step is the step answered.
	Step     string     `json:"step,omitempty"`
	Awaiting []Awaiting `json:"awaiting"`
}

// Awaiting is a step waiting for its answer.
type Awaiting struct {
	Step   string    `json:"step"`
	Prompt string    `json:"prompt"`
	Since  time.Time `json:"since"`
}

// Reply is an answer given to a waiting step.
type Reply struct {
	Failed bool
	Reason string
	By     string
}

// Dir is the directory of a run's channel.
func Dir(runID string) string {
	return filepath.Join(base(), runID)
}

func base() string {
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
		return filepath.Join(d, "drill")
	}
	return filepath.Join(os.TempDir(), "drill-"+strconv.Itoa(os.Getuid()))
}

func socket(runID string) string { return filepath.Join(Dir(runID), "ack.sock") }

// Channel is a run's listening end. Its zero value is not usable: call Listen.
type Channel struct {
	ln   net.Listener
	dir  string
	mu   sync.Mutex
	wait []*waiter
	done chan struct{}
	conn sync.WaitGroup // connections being answered
}

type waiter struct {
	Awaiting
	reply chan Reply
}

// Listen opens the channel of runID. The caller must call Close, which removes it.
func Listen(runID string) (*Channel, error) {
	dir := Dir(runID)
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return nil, fmt.Errorf("ack channel: %w", err)
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		return nil, fmt.Errorf("ack channel: %w", err)
	}
	ln, err := net.Listen("unix", socket(runID))
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("ack channel: %w", err)
	}
	c := &Channel{ln: ln, dir: dir, done: make(chan struct{})}
	go c.serve()
	return c, nil
}

// Close stops listening and removes the channel's directory.
func (c *Channel) Close() error {
	err := c.ln.Close()
	<-c.done
	c.conn.Wait()
	return errors.Join(err, os.RemoveAll(c.dir))
}

func (c *Channel) serve() {
	defer close(c.done)
	for {
		conn, err := c.ln.Accept()
		if err != nil {
			return
		}
		c.conn.Add(1)
		go func() {
			defer c.conn.Done()
			c.handle(conn)
		}()
	}
}

func (c *Channel) handle(conn net.Conn) {
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	var req Request
	line, err := bufio.NewReader(conn).ReadBytes('\n')
	if err == nil {
		err = json.Unmarshal(line, &req)
	}
	resp := Response{}
	var to *waiter
	switch {
	case err != nil:
		resp.Error = "bad request: " + err.Error()
	case req.Op == "status":
		resp.OK = true
	case req.Op == "ack":
		to, err = c.take(req.Step)
		resp.OK = err == nil
		if err != nil {
			resp.Error = err.Error()
		} else {
			resp.Step = to.Step
		}
	default:
		resp.Error = fmt.Sprintf("unknown op %q (want ack or status)", req.Op)
	}
	resp.Awaiting = c.Awaiting()
	b, _ := json.Marshal(resp)
	_, _ = conn.Write(append(b, '\n'))
	if to != nil { // answered after the response is written: the drill may end at once
		to.reply <- Reply{Failed: req.Fail, Reason: req.Reason, By: req.By}
	}
}

// take removes the waiting step named step (or the only one) so that it is answered once.
func (c *Channel) take(step string) (*waiter, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var names []string
	for _, w := range c.wait {
		names = append(names, strconv.Quote(w.Step))
	}
	for i, w := range c.wait {
		if step != "" && w.Step != step {
			continue
		}
		if step == "" && len(c.wait) > 1 {
			return nil, fmt.Errorf("several steps are awaited (%s): name one", strings.Join(names, ", "))
		}
		c.wait = append(c.wait[:i], c.wait[i+1:]...)
		return w, nil
	}
	if len(c.wait) == 0 {
		return nil, errors.New("no manual step is awaited now")
	}
	return nil, fmt.Errorf("step %q is not awaited (awaiting %s)", step, strings.Join(names, ", "))
}

// Await registers step as waiting and blocks until drill ack answers it or ctx ends.
func (c *Channel) Await(ctx context.Context, step, prompt string) (Reply, error) {
	w := &waiter{Awaiting: Awaiting{Step: step, Prompt: prompt, Since: time.Now()}, reply: make(chan Reply, 1)}
	c.mu.Lock()
	c.wait = append(c.wait, w)
	c.mu.Unlock()
	defer c.forget(w)
	select {
	case r := <-w.reply:
		return r, nil
	case <-ctx.Done():
		return Reply{}, ctx.Err()
	}
}

func (c *Channel) forget(w *waiter) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, x := range c.wait {
		if x == w {
			c.wait = append(c.wait[:i], c.wait[i+1:]...)
			return
		}
	}
}

// Awaiting lists the steps waiting now, oldest first.
func (c *Channel) Awaiting() []Awaiting {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Awaiting, 0, len(c.wait))
	for _, w := range c.wait {
		out = append(out, w.Awaiting)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Since.Before(out[j].Since) })
	return out
}

// ErrNoRun is returned by Send when no drill with that run ID listens on this machine.
var ErrNoRun = errors.New("no drill run waits for answers under that ID")

// Send delivers req to the drill runID and returns its response; a refused answer (no such
// step awaited) is an error carrying the drill's message.
func Send(ctx context.Context, runID string, req Request) (Response, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", socket(runID))
	if err != nil {
		return Response{}, fmt.Errorf("%w (%s): %v", ErrNoRun, socket(runID), err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	b, _ := json.Marshal(req)
	if _, err := conn.Write(append(b, '\n')); err != nil {
		return Response{}, fmt.Errorf("send: %w", err)
	}
	line, err := bufio.NewReader(conn).ReadBytes('\n')
	if err != nil {
		return Response{}, fmt.Errorf("read the answer: %w", err)
	}
	var resp Response
	if err := json.Unmarshal(line, &resp); err != nil {
		return Response{}, fmt.Errorf("read the answer: %w", err)
	}
	if !resp.OK {
		return resp, errors.New(resp.Error)
	}
	return resp, nil
}

// Runs lists the run IDs with a channel on this machine, sorted.
func Runs() []string {
	m, _ := filepath.Glob(filepath.Join(base(), "*", "ack.sock"))
	out := make([]string, 0, len(m))
	for _, p := range m {
		out = append(out, filepath.Base(filepath.Dir(p)))
	}
	sort.Strings(out)
	return out
}
