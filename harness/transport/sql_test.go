package transport

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/drill-dev/drill/harness/runtime"
	"github.com/drill-dev/drill/harness/runtime/runtimetest"
	"github.com/drill-dev/drill/scenarios"
)

// services finds one started fake container per service.
type services map[string]runtime.Container

func (s services) Container(name string) (runtime.Container, error) { return s[name], nil }

// An sql connection that speaks PostgreSQL's protocol to a MySQL-family server (a MariaDB stack
// written without driver: mysql) fails naming the likely cause, not only pgx's "unknown message
// type".
func TestSQLToAMySQLServerWithoutItsDriverSaysSo(t *testing.T) {
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
			// A MySQL server speaks first: its handshake packet (length, sequence 0, protocol 10).
			_, _ = c.Write(append([]byte{0x4a, 0, 0, 0, 0x0a}, []byte("5.5.5-10.11.6-MariaDB\x00")...))
		}
	}()
	const port = 3306
	rt := runtimetest.New()
	rt.SetPort(port, ln.Addr().String())
	ctr, err := rt.Start(context.Background(), runtime.ContainerSpec{Name: "db"})
	if err != nil {
		t.Fatal(err)
	}
	defer ctr.Remove(context.Background(), false)
	stack := &scenarios.Stack{Services: map[string]*scenarios.Service{
		"db": {Name: "db", Ports: []int{port}, SQL: &scenarios.SQLConn{Port: port, User: "drill", Password: "pw", Database: "tenants"}},
	}}
	p := New(stack, services{"db": ctr})
	defer p.Close(context.Background())
	_, err = p.Check(context.Background(), scenarios.Probe{SQL: &scenarios.SQLCall{Service: "db", Query: "select 1"}}, scenarios.TemplateData{}, "")
	if err == nil || !strings.Contains(err.Error(), "driver: mysql") {
		t.Fatalf("got %v, want an error that names driver: mysql", err)
	}
}
