package fingerprint

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"

	"github.com/jackc/pgx/v5"

	"github.com/drill-dev/drill/stacks/cloudsuite/catalog"
)

// RowsQuerier is what ProductSites needs from a pool, a connection or a transaction.
type RowsQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// ProductSites returns, for each of the given sites, the checksum Product returns for it, with
// one query per table for all the sites together (set-based). Every given site has an entry:
// a site with no rows has the checksum of absence, as in Product. An error reading a table
// fails the whole call.
func ProductSites(ctx context.Context, q RowsQuerier, p catalog.Product, sites []string) (map[string]string, error) {
	sites = unique(sites)
	hashes := make(map[string]hash.Hash, len(sites))
	for _, s := range sites {
		hashes[s] = sha256.New()
	}
	type agg struct {
		n   int64
		sum string
	}
	for _, t := range p.Tables {
		if !t.Seeded {
			continue
		}
		rows, err := q.Query(ctx, batchQuery(t), sites)
		if err != nil {
			return nil, fmt.Errorf("fingerprint %s: %w", t.ID(), err)
		}
		got := make(map[string]agg, len(sites))
		var site string
		var a agg
		if _, err := pgx.ForEachRow(rows, []any{&site, &a.n, &a.sum}, func() error {
			got[site] = a
			return nil
		}); err != nil {
			return nil, fmt.Errorf("fingerprint %s: %w", t.ID(), err)
		}
		for _, s := range sites {
			a := got[s] // absent: no rows, count 0 and the empty sum, as Product reads it
			fmt.Fprintf(hashes[s], "%s %d %s\n", t.ID(), a.n, a.sum)
		}
	}
	out := make(map[string]string, len(sites))
	for s, h := range hashes {
		out[s] = hex.EncodeToString(h.Sum(nil))[:32]
	}
	return out, nil
}

// batchQuery is tableQuery grouped by site, for the sites in $1.
func batchQuery(t catalog.Table) string {
	return fmt.Sprintf(`SELECT site_id, count(*), coalesce(sum(hashtextextended(ROW(%s)::text, 0))::text, '') FROM %s WHERE site_id = ANY($1) GROUP BY site_id`,
		t.ColumnList(true), t.QualifiedName())
}

func unique(sites []string) []string {
	seen := make(map[string]bool, len(sites))
	out := make([]string, 0, len(sites))
	for _, s := range sites {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
