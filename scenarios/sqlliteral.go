package scenarios

import (
	"errors"
	"fmt"
	"strings"
	"text/template"
)

// The template helpers for SQL literals: a site ID is data, never SQL. Each takes an optional
// driver; without one it quotes for the driver of the sql connection the template is rendered
// for (postgres outside sql calls).
//
//	sqlquote V [DRIVER]  a string literal: 'a', 'it''s'
//	sqlin LIST [DRIVER]  an IN list: ('a', 'b'); (NULL) when empty, which matches nothing
//	pgarray LIST         a PostgreSQL text array: ARRAY['a', 'b']::text[]
func sqlFuncs(def string) template.FuncMap {
	return template.FuncMap{
		"sqlquote": func(v any, driver ...string) (string, error) {
			dr, err := pickDriver(def, driver)
			if err != nil {
				return "", err
			}
			return sqlString(fmt.Sprint(v), dr)
		},
		"sqlin": func(v any, driver ...string) (string, error) {
			dr, err := pickDriver(def, driver)
			if err != nil {
				return "", err
			}
			l, err := toList(v)
			if err != nil {
				return "", err
			}
			return sqlIn(l, dr)
		},
		"pgarray": func(v any) (string, error) {
			l, err := toList(v)
			if err != nil {
				return "", err
			}
			return pgArray(l)
		},
	}
}

// sqlFuncNames are the helpers that take an optional driver as their second argument.
var sqlFuncNames = []string{"sqlquote", "sqlin"}

func pickDriver(def string, opt []string) (string, error) {
	switch {
	case len(opt) == 0 && def == "":
		return DriverPostgres, nil
	case len(opt) == 0:
		return def, nil
	case len(opt) > 1:
		return "", errors.New("want at most one driver")
	case !contains(SQLDrivers, opt[0]):
		return "", fmt.Errorf("unknown sql driver %q (want %s)", opt[0], strings.Join(SQLDrivers, ", "))
	}
	return opt[0], nil
}

var mysqlEscaper = strings.NewReplacer(`\`, `\\`, `'`, `''`)

// sqlString quotes s as a string literal of the driver's dialect.
//
// PostgreSQL: quotes are doubled; a string with a backslash becomes an escape string
// (E'a\\b'), which means the same whatever standard_conforming_strings says. MySQL and
// MariaDB treat a backslash in '...' as an escape by default: backslashes are doubled too,
// so nothing in s can end the literal. (Under sql_mode NO_BACKSLASH_ESCAPES a backslash in s
// then arrives doubled: the value is wrong, the statement is still safe.) A NUL byte has no
// literal in either dialect and is an error.
func sqlString(s, driver string) (string, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return "", fmt.Errorf("%q holds a NUL byte, which no SQL string literal can hold", s)
	}
	if driver == DriverMySQL {
		return "'" + mysqlEscaper.Replace(s) + "'", nil
	}
	q := strings.ReplaceAll(s, "'", "''")
	if strings.Contains(q, `\`) {
		return "E'" + strings.ReplaceAll(q, `\`, `\\`) + "'", nil
	}
	return "'" + q + "'", nil
}

func sqlLiterals(l []string, driver string) ([]string, error) {
	out := make([]string, len(l))
	for i, s := range l {
		q, err := sqlString(s, driver)
		if err != nil {
			return nil, err
		}
		out[i] = q
	}
	return out, nil
}

// sqlIn is l as the parenthesised list of an IN: ('a', 'b'), or (NULL) when l is empty
// (IN () is a syntax error; x IN (NULL) is never true).
func sqlIn(l []string, driver string) (string, error) {
	if len(l) == 0 {
		return "(NULL)", nil
	}
	q, err := sqlLiterals(l, driver)
	if err != nil {
		return "", err
	}
	return "(" + strings.Join(q, ", ") + ")", nil
}

// pgArray is l as a PostgreSQL text array: ARRAY['a', 'b']::text[] (for = ANY(...) and
// unnest(...)).
func pgArray(l []string) (string, error) {
	q, err := sqlLiterals(l, DriverPostgres)
	if err != nil {
		return "", err
	}
	return "ARRAY[" + strings.Join(q, ", ") + "]::text[]", nil
}
