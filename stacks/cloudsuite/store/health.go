package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/drill-dev/drill/stacks/cloudsuite/catalog"
)

// ErrNoRecords says a site has no records in a product's main table.
var ErrNoRecords = errors.New("no records")

// CheckSite reads one row of the site from every seeded table of product p, so that a dropped
// or unreadable table shows in per-site health. It returns ErrNoRecords (wrapped) when the
// product's main table has no row for the site, and the database's error when a table cannot
// be read.
func CheckSite(ctx context.Context, pool *pgxpool.Pool, p catalog.Product, site string) error {
	for _, t := range p.Tables {
		if !t.Seeded {
			continue
		}
		var one int
		err := pool.QueryRow(ctx, fmt.Sprintf(`SELECT 1 FROM %s WHERE site_id = $1 LIMIT 1`, t.QualifiedName()), site).Scan(&one)
		switch {
		case errors.Is(err, pgx.ErrNoRows) && t.Name == p.Main:
			return fmt.Errorf("%s: %w for site %s", t.ID(), ErrNoRecords, site)
		case errors.Is(err, pgx.ErrNoRows):
		case err != nil:
			return fmt.Errorf("%s: %w", t.ID(), err)
		}
	}
	return nil
}
