package ack

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func TestAnswerReachesTheWaitingStepOnce(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	ch, err := Listen("r1")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got := make(chan Reply, 1)
	go func() {
		r, err := ch.Await(ctx, "approve", "Approve the restore")
		if err != nil {
			t.Error(err)
		}
		got <- r
	}()
	for len(ch.Awaiting()) == 0 {
		time.Sleep(time.Millisecond)
	}
	st, err := Send(ctx, "r1", Request{Op: "status"})
	if err != nil || len(st.Awaiting) != 1 || st.Awaiting[0].Step != "approve" || st.Awaiting[0].Prompt != "Approve the restore" {
		t.Fatalf("status %+v, %v", st, err)
	}
	if _, err := Send(ctx, "r1", Request{Op: "ack", Step: "declare"}); err == nil || !strings.Contains(err.Error(), `step "declare" is not awaited (awaiting "approve")`) {
		t.Fatalf("answering a step not awaited: %v", err)
	}
	resp, err := Send(ctx, "r1", Request{Op: "ack", Fail: true, Reason: "wrong sites", By: "alice@box"})
	if err != nil || resp.Step != "approve" {
		t.Fatalf("ack: %+v %v", resp, err)
	}
	if r := <-got; !r.Failed || r.Reason != "wrong sites" || r.By != "alice@box" {
		t.Fatalf("reply %+v", r)
	}
	if _, err := Send(ctx, "r1", Request{Op: "ack"}); err == nil || !strings.Contains(err.Error(), "no manual step is awaited now") {
		t.Fatalf("a second answer: %v", err)
	}
	if runs := Runs(); len(runs) != 1 || runs[0] != "r1" {
		t.Fatalf("runs %v", runs)
	}
	if err := ch.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(Dir("r1")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the channel's directory is left after Close: %v", err)
	}
	if _, err := Send(ctx, "r1", Request{Op: "status"}); !errors.Is(err, ErrNoRun) {
		t.Fatalf("after close: %v", err)
	}
}

func TestAwaitEndsWithItsContext(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	ch, err := Listen("r2")
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ch.Await(ctx, "x", "y"); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	if n := len(ch.Awaiting()); n != 0 {
		t.Fatalf("%d steps still awaited after their context ended", n)
	}
}
