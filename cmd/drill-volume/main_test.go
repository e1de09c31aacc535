package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSeedCopiesATreeIntoAnEmptyVolumeOnly(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	must(t, os.MkdirAll(filepath.Join(src, "a", "b"), 0o750))
	must(t, os.WriteFile(filepath.Join(src, "a", "b", "f"), []byte("rows"), 0o640))
	must(t, os.WriteFile(filepath.Join(src, ".hidden"), []byte("h"), 0o600))
	must(t, os.Symlink("a/b/f", filepath.Join(src, "link")))
	must(t, os.Chmod(src, 0o700))

	must(t, run([]string{"seed", src, dst}))
	b, err := os.ReadFile(filepath.Join(dst, "a", "b", "f"))
	must(t, err)
	if string(b) != "rows" {
		t.Errorf("copied file holds %q", b)
	}
	for path, mode := range map[string]os.FileMode{dst: 0o700, filepath.Join(dst, "a"): 0o750, filepath.Join(dst, "a", "b", "f"): 0o640, filepath.Join(dst, ".hidden"): 0o600} {
		st, err := os.Stat(path)
		must(t, err)
		if st.Mode().Perm() != mode {
			t.Errorf("%s: mode %v, want %v", path, st.Mode().Perm(), mode)
		}
	}
	if target, err := os.Readlink(filepath.Join(dst, "link")); err != nil || target != "a/b/f" {
		t.Errorf("symlink: %q %v", target, err)
	}

	must(t, os.WriteFile(filepath.Join(src, "later"), nil, 0o600))
	must(t, run([]string{"seed", src, dst}))
	if _, err := os.Stat(filepath.Join(dst, "later")); err == nil {
		t.Error("a volume that is not empty was seeded again")
	}
	must(t, run([]string{"seed", filepath.Join(src, "absent"), t.TempDir()}))
}

func TestWipeEmptiesADirectoryAndKeepsIt(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"a", ".hidden", "..twodots"} {
		must(t, os.WriteFile(filepath.Join(dir, f), nil, 0o600))
	}
	must(t, os.MkdirAll(filepath.Join(dir, "d", "e"), 0o700))
	must(t, run([]string{"wipe", dir}))
	entries, err := os.ReadDir(dir)
	must(t, err)
	if len(entries) != 0 {
		t.Errorf("left %v", entries)
	}
}

func TestUsage(t *testing.T) {
	if err := run([]string{"seed", "x"}); err == nil {
		t.Error("a wrong number of arguments is an error")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
