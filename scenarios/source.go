package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// MaxFileSize is the largest scenario or stack file drill reads (4 MiB); larger input is
// refused before parsing.
const MaxFileSize = 4 << 20

// maxDepth is the deepest nesting of flow collections ([ and {) and of block indentation the
// pre-scan lets through to the YAML parser; drill's own files nest about eight levels.
const maxDepth = 100

// maxAliases is the most alias uses (*name) a file may hold; drill's own files use a few.
const maxAliases = 10000

// aliases counts the alias uses in data (a "*" at the start of a token followed by a name
// character) and returns the line where the count passed maxAliases.
func aliases(data []byte) (line, n int) {
	line = 1
	for i, c := range data {
		if c == '\n' {
			line++
			continue
		}
		if c != '*' || i+1 >= len(data) || !isAnchorChar(data[i+1]) {
			continue
		}
		if i > 0 && !bytes.ContainsRune([]byte(" \t[{,:-\n"), rune(data[i-1])) {
			continue
		}
		if n++; n > maxAliases {
			return line, n
		}
	}
	return 0, n
}

func isAnchorChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// source is one file's bytes and where they came from.
type source struct {
	name    string // for messages: the path as given, or builtin:PATH
	dir     string // directory on disk; empty for built-ins
	catPath string // path inside the catalogue for built-ins
	builtin bool
	data    []byte
}

// readFile reads a file from disk with the size cap.
func readFile(p string) (*source, error) {
	// Stat before opening: opening a FIFO or a device could block or never end.
	if fi, err := os.Stat(p); err != nil {
		return nil, fileError(p, err)
	} else if fi.IsDir() {
		return nil, fileError(p, errors.New("is a directory, not a YAML file"))
	} else if !fi.Mode().IsRegular() {
		return nil, fileError(p, errors.New("is not a regular file"))
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fileError(p, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fileError(p, err)
	}
	if fi.IsDir() {
		return nil, fileError(p, errors.New("is a directory, not a YAML file"))
	}
	data, err := readCapped(f)
	if err != nil {
		return nil, fileError(p, err)
	}
	abs, err := filepath.Abs(filepath.Dir(p))
	if err != nil {
		abs = filepath.Dir(p)
	}
	return &source{name: p, dir: abs, data: data}, nil
}

// readBuiltin reads a file of the catalogue.
func readBuiltin(fsys fs.FS, p string) (*source, error) {
	name := "builtin:" + p
	f, err := fsys.Open(p)
	if err != nil {
		return nil, fileError(name, err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, fileError(name, errors.New("is a directory, not a YAML file"))
	}
	data, err := readCapped(f)
	if err != nil {
		return nil, fileError(name, err)
	}
	return &source{name: name, catPath: p, builtin: true, data: data}, nil
}

func readCapped(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("file is larger than %d MiB, the limit for scenario and stack files", MaxFileSize>>20)
	}
	return data, nil
}

func fileError(name string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return Errors{{Pos: Pos{File: name}, Msg: err.Error()}}
}

// parseSource turns a source into its single YAML document after cheap checks that keep hostile
// input away from the parser: text only, nesting bounded.
func parseSource(src *source) (*yaml.Node, error) {
	data := src.data
	if i := bytes.IndexByte(data, 0); i >= 0 || !utf8.Valid(data) {
		if i < 0 {
			i = invalidUTF8(data)
		}
		line := 1 + bytes.Count(data[:i], []byte{'\n'})
		return nil, Errors{{Pos: Pos{File: src.name, Line: line}, Msg: fmt.Sprintf("not a YAML text file (binary data at byte %d)", i)}}
	}
	if line, depth := nesting(data); depth > maxDepth {
		return nil, Errors{{Pos: Pos{File: src.name, Line: line}, Msg: fmt.Sprintf("nesting deeper than %d levels", maxDepth)}}
	}
	if line, n := aliases(data); n > maxAliases {
		return nil, Errors{{Pos: Pos{File: src.name, Line: line}, Msg: fmt.Sprintf("more than %d aliases (*name)", maxAliases)}}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, Errors{{Pos: Pos{File: src.name}, Msg: "empty file"}}
		}
		return nil, yamlError(src.name, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, Errors{{Pos: Pos{File: src.name, Line: extra.Line, Col: extra.Column}, Msg: "more than one YAML document (one file holds one Stack or one Scenario)"}}
	} else if !errors.Is(err, io.EOF) {
		return nil, yamlError(src.name, err)
	}
	if len(doc.Content) == 0 {
		return nil, Errors{{Pos: Pos{File: src.name}, Msg: "empty file"}}
	}
	return doc.Content[0], nil
}

func invalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(data)
}

// yamlError turns a yaml.v3 syntax error ("yaml: line 3: did not find expected key") into a
// positioned Error.
func yamlError(name string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if _, e := fmt.Sscanf(msg, "line %d:", &line); e == nil {
		msg = strings.TrimSpace(msg[strings.IndexByte(msg, ':')+1:])
	}
	return Errors{{Pos: Pos{File: name, Line: line}, Msg: "yaml: " + msg}}
}

// nesting estimates the deepest nesting in data: flow brackets outside quotes and comments,
// plus block levels (indentation steps and "- " chains). It returns the first line past the
// limit and the depth found there, or the maximum depth.
func nesting(data []byte) (line, depth int) {
	flow, maxd := 0, 0
	var indents []int
	ln := 1
	for _, raw := range bytes.Split(data, []byte{'\n'}) {
		indent := 0
		for indent < len(raw) && raw[indent] == ' ' {
			indent++
		}
		body := raw[indent:]
		if len(body) > 0 && body[0] != '#' && flow == 0 {
			for len(indents) > 0 && indents[len(indents)-1] >= indent {
				indents = indents[:len(indents)-1]
			}
			indents = append(indents, indent)
			// "- - - x" nests one level per dash.
			for i := 0; i+1 < len(body) && body[i] == '-' && body[i+1] == ' '; i += 2 {
				indents = append(indents, indent+i+2)
			}
		}
		var peak int
		flow, peak = scanFlow(body, flow)
		if d := len(indents) + peak; d > maxd {
			maxd = d
			if d > maxDepth {
				return ln, d
			}
		}
		ln++
	}
	return 0, maxd
}

// scanFlow counts flow brackets on one line, skipping quoted text and comments; it returns the
// depth at the end of the line and the deepest on it.
func scanFlow(b []byte, flow int) (end, peak int) {
	peak = flow
	var quote byte
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			if i == 0 || b[i-1] == ' ' || b[i-1] == '[' || b[i-1] == '{' || b[i-1] == ',' || b[i-1] == ':' {
				quote = c
			}
		case c == '#' && (i == 0 || b[i-1] == ' '):
			return flow, peak
		case c == '[' || c == '{':
			flow++
			peak = max(peak, flow)
		case c == ']' || c == '}':
			if flow > 0 {
				flow--
			}
		}
	}
	return flow, peak
}

// resolve joins a reference relative to a source: a path on disk, or a path in the catalogue.
func (s *source) resolve(ref string) string {
	if s.builtin {
		return path.Clean(path.Join(path.Dir(s.catPath), ref))
	}
	if filepath.IsAbs(ref) {
		return ref
	}
	return filepath.Join(filepath.Dir(s.name), ref)
}
