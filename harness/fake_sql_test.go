package harness

import (
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgproto3"
)

// fakeSQLPort is the port whose endpoint is the fake PostgreSQL server.
const fakeSQLPort = 5432

// startFakeSQL serves the PostgreSQL wire protocol (simple queries only) over the fakeApp's
// state on 127.0.0.1 and points rt's sql endpoint at it. Its "SQL" is a grammar of its own,
// whose site lists are the literals drill's helpers write (sqlquote, sqlin, pgarray), so the
// quoting is read back the way a server reads it:
//
//	ping                       one row (1)
//	sites                      rows (id): the sites in order
//	health 'SITE'              one row (bool): the site exists
//	exists 'SITE'              one row (1) when the site exists, none otherwise
//	fingerprint 'SITE'         one row (text) fp-SITE; an error when the site is gone
//	canary-write N (LIST)      writes canary N for every site; an error if one is gone
//	canary-read ARRAY[...]     rows (site, seq)
//	health-batch ARRAY[...]    rows (site, 'ok' | 'gone')
//	fingerprint-batch (LIST)   rows (site, checksum) for the sites that exist
//	fail                       an error
//
// begin, commit, rollback and empty statements answer as a server would.
func startFakeSQL(t testing.TB, rt *fakeRuntime) (stop func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	stop = func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	}
	t.Cleanup(stop)
	rt.SetPort(fakeSQLPort, ln.Addr().String())
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			go serveFakeSQL(c, rt.app)
		}
	}()
	return stop
}

func serveFakeSQL(c net.Conn, app *fakeApp) {
	defer c.Close()
	be := pgproto3.NewBackend(c, c)
	for {
		m, err := be.ReceiveStartupMessage()
		if err != nil {
			return
		}
		if _, ok := m.(*pgproto3.StartupMessage); ok {
			break
		}
		if _, err := c.Write([]byte("N")); err != nil { // no TLS, no GSS
			return
		}
	}
	be.Send(&pgproto3.AuthenticationOk{})
	for k, v := range map[string]string{"server_version": "15.0", "client_encoding": "UTF8", "standard_conforming_strings": "on"} {
		be.Send(&pgproto3.ParameterStatus{Name: k, Value: v})
	}
	be.Send(&pgproto3.BackendKeyData{ProcessID: 1, SecretKey: []byte{0, 0, 0, 1}})
	be.Send(&pgproto3.ReadyForQuery{TxStatus: 'I'})
	for {
		if be.Flush() != nil {
			return
		}
		m, err := be.Receive()
		if err != nil {
			return
		}
		switch q := m.(type) {
		case *pgproto3.Query:
			answerFakeSQL(be, app, q.String)
			be.Send(&pgproto3.ReadyForQuery{TxStatus: 'I'})
		case *pgproto3.Terminate:
			return
		}
	}
}

// answerFakeSQL runs one statement and sends its result (or error).
func answerFakeSQL(be *pgproto3.Backend, app *fakeApp, q string) {
	q = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(q), ";"))
	if q == "" || strings.HasPrefix(q, "--") {
		be.Send(&pgproto3.EmptyQueryResponse{})
		return
	}
	cols, rows, err := app.sql(q)
	if err != nil {
		be.Send(&pgproto3.ErrorResponse{Severity: "ERROR", Code: "XX000", Message: err.Error()})
		return
	}
	if cols != nil {
		fields := make([]pgproto3.FieldDescription, len(cols))
		for i, c := range cols {
			name, oid, _ := strings.Cut(c, ":")
			o, _ := strconv.Atoi(oid)
			fields[i] = pgproto3.FieldDescription{Name: []byte(name), DataTypeOID: uint32(o), DataTypeSize: -1, TypeModifier: -1}
		}
		be.Send(&pgproto3.RowDescription{Fields: fields})
		for _, r := range rows {
			vals := make([][]byte, len(r))
			for i, v := range r {
				vals[i] = []byte(v)
			}
			be.Send(&pgproto3.DataRow{Values: vals})
		}
	}
	tag := strings.ToUpper(strings.Fields(q)[0])
	if cols != nil {
		tag = fmt.Sprintf("SELECT %d", len(rows))
	}
	be.Send(&pgproto3.CommandComplete{CommandTag: []byte(tag)})
}

