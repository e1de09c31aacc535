package docker

import "strings"

// The two testcontainers settings drill depends on (see the project's containers notes).
const (
	// EnvRyukDisabled turns off the reaper; its image cannot be pulled, and cleanup is drill's
	// job (labels plus GC). testcontainers only accepts the literal "true".
	EnvRyukDisabled = "TESTCONTAINERS_RYUK_DISABLED"
	// EnvHostOverride makes testcontainers reach mapped ports on this host instead of guessing a
	// gateway when it believes it runs inside a container.
	EnvHostOverride = "TESTCONTAINERS_HOST_OVERRIDE"
)

// ApplyLocalDefaults puts drill's testcontainers defaults in force through setenv, never
// overriding a value the user set: TESTCONTAINERS_RYUK_DISABLED=true always, and
// TESTCONTAINERS_HOST_OVERRIDE=localhost when DOCKER_HOST is unset or a unix socket (a remote
// DOCKER_HOST keeps testcontainers' own host logic). It must run before the first use of
// testcontainers in the process, which reads its settings once; it returns the first setenv
// error.
func ApplyLocalDefaults(getenv func(string) string, setenv func(key, value string) error) error {
	if getenv(EnvRyukDisabled) == "" {
		if err := setenv(EnvRyukDisabled, "true"); err != nil {
			return err
		}
	}
	if isLocalHost(getenv("DOCKER_HOST")) && getenv(EnvHostOverride) == "" {
		if err := setenv(EnvHostOverride, "localhost"); err != nil {
			return err
		}
	}
	return nil
}

// isLocalHost reports whether a DOCKER_HOST value names an engine on this machine.
func isLocalHost(dockerHost string) bool {
	return dockerHost == "" || strings.HasPrefix(dockerHost, "unix://")
}

// defaultSocket is where the engine listens when DOCKER_HOST is unset.
const defaultSocket = "unix:///var/run/docker.sock"

// engineHost returns the engine address drill tries: DOCKER_HOST, else the default socket.
func engineHost(getenv func(string) string) string {
	if h := getenv("DOCKER_HOST"); h != "" {
		return h
	}
	return defaultSocket
}
