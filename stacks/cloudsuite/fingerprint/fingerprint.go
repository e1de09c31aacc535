package fingerprint

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/drill-dev/drill/stacks/cloudsuite/catalog"
)

// Querier is what Product needs from a pool, a connection or a transaction.
type Querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Product returns the checksum of the site's seeded data in product p (hex, 32 characters).
// A site with no rows at all has a checksum too: absence is a value, which differs from the
// seeded one.
func Product(ctx context.Context, q Querier, p catalog.Product, site string) (string, error) {
	h := sha256.New()
	for _, t := range p.Tables {
		if !t.Seeded {
			continue
		}
		var n int64
		var sum string
		if err := q.QueryRow(ctx, tableQuery(t), site).Scan(&n, &sum); err != nil {
			return "", fmt.Errorf("fingerprint %s: %w", t.ID(), err)
		}
		fmt.Fprintf(h, "%s %d %s\n", t.ID(), n, sum)
	}
	return hex.EncodeToString(h.Sum(nil))[:32], nil
}

// tableQuery reads one table's part of a site's checksum: its row count and the sum of its rows'
// hashes (order-free, so no sort).
func tableQuery(t catalog.Table) string {
	return fmt.Sprintf(`SELECT count(*), coalesce(sum(hashtextextended(ROW(%s)::text, 0))::text, '') FROM %s WHERE site_id = $1`,
		t.ColumnList(true), t.QualifiedName())
}

// Sites returns the checksum of every product for every site: site -> product -> checksum.
func Sites(ctx context.Context, q Querier, sites []string) (map[string]map[string]string, error) {
	out := make(map[string]map[string]string, len(sites))
	for _, s := range sites {
		out[s] = map[string]string{}
		for _, p := range catalog.Products {
			sum, err := Product(ctx, q, p, s)
			if err != nil {
				return nil, err
			}
			out[s][p.Name] = sum
		}
	}
	return out, nil
}