var fakeSQLRE = regexp.MustCompile(`^([a-z-]+)\s*(\d+)?\s*(.*)$`)

// sql interprets one statement of the fake's grammar: column "name:oid" list (nil for a
// statement without rows) and text rows.
func (a *fakeApp) sql(q string) ([]string, [][]string, error) {
	m := fakeSQLRE.FindStringSubmatch(q)
	if m == nil {
		return nil, nil, fmt.Errorf("fake sql: cannot read %q", q)
	}
	verb, num, rest := m[1], m[2], m[3]
	if verb == "begin" || verb == "commit" || verb == "rollback" {
		return nil, nil, nil
	}
	sites, err := literals(rest)
	if err != nil {
		return nil, nil, err
	}
	site := ""
	if len(sites) > 0 {
		site = sites[0]
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	const text, boolean, int8 = "25", "16", "20"
	var rows [][]string
	switch verb {
	case "ping":
		return []string{"one:" + int8}, [][]string{{"1"}}, nil
	case "sites":
		for _, s := range a.sites {
			rows = append(rows, []string{s})
		}
		return []string{"id:" + text}, rows, nil
	case "health":
		return []string{"ok:" + boolean}, [][]string{{map[bool]string{true: "t", false: "f"}[a.exists(site)]}}, nil
	case "exists":
		if a.exists(site) {
			rows = [][]string{{"1"}}
		}
		return []string{"one:" + int8}, rows, nil
	case "fingerprint":
		if !a.exists(site) {
			return nil, nil, fmt.Errorf("site %s is gone", site)
		}
		if a.corrupt[site] {
			return []string{"fp:" + text}, [][]string{{"fp-" + site + "-corrupted"}}, nil
		}
		return []string{"fp:" + text}, [][]string{{"fp-" + site}}, nil
	case "canary-write":
		seq, _ := strconv.Atoi(num)
		for _, s := range sites {
			if !a.exists(s) {
				return nil, nil, fmt.Errorf("insert canary: site %s does not exist", s)
			}
		}
		for _, s := range sites {
			a.canaries[s] = append(a.canaries[s], seq)
		}
		return nil, nil, nil
	case "canary-read":
		for _, s := range sites {
			for _, seq := range a.canaries[s] {
				rows = append(rows, []string{s, strconv.Itoa(seq)})
			}
		}
		return []string{"site:" + text, "seq:" + int8}, rows, nil
	case "health-batch", "fingerprint-batch":
		ans := a.batch(strings.TrimSuffix(verb, "-batch"), sites)
		for _, s := range sites {
			if v, ok := ans[s]; ok {
				rows = append(rows, []string{s, v})
			}
		}
		return []string{"site:" + text, "answer:" + text}, rows, nil
	}
	return nil, nil, fmt.Errorf("fake sql: unknown statement %q", verb)
}

// exists reports whether a site was seeded and not deleted. a.mu must be held.
func (a *fakeApp) exists(s string) bool {
	for _, x := range a.sites {
		if x == s {
			return !a.gone[s]
		}
	}
	return false
}

// literals reads the PostgreSQL string literals in s the way the server does (” is a quote;
// in E'...' a backslash escapes the next character) and ignores everything between them.
func literals(s string) ([]string, error) {
	var out []string
	for i := 0; i < len(s); i++ {
		if s[i] != '\'' {
			continue
		}
		esc := i > 0 && (s[i-1] == 'E' || s[i-1] == 'e')
		var b strings.Builder
		closed := false
		for i++; i < len(s); i++ {
			switch {
			case esc && s[i] == '\\' && i+1 < len(s):
				i++
				b.WriteByte(s[i])
				continue
			case s[i] == '\'' && i+1 < len(s) && s[i+1] == '\'':
				i++
				b.WriteByte('\'')
				continue
			case s[i] == '\'':
				closed = true
			default:
				b.WriteByte(s[i])
				continue
			}
			break
		}
		if !closed {
			return nil, fmt.Errorf("fake sql: unterminated string literal in %q", s)
		}
		out = append(out, b.String())
	}
	return out, nil
}
