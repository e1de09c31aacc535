package docker

import (
	"maps"
	"testing"
)

func TestApplyLocalDefaults(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want map[string]string
	}{
		{
			name: "local engine, nothing set",
			env:  map[string]string{},
			want: map[string]string{EnvRyukDisabled: "true", EnvHostOverride: "localhost"},
		},
		{
			name: "unix socket",
			env:  map[string]string{"DOCKER_HOST": "unix:///run/user/1000/docker.sock"},
			want: map[string]string{"DOCKER_HOST": "unix:///run/user/1000/docker.sock", EnvRyukDisabled: "true", EnvHostOverride: "localhost"},
		},
		{
			name: "remote engine keeps testcontainers' host logic",
			env:  map[string]string{"DOCKER_HOST": "tcp://10.0.0.5:2376"},
			want: map[string]string{"DOCKER_HOST": "tcp://10.0.0.5:2376", EnvRyukDisabled: "true"},
		},
		{
			name: "the user's values win",
			env:  map[string]string{EnvRyukDisabled: "false", EnvHostOverride: "docker.internal"},
			want: map[string]string{EnvRyukDisabled: "false", EnvHostOverride: "docker.internal"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := maps.Clone(tt.env)
			err := ApplyLocalDefaults(func(k string) string { return env[k] }, func(k, v string) error {
				env[k] = v
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(env, tt.want) {
				t.Errorf("env = %v, want %v", env, tt.want)
			}
		})
	}
}
