package harness

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/drill-dev/drill/harness/runtime"
)

// exec runs the commands the fake's containers understand besides sleep and false:
//
//	fake-http METHOD PATH   the fakeApp's HTTP API, stdin as the request body: stdout is the
//	                        answer's body, exit 1 unless 2xx; a line about the call goes to
//	                        stderr only, so tests see stdout kept apart
//	fake-lines              the sites, one per line
//	fake-batch KIND         the batch answer of KIND (health, fingerprint) for the sites of
//	                        {"sites": [...]} on stdin: {"results": {...}} on stdout
//	fake-panic ...          panics, as a harness bug would
//
// so that every exec form of the data plane speaks the same protocol as the http one.
func (a *fakeApp) exec(srv *httptest.Server, cmd []string, stdin []byte) (runtime.ExecResult, bool) {
	switch {
	case len(cmd) == 3 && cmd[0] == "fake-http":
		req, err := http.NewRequest(cmd[1], srv.URL+cmd[2], bytes.NewReader(stdin))
		if err != nil {
			return runtime.ExecResult{ExitCode: 2, Output: []byte(err.Error())}, true
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			return runtime.ExecResult{ExitCode: 2, Output: []byte(err.Error())}, true
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		res := runtime.ExecResult{Stdout: body}
		res.Output = append(fmt.Appendf(nil, "fake-http: %s %s: %d\n", cmd[1], cmd[2], resp.StatusCode), body...)
		if resp.StatusCode >= 300 {
			res.ExitCode = 1
		}
		return res, true
	case len(cmd) == 2 && cmd[0] == "fake-batch":
		var in struct {
			Sites []string `json:"sites"`
		}
		if err := json.Unmarshal(stdin, &in); err != nil {
			return runtime.ExecResult{ExitCode: 2, Output: []byte(err.Error())}, true
		}
		a.mu.Lock()
		out, _ := json.Marshal(map[string]any{"results": a.batch(cmd[1], in.Sites)})
		a.mu.Unlock()
		return runtime.ExecResult{Output: out, Stdout: out}, true
	case len(cmd) > 0 && cmd[0] == "fake-panic":
		panic("fake-panic: " + strings.Join(cmd[1:], " "))
	case len(cmd) == 1 && cmd[0] == "fake-lines":
		a.mu.Lock()
		out := []byte(strings.Join(a.sites, "\n") + "\n")
		a.mu.Unlock()
		return runtime.ExecResult{Output: out, Stdout: out}, true
	}
	return runtime.ExecResult{}, false
}

// batch answers a batch probe of kind health (ok or gone) or fingerprint (the checksum, and
// no entry for a site that is gone). a.mu must be held.
func (a *fakeApp) batch(kind string, sites []string) map[string]string {
	out := map[string]string{}
	for _, s := range sites {
		switch {
		case kind == "health" && a.exists(s):
			out[s] = "ok"
		case kind == "health":
			out[s] = "gone"
		case kind == "fingerprint" && a.exists(s) && a.corrupt[s]:
			out[s] = "fp-" + s + "-corrupted"
		case kind == "fingerprint" && a.exists(s):
			out[s] = "fp-" + s
		}
	}
	return out
}
