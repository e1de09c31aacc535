package launch

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/drill-dev/drill/harness/docker"
	"github.com/drill-dev/drill/harness/kube"
)

func TestConnectUnknownRuntime(t *testing.T) {
	_, err := Connect(context.Background(), WithRuntime("kubernetes"))
	if err == nil || err.Error() != `unknown runtime "kubernetes" (want docker, kube)` {
		t.Fatalf("err = %v, want the unknown runtime named with the known ones", err)
	}
}

// A kubeconfig that does not exist fails before any request, naming the file.
func TestConnectKubeMissingKubeconfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "absent.kubeconfig")
	eng, err := Connect(context.Background(), WithRuntime(Kube), WithKubeconfig(path), WithKubeContext("drill"))
	if eng != nil || !errors.Is(err, kube.ErrNoCluster) || !strings.Contains(err.Error(), "kubeconfig "+path+":") {
		t.Fatalf("engine %v, err = %v; want no engine and an error naming %s that wraps kube.ErrNoCluster", eng, err, path)
	}
	t.Log(err)
}

// With no engine, Connect has put drill's testcontainers defaults in force (read through the
// caller's getenv) and says what it tried.
func TestConnectNoEngine(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
	t.Setenv(docker.EnvRyukDisabled, "")
	t.Setenv(docker.EnvHostOverride, "")
	user := map[string]string{"DOCKER_HOST": "unix:///nonexistent/docker.sock"}
	_, err := Connect(context.Background(), WithGetenv(func(k string) string { return user[k] }), WithTimeout(30*time.Second))
	if !errors.Is(err, docker.ErrNoEngine) || !strings.HasPrefix(err.Error(), "no Docker engine answered at DOCKER_HOST=unix:///nonexistent/docker.sock") {
		t.Fatalf("err = %v, want no engine at the socket tried", err)
	}
	var se *SettingsError
	if errors.As(err, &se) {
		t.Errorf("err = %v is a settings error; the settings were put in force", err)
	}
	if os.Getenv(docker.EnvRyukDisabled) != "true" || os.Getenv(docker.EnvHostOverride) != "localhost" {
		t.Errorf("settings in force: %s=%q %s=%q", docker.EnvRyukDisabled, os.Getenv(docker.EnvRyukDisabled),
			docker.EnvHostOverride, os.Getenv(docker.EnvHostOverride))
	}
}

// A user's own value is never overridden: getenv is where Connect reads it.
func TestConnectKeepsTheUsersSettings(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
	var set []string
	user := map[string]string{docker.EnvRyukDisabled: "false"}
	record := func(c *connectConfig) {
		c.setenv = func(k, v string) error { set = append(set, k+"="+v); return nil }
	}
	_, _ = Connect(context.Background(), WithGetenv(func(k string) string { return user[k] }), record)
	if len(set) != 1 || set[0] != docker.EnvHostOverride+"=localhost" {
		t.Errorf("set %q, want only %s=localhost", set, docker.EnvHostOverride)
	}
}

func TestConnectSettingsError(t *testing.T) {
	t.Setenv(docker.EnvRyukDisabled, "")
	refuse := func(c *connectConfig) {
		c.setenv = func(string, string) error { return errors.New("setenv: read-only environment") }
	}
	_, err := Connect(context.Background(), refuse)
	var se *SettingsError
	if !errors.As(err, &se) || err.Error() != "setenv: read-only environment" {
		t.Fatalf("err = %v, want a *SettingsError with the failure's own text", err)
	}
	if _, err := Connect(context.Background(), refuse, WithCaller("gc")); !errors.As(err, &se) || err.Error() != "gc: setenv: read-only environment" {
		t.Fatalf("err = %v, want a *SettingsError named by its caller", err)
	}
}

func TestConnectDocker(t *testing.T) {
	if testing.Short() {
		t.Skip("needs Docker (skipped under -short)")
	}
	t.Setenv(docker.EnvRyukDisabled, "true")
	t.Setenv(docker.EnvHostOverride, "localhost")
	eng, err := Connect(context.Background(), WithTimeout(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	if eng.Docker == nil || eng.Runtime != eng.Docker {
		t.Errorf("engine %+v: want the Docker runtime as both", eng)
	}
	if info, err := eng.Runtime.Info(context.Background()); err != nil || info.ServerVersion == "" {
		t.Errorf("info %+v, %v", info, err)
	}
}

func TestFromEnvNamesTheRuntimeAndItsKubeconfig(t *testing.T) {
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	if opts := FromEnv(getenv); opts != nil {
		t.Errorf("no DRILL_RUNTIME: %d options, want none (Docker)", len(opts))
	}
	env[EnvRuntime], env[EnvKubeconfig] = "kube", filepath.Join(t.TempDir(), "absent")
	_, err := Connect(context.Background(), FromEnv(getenv)...)
	if !errors.Is(err, kube.ErrNoCluster) || !strings.Contains(err.Error(), env[EnvKubeconfig]) {
		t.Errorf("kube with a missing kubeconfig: %v", err)
	}
	env[EnvRuntime] = "podman"
	if _, err := Connect(context.Background(), FromEnv(getenv)...); err == nil || !strings.Contains(err.Error(), "docker, kube") {
		t.Errorf("an unknown runtime: %v", err)
	}
}
