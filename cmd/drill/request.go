package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/drill-dev/drill/harness/transport"
)

// planWidth is how many runes of a request one line of drill run --dry-run shows; drill
// render shows it whole.
const planWidth = 140

// requestLine is a rendered request on one line, whitespace collapsed and cut at planWidth:
// "sql on db/app: SELECT …", "http POST api:8080/x body {…}", "exec in db: psql -c '…'".
func requestLine(q transport.Request) string {
	var s string
	switch q.Transport {
	case "http":
		s = fmt.Sprintf("http %s %s:%d%s", q.Method, q.Service, q.Port, q.Path)
		if q.Body != nil {
			s += " body " + string(q.Body)
		}
	case "sql":
		s = fmt.Sprintf("sql on %s/%s: %s", q.Service, q.Database, q.Query)
	case "exec":
		s = fmt.Sprintf("exec in %s%s: %s", q.Service, asUser(q.User), argv(q.Command))
		if q.Body != nil {
			s += " <<< " + string(q.Body)
		}
	}
	return cut(strings.Join(strings.Fields(s), " "), planWidth)
}

// writeRequest prints a rendered request whole, one field a line, as drill render shows it.
func writeRequest(w io.Writer, q transport.Request) {
	switch q.Transport {
	case "http":
		fmt.Fprintf(w, "http %s %s (service %s, container port %d)\n", q.Method, q.Path, q.Service, q.Port)
		for _, k := range slices.Sorted(maps.Keys(q.Headers)) {
			fmt.Fprintf(w, "header %s: %s\n", k, q.Headers[k])
		}
		if q.Body != nil {
			fmt.Fprintf(w, "body: %s\n", q.Body)
		}
	case "sql":
		fmt.Fprintf(w, "sql on %s (driver %s, database %s), %s:\n", q.Service, q.Driver, q.Database, q.Mode)
		fmt.Fprintln(w, strings.TrimSpace(q.Query))
	case "exec":
		fmt.Fprintf(w, "exec in %s%s:\n", q.Service, asUser(q.User))
		fmt.Fprintln(w, argv(q.Command))
		if q.Body != nil {
			fmt.Fprintf(w, "stdin: %s\n", q.Body)
		}
	}
}

func asUser(user string) string {
	if user == "" {
		return ""
	}
	return " as " + user
}

// argv writes a command as a shell would read it.
func argv(cmd []string) string {
	q := make([]string, len(cmd))
	for i, a := range cmd {
		q[i] = shellQuote(a)
	}
	return strings.Join(q, " ")
}

// cut returns s with at most n runes, marked as cut when longer.
func cut(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
