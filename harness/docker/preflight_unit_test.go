package docker

import (
	"strings"
	"testing"

	"github.com/drill-dev/drill/harness/runtime"
)

func TestSettingsChecks(t *testing.T) {
	tests := []struct {
		env        map[string]string
		ryuk, host runtime.Status
		hostDetail string
	}{
		{map[string]string{EnvRyukDisabled: "true", EnvHostOverride: "localhost"}, runtime.OK, runtime.OK, "localhost: mapped ports"},
		{map[string]string{EnvRyukDisabled: "1"}, runtime.Warn, runtime.Warn, "unset with a local engine"},
		{map[string]string{EnvRyukDisabled: "true", EnvHostOverride: "192.0.2.1"}, runtime.OK, runtime.Warn, `"192.0.2.1" with a local engine`},
		{map[string]string{EnvRyukDisabled: "true", "DOCKER_HOST": "tcp://build:2376"}, runtime.OK, runtime.OK, "unset: the engine is remote (DOCKER_HOST=tcp://build:2376)"},
	}
	for _, tt := range tests {
		cs := SettingsChecks(func(k string) string { return tt.env[k] })
		if cs[0].Status != tt.ryuk || cs[1].Status != tt.host || !strings.HasPrefix(cs[1].Detail, tt.hostDetail) {
			t.Errorf("%v: got %+v", tt.env, cs)
		}
	}
}

func TestDiskCheck(t *testing.T) {
	if c := diskCheck(MinFreeDisk - 1); c.Status != runtime.Fail || !strings.HasPrefix(c.Detail, "2.0 GiB free for Docker, less than the 2.0 GiB") {
		t.Errorf("just under the minimum: %+v", c)
	}
	if c := diskCheck(80 << 30); c.Status != runtime.OK || c.Detail != "80.0 GiB free for Docker" {
		t.Errorf("plenty: %+v", c)
	}
	if c := diskCheck(0); c.Status != runtime.Warn {
		t.Errorf("unknown: %+v", c)
	}
}
