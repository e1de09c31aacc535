package main

import (
	"runtime"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	old := buildVersion
	buildVersion = "v9.8.7"
	defer func() { buildVersion = old }()
	code, out, _ := runCLI(t, "version")
	if code != 0 || !strings.HasPrefix(out, "drill v9.8.7") || !strings.Contains(out, runtime.Version()) {
		t.Errorf("exit %d: %q", code, out)
	}
	if code, _, _ := runCLI(t, "version", "extra"); code != exitUsage {
		t.Errorf("extra argument: exit %d", code)
	}
}

func TestCompletion(t *testing.T) {
	for shell, want := range map[string]string{"bash": "__start_drill", "zsh": "#compdef drill", "fish": "complete -c drill", "powershell": "Register-ArgumentCompleter"} {
		code, out, _ := runCLI(t, "completion", shell)
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("completion %s: exit %d, no %q", shell, code, want)
		}
	}
	if code, _, _ := runCLI(t, "completion", "tcsh"); code != exitUsage {
		t.Errorf("unknown shell: exit %d", code)
	}
	code, out, _ := runCLI(t, "__complete", "validate", "")
	if code != 0 || !strings.Contains(out, "atlassian-2022") {
		t.Errorf("validate does not complete built-in names: %q", out)
	}
}
