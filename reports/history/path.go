package history

import (
	"errors"
	"path/filepath"
)

// Disabled is the --history value that turns the store off.
const Disabled = "none"

// DefaultPath is $XDG_DATA_HOME/drill/history.db, or ~/.local/share/drill/history.db when
// XDG_DATA_HOME is unset (as the XDG base directory specification says).
func DefaultPath(getenv func(string) string) (string, error) {
	if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "drill", "history.db"), nil
	}
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("history: neither XDG_DATA_HOME nor HOME is set (pass --history PATH or none)")
	}
	return filepath.Join(home, ".local", "share", "drill", "history.db"), nil
}

// Resolve turns a --history flag value into a path: "" means DefaultPath, "none" means no
// store (the empty path and false).
func Resolve(flag string, getenv func(string) string) (path string, enabled bool, err error) {
	switch flag {
	case Disabled:
		return "", false, nil
	case "":
		p, err := DefaultPath(getenv)
		return p, err == nil, err
	}
	return flag, true, nil
}
