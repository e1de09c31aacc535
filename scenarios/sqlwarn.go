package scenarios

import (
	"regexp"
	"strings"
)

// handQuoted is a value quoted by hand in SQL: '{{.Site}}', '{{$s}}', '{{.}}', '{{.Args.x}}'.
var handQuoted = regexp.MustCompile(`'\{\{-?\s*(\.|\.Site|\$\.Site|\$[A-Za-z0-9_]*|\.Args\.[A-Za-z0-9_-]+)\s*-?\}\}'`)

// sqlWarnings notes every value an SQL template quotes by hand: a site ID or argument with a
// quote in it breaks the statement (or injects SQL), where sqlquote would quote it for the
// connection's driver. Valid SQL for the IDs of a test stack, so a warning, not an error.
func sqlWarnings(refs []tmplRef) Errors {
	var out Errors
	for _, r := range refs {
		if !strings.HasSuffix(r.path, ".sql.query") && !strings.HasSuffix(r.path, ".sql") {
			continue
		}
		seen := map[string]bool{}
		for _, m := range handQuoted.FindAllStringSubmatch(r.text, -1) {
			if seen[m[0]] {
				continue
			}
			seen[m[0]] = true
			out = append(out, &Error{Pos: r.pos, Path: r.path,
				Msg: m[0] + " quotes a value by hand: a quote in it breaks the statement (or injects SQL); write {{sqlquote " + m[1] + "}}, which quotes it for the connection's driver"})
		}
	}
	return out
}
