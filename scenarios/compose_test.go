package scenarios

import (
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// TestComposeServices loads a stack whose services come from a compose file using every key
// drill reads (testdata/compose/full.yml), with the stack's own services overriding some of
// them and adding one, and checks every service drill will run.
func TestComposeServices(t *testing.T) {
	st, err := LoadStack("testdata/valid/stack-compose.yaml", WithEnv(testEnv))
	if err != nil {
		t.Fatal(err)
	}
	dir, _ := filepath.Abs("testdata/compose")
	compose := "testdata/compose/full.yml"
	at := func(file string, line, col int) Pos { return Pos{File: file, Line: line, Col: col} }
	want := map[string]*Service{
		"db": {
			Pos: at(compose, 8, 3), Name: "db", Image: "drill/postgres:15",
			Command: []string{"postgres", "-c", "archive_command=/bin/true", "-c", "fsync=off"},
			Env: map[string]EnvValue{
				"POSTGRES_DB": {Value: "overridden"}, "RETRIES": {Value: "3"}, "FROM_ENV": {Value: "from-env"},
				"DEFAULTED": {Value: "fallback"}, "LITERAL": {Value: "$HOME"}, "POSTGRES_PASSWORD": {Value: "pw", Secret: true},
			},
			Ports: []int{5432, 5433, 8080},
			Volumes: map[string]Mount{
				"data": {Path: "/pgdata"}, "wal": {Path: "/archive", ReadOnly: true},
				"backups": {Path: "/backups", NoCopy: true}, "extra": {Path: "/extra"},
			},
			SQL: &SQLConn{Driver: DriverPostgres, Port: 5432, User: "postgres", Password: "pw", Database: "tenants"},
			Ready: &Ready{
				Probe: Probe{Pos: at(compose, 27, 13), Exec: &ExecCall{Service: "db", Command: []string{"pg_isready", "-h", "/tmp"}}},
				// start_period 30s + retries 10 × (interval 2s + timeout 5s); polled every start_interval.
				Timeout: 100 * time.Second, Interval: 500 * time.Millisecond,
			},
		},
		"app": {
			Pos: at(compose, 33, 3), Name: "app", Image: "example/app:dev", Build: filepath.Join(dir, "app"),
			Command:   []string{"app", "serve", "--format", "{{.Site}}"},
			Env:       map[string]EnvValue{"MODE": {Value: "compose"}, "EMPTY": {Value: ""}},
			Ports:     []int{8080},
			DependsOn: []string{"cache", "db"},
			Ready: &Ready{
				Probe: Probe{Pos: at(compose, 43, 13), Exec: &ExecCall{Service: "app",
					Command: []string{"/bin/sh", "-c", `curl -fsS 'http://localhost:8080/healthz?format={{"{{"}}json}}'`}}},
				// Docker's defaults: 3 retries × (30s + 30s).
				Timeout: 3 * time.Minute, Interval: 250 * time.Millisecond,
			},
		},
		"cache": {
			Pos: at(compose, 44, 3), Name: "cache", Image: "example/cache:1", Build: filepath.Join(dir, "cache"),
			Command: []string{"cache", "--fast"}, DependsOn: []string{"db"},
			Ready: &Ready{
				Probe:   Probe{Pos: at("testdata/valid/stack-compose.yaml", 12, 12), Exec: &ExecCall{Service: "cache", Command: []string{"cache", "ping"}}},
				Timeout: 10 * time.Second, Interval: 250 * time.Millisecond,
			},
		},
		"worker": {Pos: at(compose, 49, 3), Name: "worker", Image: "example/worker:1", Env: map[string]EnvValue{"COMMON": {Value: "yes"}}},
		"sidecar": {Pos: at("testdata/valid/stack-compose.yaml", 13, 3), Name: "sidecar", Image: "example/sidecar:1",
			Command: []string{}, DependsOn: []string{"app"}},
	}
	for name, w := range want {
		got := st.Services[name]
		if got == nil {
			t.Errorf("service %s is missing", name)
			continue
		}
		normalize(got)
		normalize(w)
		if !reflect.DeepEqual(got, w) {
			t.Errorf("service %s:\n got %s\nwant %s", name, dump(got), dump(w))
		}
	}
	if len(st.Services) != len(want) {
		t.Errorf("services %v, want %d", sortedKeys(st.Services), len(want))
	}
	if order := strings.Join(st.Order, " "); order != "db worker cache app sidecar" {
		t.Errorf("order %q", order)
	}
	if st.Compose != compose || len(st.ComposeSource) == 0 {
		t.Errorf("compose %q (%d bytes)", st.Compose, len(st.ComposeSource))
	}
	// A healthcheck's {{ reaches the container as written.
	cmd := st.Services["app"].Ready.Probe.Exec.Command[2]
	if r, err := Render(cmd, TemplateData{}); err != nil || r != "curl -fsS 'http://localhost:8080/healthz?format={{json}}'" {
		t.Errorf("rendered healthcheck %q, %v", r, err)
	}
}

// normalize makes empty and nil the same, for comparing services.
func normalize(s *Service) {
	if len(s.Command) == 0 {
		s.Command = nil
	}
	if len(s.Env) == 0 {
		s.Env = nil
	}
	if len(s.Ports) == 0 {
		s.Ports = nil
	}
	if len(s.Volumes) == 0 {
		s.Volumes = nil
	}
	if len(s.DependsOn) == 0 {
		s.DependsOn = nil
	}
}

func dump(s *Service) string {
	out := fmt.Sprintf("%+v", *s)
	if s.SQL != nil {
		out += fmt.Sprintf(" sql=%+v", *s.SQL)
	}
	if s.Ready != nil {
		out += fmt.Sprintf(" ready=%+v", *s.Ready)
		if e := s.Ready.Probe.Exec; e != nil {
			out += fmt.Sprintf(" exec=%+v", *e)
		}
	}
	return out
}

// TestComposeBuiltin: a built-in stack's compose file is read from the catalogue, relative to
// the stack file, and its build contexts stay relative (as a built-in's own do).
func TestComposeBuiltin(t *testing.T) {
	fsys := fstest.MapFS{
		"stacks/x/stack.yaml": {Data: []byte(`apiVersion: drill/v1
kind: Stack
name: x
compose: compose/docker-compose.yml
tenants: {seed: {action: seed}, list: {exec: {service: app, command: [ls]}}}
actions: {seed: {steps: [{exec: {service: app, command: [seed]}}]}}
`)},
		"stacks/x/compose/docker-compose.yml": {Data: []byte("services:\n  app: {image: x/app:1, build: ./app}\n")},
	}
	st, err := LoadStack("x", WithCatalog(fsys), WithEnv(testEnv))
	if err != nil {
		t.Fatal(err)
	}
	app := st.Services["app"]
	if st.Compose != "builtin:stacks/x/compose/docker-compose.yml" || app.Build != "compose/app" || app.Pos.String() != "builtin:stacks/x/compose/docker-compose.yml:2:3" {
		t.Errorf("compose %q, build %q, pos %s", st.Compose, app.Build, app.Pos)
	}
	delete(fsys, "stacks/x/compose/docker-compose.yml")
	_, err = LoadStack("x", WithCatalog(fsys), WithEnv(testEnv))
	var es Errors
	if !errors.As(err, &es) || len(es) != 1 || es[0].Error() != "builtin:stacks/x/stack.yaml:4:10: compose: compose file builtin:stacks/x/compose/docker-compose.yml: file does not exist" {
		t.Errorf("missing compose file: %v", err)
	}
}

func TestComposeSubstitute(t *testing.T) {
	env := func(k string) (string, bool) {
		v, ok := map[string]string{"SET": "v", "EMPTY": ""}[k]
		return v, ok
	}
	for in, want := range map[string]string{
		"${SET}": "v", "$SET-x": "v-x", "${UNSET:-d}": "d", "${EMPTY:-d}": "d", "${EMPTY-d}": "",
		"$$SET": "$SET", "a ${SET} $${SET}": "a v ${SET}", "${EMPTY}": "",
		"${UNSET}":     "error: environment variable UNSET is not set (give a default: ${UNSET:-value})",
		"x $UNSET":     "error: environment variable UNSET is not set (give a default: ${UNSET:-value})",
		"${UNSET:?no}": "error: required variable UNSET is missing a value: no",
	} {
		got, err := composeSubstitute(in, env)
		if err != nil {
			got = "error: " + err.Error()
		}
		if got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}
