// Command sleeper is the test image of harness/docker: a static binary for a FROM scratch
// image. With no arguments it serves HTTP on :8080 until SIGTERM or SIGINT; its subcommands
// give exec and one-shot tests something to run where there is no shell.
//
//	sleeper                   serve "ok <hostname>" on :8080
//	sleeper say OUT ERR CODE  print OUT to stdout, ERR to stderr, exit CODE
//	sleeper write FILE TEXT   write TEXT to FILE
//	sleeper cat FILE          print FILE (- is stdin)
//	sleeper get URL           print the body of an HTTP GET
package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
)

func main() {
	if len(os.Args) < 2 {
		serve()
		return
	}
	args := os.Args[2:]
	switch os.Args[1] {
	case "say":
		if len(args) != 3 {
			fail("usage: sleeper say OUT ERR CODE")
		}
		fmt.Fprintln(os.Stdout, args[0])
		fmt.Fprintln(os.Stderr, args[1])
		code, _ := strconv.Atoi(args[2])
		os.Exit(code)
	case "write":
		if len(args) != 2 {
			fail("usage: sleeper write FILE TEXT")
		}
		if err := os.WriteFile(args[0], []byte(args[1]), 0o644); err != nil {
			fail(err.Error())
		}
	case "cat":
		if len(args) != 1 {
			fail("usage: sleeper cat FILE")
		}
		var b []byte
		var err error
		if args[0] == "-" {
			b, err = io.ReadAll(os.Stdin)
		} else {
			b, err = os.ReadFile(args[0])
		}
		if err != nil {
			fail(err.Error())
		}
		os.Stdout.Write(b)
	case "get":
		if len(args) != 1 {
			fail("usage: sleeper get URL")
		}
		resp, err := http.Get(args[0])
		if err != nil {
			fail(err.Error())
		}
		defer resp.Body.Close()
		_, _ = io.Copy(os.Stdout, resp.Body)
	default:
		fail("unknown subcommand " + strconv.Quote(os.Args[1]) + " (want say, write, cat, get)")
	}
}

func serve() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	host, _ := os.Hostname()
	srv := &http.Server{Addr: ":8080", Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, "ok %s\n", host)
	})}
	go func() {
		<-ctx.Done()
		_ = srv.Shutdown(context.Background())
	}()
	fmt.Println("listening on :8080")
	if err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {
		fail(err.Error())
	}
	fmt.Println("stopped")
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "sleeper:", msg)
	os.Exit(2)
}
