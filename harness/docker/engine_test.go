package docker

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestNoEngine(t *testing.T) {
	tests := []struct {
		dockerHost string
		want       []string
	}{
		{"unix:///nonexistent/docker.sock", []string{"DOCKER_HOST=unix:///nonexistent/docker.sock", "start that engine"}},
		{"tcp://127.0.0.1:1", []string{"DOCKER_HOST=tcp://127.0.0.1:1", "start that engine"}},
	}
	for _, tt := range tests {
		t.Run(tt.dockerHost, func(t *testing.T) {
			t.Setenv("DOCKER_HOST", tt.dockerHost)
			_, err := New(context.Background())
			if !errors.Is(err, ErrNoEngine) {
				t.Fatalf("New with no engine: %v, want ErrNoEngine", err)
			}
			msg := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q does not say %q", msg, w)
				}
			}
			if strings.Count(msg, ". ") > 0 || strings.Contains(msg, "\n") {
				t.Errorf("message %q is not one sentence", msg)
			}
		})
	}
}

func TestNoEngineDefaultSocket(t *testing.T) {
	msg := noEngine(defaultSocket, errors.New("dial unix: no such file")).Error()
	want := "no Docker engine answered at unix:///var/run/docker.sock (DOCKER_HOST is unset, so drill tried the default socket /var/run/docker.sock): start Docker, or set DOCKER_HOST to an engine that is running"
	if msg != want {
		t.Errorf("message:\n got %s\nwant %s", msg, want)
	}
}

func TestSplitRef(t *testing.T) {
	for ref, want := range map[string][2]string{
		"drill/postgres:15":       {"drill/postgres", "15"},
		"drill/cloudsuite":        {"drill/cloudsuite", "latest"},
		"localhost:5000/img":      {"localhost:5000/img", "latest"},
		"localhost:5000/img:v1.2": {"localhost:5000/img", "v1.2"},
		"drill-test/sleeper:dev":  {"drill-test/sleeper", "dev"},
	} {
		repo, tag := splitRef(ref)
		if repo != want[0] || tag != want[1] {
			t.Errorf("splitRef(%q) = %q, %q; want %q, %q", ref, repo, tag, want[0], want[1])
		}
	}
}
