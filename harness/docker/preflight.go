package docker

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/drill-dev/drill/harness/runtime"
)

// MinFreeDisk is the free space below which a drill does not start: a PostgreSQL stack with
// WAL archiving and a base backup writes hundreds of megabytes at the smallest size.
const MinFreeDisk = 2 << 30

// BuildHint is the remedy printed for a missing image of the reference stack.
const BuildHint = "make images (or drill images)"

// Preflight checks what a drill needs before it creates anything: the engine answers (and
// which version), each image is present locally (drill never pulls), free disk in the engine's
// data root (or /) is at least MinFreeDisk, and the two testcontainers settings are in force.
func Preflight(ctx context.Context, rt *Runtime, images []string) runtime.Report {
	var rep runtime.Report
	info, err := rt.Info(ctx)
	if err != nil {
		rep.Checks = append(rep.Checks, runtime.Check{Name: "docker", Status: runtime.Fail, Detail: err.Error()})
		rep.Checks = append(rep.Checks, SettingsChecks(os.Getenv)...)
		return rep
	}
	rep.Checks = append(rep.Checks, runtime.Check{Name: "docker", Status: runtime.OK, Detail: fmt.Sprintf(
		"Docker %s (API %s) at %s, %d CPUs", info.ServerVersion, info.APIVersion, info.Host, info.CPUs)})
	for _, img := range images {
		rep.Checks = append(rep.Checks, imageCheck(ctx, rt, img))
	}
	rep.Checks = append(rep.Checks, diskCheck(info.FreeDiskBytes))
	rep.Checks = append(rep.Checks, SettingsChecks(os.Getenv)...)
	return rep
}

func imageCheck(ctx context.Context, rt *Runtime, ref string) runtime.Check {
	c := runtime.Check{Name: "image " + ref}
	id, err := rt.ImageID(ctx, ref)
	switch {
	case err == nil:
		c.Status, c.Detail = runtime.OK, "present ("+shortID(id)+")"
	case errors.Is(err, runtime.ErrImageMissing):
		c.Status, c.Detail = runtime.Fail, "missing, and drill never pulls: build it with "+BuildHint
	default:
		c.Status, c.Detail = runtime.Fail, err.Error()
	}
	return c
}

// BuildCheck checks an image a drill builds when it is absent: present, or buildable from dir
// (a folder with a Dockerfile; drill builds it before the drill starts).
func BuildCheck(ctx context.Context, rt *Runtime, ref, dir string) runtime.Check {
	c := imageCheck(ctx, rt, ref)
	if c.Status != runtime.Fail || !strings.HasPrefix(c.Detail, "missing") {
		return c
	}
	c.Status, c.Detail = runtime.OK, "absent: a drill builds it first from "+dir
	if fi, err := os.Stat(filepath.Join(dir, "Dockerfile")); err != nil || fi.IsDir() {
		c.Status, c.Detail = runtime.Fail, "missing, and its build folder "+dir+" has no Dockerfile: drill never pulls"
	}
	return c
}

func diskCheck(free uint64) runtime.Check {
	c := runtime.Check{Name: "disk", Status: runtime.OK, Detail: runtime.HumanBytes(free) + " free for Docker"}
	switch {
	case free == 0:
		c.Status, c.Detail = runtime.Warn, "free space unknown (the engine is not on this machine)"
	case free < MinFreeDisk:
		c.Status, c.Detail = runtime.Fail, fmt.Sprintf("%s free for Docker, less than the %s a drill needs: free some (docker system prune removes unused images and volumes)",
			runtime.HumanBytes(free), runtime.HumanBytes(MinFreeDisk))
	}
	return c
}

// SettingsChecks reports the two testcontainers settings as getenv sees them.
func SettingsChecks(getenv func(string) string) []runtime.Check {
	ryuk := runtime.Check{Name: EnvRyukDisabled, Status: runtime.OK, Detail: "true: cleanup is drill's (labels and drill gc)"}
	if v := getenv(EnvRyukDisabled); v != "true" {
		ryuk.Status = runtime.Warn
		ryuk.Detail = fmt.Sprintf("%q: the Ryuk reaper is on and its image must be present or pullable; set it to true (only the literal true disables it)", v)
	}
	host := runtime.Check{Name: EnvHostOverride, Status: runtime.OK}
	v := getenv(EnvHostOverride)
	switch {
	case !isLocalHost(getenv("DOCKER_HOST")):
		shown := v
		if shown == "" {
			shown = "unset"
		}
		host.Detail = fmt.Sprintf("%s: the engine is remote (DOCKER_HOST=%s), so testcontainers finds its host itself", shown, getenv("DOCKER_HOST"))
	case v == "localhost" || v == "127.0.0.1":
		host.Detail = v + ": mapped ports are reached on this machine"
	case v == "":
		host.Status = runtime.Warn
		host.Detail = "unset with a local engine: testcontainers may reach mapped ports through a gateway off this machine; set it to localhost"
	default:
		host.Status = runtime.Warn
		host.Detail = fmt.Sprintf("%q with a local engine: testcontainers may reach mapped ports through a gateway off this machine; set it to localhost", v)
	}
	return []runtime.Check{ryuk, host}
}

func shortID(id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	return id[:min(12, len(id))]
}
