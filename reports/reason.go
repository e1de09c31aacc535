package reports

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/drill-dev/drill/result"
)

// ofName finds "<words> of <name>: ", the form of one cause in a list of them ("read canaries
// of wiki: …").
var ofName = regexp.MustCompile(`([a-z][a-z -]*) of ([A-Za-z0-9_.-]+): `)

// groupCauses shortens a reason that repeats one cause per product (or per site) into one
// clause per distinct cause: "read canaries of identity: E read canaries of wiki: E" becomes
// "read canaries of 2 products (identity, wiki): E". sites are the drill's site IDs: names
// that are all among them are counted as sites. A reason without a repeated cause is returned
// as it is.
func groupCauses(reason string, sites map[string]bool) string {
	phrase, at := repeatedPhrase(reason)
	if len(at) < 2 {
		return reason
	}
	var order []string
	names := map[string][]string{}
	for i, m := range at {
		next := len(reason)
		if i+1 < len(at) {
			next = at[i+1][0]
		}
		cause := strings.TrimSpace(reason[m[1]:next])
		if i+1 == len(at) {
			cause = strings.TrimSuffix(cause, "]")
		}
		cause = strings.TrimRight(cause, ";, ")
		if _, ok := names[cause]; !ok {
			order = append(order, cause)
		}
		names[cause] = append(names[cause], reason[m[2]:m[3]])
	}
	if len(order) == len(at) {
		return reason // no cause repeats
	}
	var clauses []string
	for _, cause := range order {
		ns := names[cause]
		who := ns[0]
		if len(ns) > 1 {
			who = fmt.Sprintf("%d %s (%s)", len(ns), nounOf(ns, sites), strings.Join(ns, ", "))
		}
		clauses = append(clauses, phrase+" of "+who+": "+cause)
	}
	prefix := strings.TrimRight(reason[:at[0][0]], "[ ")
	return prefix + " " + strings.Join(clauses, "; ")
}

// repeatedPhrase finds the "<phrase> of <name>: " that occurs most often (the longest phrase
// of those), with the start and end of each occurrence and of its name.
func repeatedPhrase(reason string) (string, [][]int) {
	best, bestAt := "", [][]int(nil)
	for _, m := range ofName.FindAllStringSubmatch(reason, -1) {
		words := strings.Fields(m[1])
		for k := range words { // a match may begin with the tail of the cause before it
			cand := strings.Join(words[k:], " ")
			re := regexp.MustCompile(`\b` + regexp.QuoteMeta(cand) + ` of ([A-Za-z0-9_.-]+): `)
			at := re.FindAllStringSubmatchIndex(reason, -1)
			if len(at) > len(bestAt) || len(at) == len(bestAt) && len(cand) > len(best) {
				best, bestAt = cand, at
			}
		}
	}
	return best, bestAt
}

// nounOf says what the names are: sites when all are the drill's sites, else products (the
// harness lists per-product causes).
func nounOf(names []string, sites map[string]bool) string {
	for _, n := range names {
		if !sites[n] {
			return "products"
		}
	}
	return "sites"
}

// siteIDs are the drill's sites, to tell a list of sites from one of products.
func siteIDs(d result.Result) map[string]bool {
	ids := make(map[string]bool, len(d.Sites))
	for _, s := range d.Sites {
		ids[s.ID] = true
	}
	return ids
}
