// Command kubeutil holds the small host-side helpers of drill's local cluster (make kube-up):
//
//	kubeutil relay LISTEN TARGET   relays TCP connections from LISTEN to TARGET (the API server
//	                               listens on 127.0.0.1 only; pods reach it through the relay on
//	                               the CNI bridge's address, which is the cluster's advertised
//	                               API address)
//	kubeutil dns SERVER NAME       resolves NAME at the DNS server SERVER (host:port) and prints
//	                               the addresses; exits 1 when it does not answer
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"
)

func main() {
	if len(os.Args) != 4 {
		usage()
	}
	switch os.Args[1] {
	case "relay":
		if err := relay(os.Args[2], os.Args[3]); err != nil {
			fmt.Fprintln(os.Stderr, "kubeutil relay:", err)
			os.Exit(1)
		}
	case "dns":
		if err := resolve(os.Args[2], os.Args[3]); err != nil {
			fmt.Fprintln(os.Stderr, "kubeutil dns:", err)
			os.Exit(1)
		}
	default:
		usage()
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: kubeutil relay LISTEN TARGET | kubeutil dns SERVER NAME")
	os.Exit(2)
}

func relay(listen, target string) error {
	l, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	for {
		c, err := l.Accept()
		if err != nil {
			return err
		}
		go func() {
			defer c.Close()
			u, err := net.DialTimeout("tcp", target, 5*time.Second)
			if err != nil {
				fmt.Fprintln(os.Stderr, "kubeutil relay:", err)
				return
			}
			defer u.Close()
			done := make(chan struct{}, 2)
			go func() { io.Copy(u, c); u.(*net.TCPConn).CloseWrite(); done <- struct{}{} }()
			go func() { io.Copy(c, u); c.(*net.TCPConn).CloseWrite(); done <- struct{}{} }()
			<-done
			<-done
		}()
	}
}

func resolve(server, name string) error {
	r := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, server)
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	addrs, err := r.LookupHost(ctx, name)
	if err != nil {
		return err
	}
	fmt.Println(strings.Join(addrs, " "))
	return nil
}
