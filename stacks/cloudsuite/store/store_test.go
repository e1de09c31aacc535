package store

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"
)

// A database that takes the connection and never answers (a pod's old address on Kubernetes
// after the pod was recreated elsewhere gets no answer at all) fails a connect within
// ConnectTimeout: a pool whose connects waited on it held its slots until the kernel gave up
// (about two minutes), and every request waited behind them.
func TestConnectToASilentDatabaseTimesOut(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, never answered
		}
	}()
	pool, err := Open(context.Background(), "postgres://postgres:pw@"+ln.Addr().String()+"/x?sslmode=disable", 1)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*ConnectTimeout)
	defer cancel()
	start := time.Now()
	err = pool.Ping(ctx)
	if err == nil || errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
		t.Fatalf("ping after %s: %v; want the connect to time out by itself after %s", time.Since(start), err, ConnectTimeout)
	}
}
