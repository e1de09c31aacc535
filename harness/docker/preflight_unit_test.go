package docker

import (
	"strings"
	"testing"
)

func TestSettingsChecks(t *testing.T) {
	tests := []struct {
		env        map[string]string
		ryuk, host Status
		hostDetail string
	}{
		{map[string]string{EnvRyukDisabled: "true", EnvHostOverride: "localhost"}, OK, OK, "localhost: mapped ports"},
		{map[string]string{EnvRyukDisabled: "1"}, Warn, Warn, "unset with a local engine"},
		{map[string]string{EnvRyukDisabled: "true", EnvHostOverride: "192.0.2.1"}, OK, Warn, `"192.0.2.1" with a local engine`},
		{map[string]string{EnvRyukDisabled: "true", "DOCKER_HOST": "tcp://build:2376"}, OK, OK, "unset: the engine is remote (DOCKER_HOST=tcp://build:2376)"},
	}
	for _, tt := range tests {
		cs := SettingsChecks(func(k string) string { return tt.env[k] })
		if cs[0].Status != tt.ryuk || cs[1].Status != tt.host || !strings.HasPrefix(cs[1].Detail, tt.hostDetail) {
			t.Errorf("%v: got %+v", tt.env, cs)
		}
	}
}

func TestDiskCheck(t *testing.T) {
	if c := diskCheck(MinFreeDisk - 1); c.Status != Fail || !strings.HasPrefix(c.Detail, "2.0 GiB free for Docker, less than the 2.0 GiB") {
		t.Errorf("just under the minimum: %+v", c)
	}
	if c := diskCheck(80 << 30); c.Status != OK || c.Detail != "80.0 GiB free for Docker" {
		t.Errorf("plenty: %+v", c)
	}
	if c := diskCheck(0); c.Status != Warn {
		t.Errorf("unknown: %+v", c)
	}
}
