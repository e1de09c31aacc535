package scenarios

import (
	"strings"
	"testing"
)

func TestSQLLiteralHelpers(t *testing.T) {
	sites := []string{"a", "it's", `back\slash`}
	cases := []struct {
		text, driver, want string
	}{
		{`{{sqlquote .Site}}`, "", `'it''s'`},
		{`{{sqlquote .Site}}`, DriverMySQL, `'it''s'`},
		{`{{sqlquote "x\\'y"}}`, DriverPostgres, `E'x\\''y'`},
		{`{{sqlquote "x\\'y"}}`, DriverMySQL, `'x\\''y'`},
		{`{{sqlquote "x\\'y" "postgres"}}`, DriverMySQL, `E'x\\''y'`},
		{`{{sqlquote "x\\'y" "mysql"}}`, "", `'x\\''y'`},
		{`{{sqlquote .Seq}}`, "", `'7'`},
		{`IN {{sqlin .Sites}}`, "", `IN ('a', 'it''s', E'back\\slash')`},
		{`IN {{sqlin .Sites}}`, DriverMySQL, `IN ('a', 'it''s', 'back\\slash')`},
		{`IN {{sqlin .Args.none}}`, "", `IN (NULL)`},
		{`IN {{sqlin .Site}}`, "", `IN ('it''s')`},
		{`{{pgarray .Sites}}`, DriverMySQL, `ARRAY['a', 'it''s', E'back\\slash']::text[]`},
		{`{{pgarray .Args.none}}`, "", `ARRAY[]::text[]`},
		{`VALUES {{range $i, $s := .Sites}}{{if $i}}, {{end}}({{sqlquote $s}}, {{$.Seq}}){{end}}`, DriverMySQL, `VALUES ('a', 7), ('it''s', 7), ('back\\slash', 7)`},
	}
	for _, c := range cases {
		d := TemplateData{Site: "it's", Sites: sites, Seq: 7, Args: map[string]any{"none": []string{}}}.ForSQL(c.driver)
		got, err := Render(c.text, d)
		if err != nil {
			t.Errorf("%s (%s): %v", c.text, c.driver, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s (%s) = %s, want %s", c.text, c.driver, got, c.want)
		}
	}
}

func TestSQLLiteralErrors(t *testing.T) {
	for _, text := range []string{`{{sqlquote "a\x00b"}}`, `{{sqlin .Sites "oracle"}}`, `{{sqlquote .Site "a" "b"}}`} {
		if got, err := Render(text, TemplateData{Site: "s", Sites: []string{"x"}}); err == nil {
			t.Errorf("%s rendered %q, want an error", text, got)
		}
	}
}

// TestSQLStringNeverEndsTheLiteral checks, for hostile inputs, that the literal is one token of
// the dialect: after its opening quote, every quote is doubled (or, in MySQL and PostgreSQL
// escape strings, preceded by a backslash that is itself not escaped) until the last one.
func TestSQLStringNeverEndsTheLiteral(t *testing.T) {
	hostile := []string{`'`, `\`, `\'`, `'; DROP TABLE t; --`, `\'; DROP TABLE t; --`, `''`, `\\'`, `a'b\c'd`, "é'ü"}
	for _, driver := range SQLDrivers {
		for _, s := range hostile {
			q, err := sqlString(s, driver)
			if err != nil {
				t.Fatal(err)
			}
			escapes := driver == DriverMySQL || strings.HasPrefix(q, "E'")
			body := strings.TrimPrefix(q, "E")
			if got, ok := unquote(body, escapes); !ok || got != s {
				t.Errorf("%s: %q quoted as %s, which reads back as %q (whole literal: %v)", driver, s, q, got, ok)
			}
		}
	}
}

// unquote reads a '...' literal the way the server does and reports whether it spans the
// whole text.
func unquote(q string, escapes bool) (string, bool) {
	if len(q) < 2 || q[0] != '\'' {
		return "", false
	}
	var b strings.Builder
	for i := 1; i < len(q); i++ {
		switch {
		case escapes && q[i] == '\\' && i+1 < len(q):
			i++
			b.WriteByte(q[i])
		case q[i] == '\'' && i+1 < len(q) && q[i+1] == '\'':
			i++
			b.WriteByte('\'')
		case q[i] == '\'':
			return b.String(), i == len(q)-1
		default:
			b.WriteByte(q[i])
		}
	}
	return b.String(), false
}
