package scenarios

import (
	"fmt"
	"strings"
)

// expandEnv replaces ${VAR} with the value of VAR from lookup and ${VAR:-default} with the
// value or, when VAR is unset or empty, the default. $${ is a literal ${. An unset VAR without
// a default is an error.
func expandEnv(s string, lookup func(string) (string, bool)) (string, error) {
	return interpolate(s, func(expr string) (string, error) {
		name, def, hasDef := strings.Cut(expr, ":-")
		if !wordRE.MatchString(name) {
			return "", fmt.Errorf("bad environment variable name %q in ${%s}", name, expr)
		}
		v, ok := lookup(name)
		switch {
		case ok && v != "":
			return v, nil
		case hasDef:
			return def, nil
		case ok:
			return "", nil
		}
		return "", fmt.Errorf("environment variable %s is not set (give a default: ${%s:-value})", name, name)
	})
}

// unescapeCommand returns a command argument as the container sees it: a command is a script
// whose ${VAR} is the shell's, so drill takes nothing from the host's environment there. $${
// is a literal ${; a bare ${ is an error that says so, instead of pasting the host's value (or
// refusing an unset one) into the script.
func unescapeCommand(s string) (string, error) {
	return interpolate(s, func(expr string) (string, error) {
		return "", fmt.Errorf("${%s} in a command: commands do not take the host's environment; write $${%s} for the shell's variable, or pass a host value through env: and write $${NAME}", expr, expr)
	})
}

// interpolate replaces every ${EXPR} of s with what expand returns for EXPR; $${ is a literal
// ${, and a ${ without its } is an error.
func interpolate(s string, expand func(expr string) (string, error)) (string, error) {
	if !strings.Contains(s, "${") {
		return s, nil
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		if i > 0 && s[i-1] == '$' {
			b.WriteString(s[:i-1])
			b.WriteString("${")
			s = s[i+2:]
			continue
		}
		b.WriteString(s[:i])
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return "", fmt.Errorf("unterminated ${ in %q (write $${ for a literal ${)", s)
		}
		v, err := expand(s[i+2 : i+end])
		if err != nil {
			return "", err
		}
		b.WriteString(v)
		s = s[i+end+1:]
	}
}
