package seed

import (
	"bufio"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/drill-dev/drill/stacks/cloudsuite/catalog"
)

// row writes one line of COPY text format. Generated text never holds tabs, newlines or
// backslashes, so nothing needs escaping.
type row struct {
	w     *bufio.Writer
	first bool
	buf   []byte
}

func (r *row) sep() {
	if !r.first {
		r.w.WriteByte('\t')
	}
	r.first = false
}

func (r *row) text(s string) *row { r.sep(); r.w.WriteString(s); return r }
func (r *row) null() *row         { r.sep(); r.w.WriteString(`\N`); return r }

func (r *row) int(n int64) *row {
	r.sep()
	r.buf = strconv.AppendInt(r.buf[:0], n, 10)
	r.w.Write(r.buf)
	return r
}

// at writes base plus minutes, in UTC.
func (r *row) at(minutes int64) *row {
	r.sep()
	r.buf = base.Add(time.Duration(minutes)*time.Minute).AppendFormat(r.buf[:0], "2006-01-02 15:04:05+00")
	r.w.Write(r.buf)
	return r
}

func (r *row) end() { r.w.WriteByte('\n'); r.first = true }

var base = time.Date(2022, 4, 1, 0, 0, 0, 0, time.UTC)

var (
	words = []string{"alpha", "billing", "cache", "deploy", "error", "feature", "gateway", "history", "index",
		"login", "mobile", "network", "onboarding", "payment", "queue", "release", "search", "timeout",
		"upload", "vendor", "webhook", "export", "audit", "backup", "cluster", "dashboard", "email", "latency"}
	names   = []string{"Ada", "Grace", "Linus", "Ken", "Barbara", "Edsger", "Margaret", "Donald", "Frances", "Niklaus"}
	surname = []string{"Lovelace", "Hopper", "Torvalds", "Thompson", "Liskov", "Dijkstra", "Hamilton", "Knuth", "Allen", "Wirth"}
	regions = []string{"eu-west", "us-east", "ap-south"}
	plans   = []string{"free", "standard", "premium"}
	states  = []string{"open", "in progress", "done"}
	sevs    = []string{"P1", "P2", "P3", "P4"}
	roles   = []string{"admin", "billing", "technical"}
)

func pick(r *rand.Rand, list []string) string { return list[r.IntN(len(list))] }

// phrase is n to n+k random words joined by spaces.
func phrase(r *rand.Rand, n, k int, buf []byte) string {
	buf = buf[:0]
	for i := range n + r.IntN(k+1) {
		if i > 0 {
			buf = append(buf, ' ')
		}
		buf = append(buf, pick(r, words)...)
	}
	return string(buf)
}

// site is what a table generator knows about the site it writes.
type site struct {
	seed    int64
	ordinal int
	id      string
	records int
}

func (s site) email(kind string, n int) string {
	return kind + strconv.Itoa(n) + "@" + s.id + ".example"
}

func person(r *rand.Rand) string { return pick(r, names) + " " + pick(r, surname) }

// generators write one table's rows for one site, keyed by schema.table.
var generators = map[string]func(s site, r *rand.Rand, w *row){
	"identity.sites": func(s site, r *rand.Rand, w *row) {
		w.text(s.id).int(int64(s.ordinal)).text("Site " + strconv.Itoa(s.ordinal) + " " + pick(r, words)).
			text(pick(r, regions)).at(int64(s.ordinal) * 60).null().end()
	},
	"identity.apps": func(s site, r *rand.Rand, w *row) {
		for k, p := range catalog.Apps {
			w.text(AppID(s.seed, s.ordinal, k)).text(s.id).text(p).at(int64(s.ordinal)*60 + int64(k)).null().end()
		}
	},
	"identity.customers": func(s site, r *rand.Rand, w *row) {
		w.text(s.id).int(1).text(pick(r, surname) + " " + pick(r, words) + " Ltd").end()
	},
	"identity.contacts": func(s site, r *rand.Rand, w *row) {
		for i, role := range roles {
			w.text(s.id).int(int64(i + 1)).int(1).text(person(r)).text(s.email(role, i+1)).text(role).end()
		}
	},
	"identity.users": records(func(s site, r *rand.Rand, w *row, i int, buf []byte) {
		w.text(s.email("user", i)).text(person(r)).text(pick(r, roles))
	}),
	"tracker.sites": productSite,
	"wiki.sites":    productSite,
	"pager.sites":   productSite,
	"status.sites":  productSite,
	"tracker.issues": records(func(s site, r *rand.Rand, w *row, i int, buf []byte) {
		w.text("CS-" + strconv.Itoa(i)).text(phrase(r, 3, 3, buf)).text(pick(r, states)).int(int64(1 + r.IntN(4))).at(int64(i))
	}),
	"wiki.pages": records(func(s site, r *rand.Rand, w *row, i int, buf []byte) {
		w.text(phrase(r, 2, 3, buf)).text(phrase(r, 8, 8, buf)).int(int64(1 + r.IntN(s.records)))
	}),
	"pager.alerts": records(func(s site, r *rand.Rand, w *row, i int, buf []byte) {
		w.int(int64(1 + r.IntN(s.records))).text(pick(r, sevs)).text(phrase(r, 3, 4, buf)).at(int64(i))
	}),
	"status.pages": func(s site, r *rand.Rand, w *row) {
		for i := 1; i <= 2; i++ {
			w.text(s.id).int(int64(i)).text("Status of " + pick(r, words)).end()
		}
	},
	"status.incidents": func(s site, r *rand.Rand, w *row) {
		for i := 1; i <= 5; i++ {
			w.text(s.id).int(int64(i)).int(int64(1 + r.IntN(2))).text(phrase(r, 2, 3, nil)).text(pick(r, states)).end()
		}
	},
	"status.subscribers": records(func(s site, r *rand.Rand, w *row, i int, buf []byte) {
		w.int(int64(1 + r.IntN(2))).text(s.email("subscriber", i))
	}),
}

func productSite(s site, r *rand.Rand, w *row) {
	w.text(s.id).text(pick(r, plans)).at(int64(s.ordinal) * 60).end()
}

// records makes a generator of M records (IDs 1..M); fill writes the columns after site_id and
// the ID.
func records(fill func(s site, r *rand.Rand, w *row, i int, buf []byte)) func(site, *rand.Rand, *row) {
	return func(s site, r *rand.Rand, w *row) {
		buf := make([]byte, 0, 256)
		for i := 1; i <= s.records; i++ {
			w.text(s.id).int(int64(i))
			fill(s, r, w, i, buf)
			w.end()
		}
	}
}
