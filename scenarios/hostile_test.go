package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const scenarioHead = "apiVersion: drill/v1\nkind: Scenario\nname: hostile\nstack: testdata/stacks/suite.yaml\nsizes: {small: {sites: 8, records: 200}}\n"

// aliasBomb is a billion-laughs document: nine levels of nine aliases each, used as steps.
func aliasBomb() []byte {
	var b strings.Builder
	b.WriteString(scenarioHead)
	b.WriteString("x0: &a0 {exec: {service: db, command: [a, b, c, d, e, f, g, h, i]}}\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "x%d: &a%d [", i, i)
		for j := 0; j < 9; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	b.WriteString("inject: *a9\nrecover: *a9\n")
	return []byte(b.String())
}

// wideAliases uses one big step by alias as many times as 4 MiB allows.
func wideAliases() []byte {
	var b bytes.Buffer
	b.WriteString(scenarioHead)
	b.WriteString("recover: [{sleep: 1s}]\nsteady-state: []\ninject:\n  - &big {exec: {service: db, command: [")
	for i := 0; i < 2000; i++ {
		b.WriteString("x, ")
	}
	b.WriteString("x]}}\n")
	for b.Len() < MaxFileSize-16 {
		b.WriteString("  - *big\n")
	}
	return b.Bytes()
}

func nested(levels int, open, closeTok string) []byte {
	return []byte(scenarioHead + "inject: " + strings.Repeat(open, levels) + strings.Repeat(closeTok, levels) + "\n")
}

func blockNested(levels int) []byte {
	var b bytes.Buffer
	b.WriteString(scenarioHead + "inject:\n")
	for i := 0; i < levels && b.Len() <= MaxFileSize; i++ {
		b.WriteString(strings.Repeat(" ", i+1) + "- \n")
	}
	return b.Bytes()
}

func dashChain(levels int) []byte {
	return []byte(scenarioHead + "inject:\n" + strings.Repeat("- ", levels) + "x\n")
}

func loadErr(t *testing.T, data []byte) string {
	t.Helper()
	_, err := LoadBytes("hostile.yaml", data, WithEnv(testEnv))
	if err == nil {
		t.Fatal("loaded without error")
	}
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("error does not match ErrInvalid: %v", err)
	}
	return err.Error()
}

func TestHostileInput(t *testing.T) {
	garbage := make([]byte, 1<<20)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range garbage {
		garbage[i] = byte(r.IntN(256))
	}
	cases := []struct {
		name string
		data func() []byte
		want string
	}{
		{"alias bomb", func() []byte { return aliasBomb() }, "want a mapping, got a list"},
		{"wide aliases", func() []byte { return wideAliases() }, "more than 10000 aliases"},
		{"binary garbage", func() []byte { return garbage }, "not a YAML text file (binary data at byte"},
		{"20000 flow levels", func() []byte { return nested(20000, "[", "]") }, "nesting deeper than 100 levels"},
		{"20000 flow mappings", func() []byte { return nested(20000, "{a: ", "}") }, "nesting deeper than 100 levels"},
		// 20,000 indented levels need 200 MB: the size cap stops them first (the test builds
		// only the first 4 MiB of them).
		{"20000 block levels", func() []byte { return blockNested(20000) }, "larger than 4 MiB"},
		{"2000 block levels", func() []byte { return blockNested(2000) }, "nesting deeper than 100 levels"},
		{"20000 dashes on a line", func() []byte { return dashChain(20000) }, "nesting deeper than 100 levels"},
		{"too big in memory", func() []byte { return bytes.Repeat([]byte("# padding\n"), MaxFileSize/10+1) }, "larger than 4 MiB"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := loadErr(t, c.data()); !strings.Contains(got, c.want) {
				t.Errorf("error does not say %q:\n%.2000s", c.want, got)
			}
		})
	}
}

// TestHugeFile writes a 50 MB file: the loader reads no more than the cap and says so.
func TestHugeFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "huge.yaml")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	line := []byte("# " + strings.Repeat("x", 1021) + "\n")
	for i := 0; i < 50<<10; i++ {
		if _, err := f.Write(line); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()
	_, err = Load(p)
	if err == nil || !strings.Contains(err.Error(), "huge.yaml: file is larger than 4 MiB") {
		t.Errorf("50 MB file: %v", err)
	}
}

func TestErrorsCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString(scenarioHead + "inject: [{sleep: 1s}]\nrecover: [{sleep: 1s}]\n")
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&b, "junk%d: 1\n", i)
	}
	got := loadErr(t, []byte(b.String()))
	lines := strings.Split(got, "\n")
	if len(lines) != maxErrors+1 || !strings.HasSuffix(lines[maxErrors], "too many errors: 800 more not shown") {
		t.Errorf("%d lines, last %q", len(lines), lines[len(lines)-1])
	}
}
