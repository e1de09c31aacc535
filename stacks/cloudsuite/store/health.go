package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

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
//
// All the tables are read in one statement, one round trip; only when that statement fails
// are they read one by one, to name the first table that fails.
func CheckSite(ctx context.Context, pool *pgxpool.Pool, p catalog.Product, site string) error {
	return checkSite(ctx, pool, p, site, false)
}

// ErrNotRegistered says a product has no registration of a site (its sites table).
var ErrNotRegistered = errors.New("site not registered")

// CheckRegisteredSite is CheckSite after the product's registration of the site (its sites
// table), in the same statement: ErrNotRegistered when the site is not registered, else what
// CheckSite returns.
func CheckRegisteredSite(ctx context.Context, pool *pgxpool.Pool, p catalog.Product, site string) error {
	return checkSite(ctx, pool, p, site, true)
}

func checkSite(ctx context.Context, pool *pgxpool.Pool, p catalog.Product, site string, registered bool) error {
	var exists []string
	if registered {
		exists = append(exists, fmt.Sprintf(`EXISTS (SELECT 1 FROM %q.sites WHERE site_id = $1)`, p.Name))
	}
	var main = -1
	for _, t := range p.Tables {
		if !t.Seeded {
			continue
		}
		if t.Name == p.Main {
			main = len(exists)
		}
		exists = append(exists, fmt.Sprintf(`EXISTS (SELECT 1 FROM %s WHERE site_id = $1)`, t.QualifiedName()))
	}
	if len(exists) == 0 {
		return nil
	}
	have := make([]bool, len(exists))
	dest := make([]any, len(exists))
	for i := range have {
		dest[i] = &have[i]
	}
	if err := pool.QueryRow(ctx, "SELECT "+strings.Join(exists, ", "), site).Scan(dest...); err != nil {
		if ctx.Err() != nil {
			return err
		}
		if registered {
			var one int
			switch err := pool.QueryRow(ctx, fmt.Sprintf(`SELECT 1 FROM %q.sites WHERE site_id = $1`, p.Name), site).Scan(&one); {
			case errors.Is(err, pgx.ErrNoRows):
				return ErrNotRegistered
			case err != nil:
				return fmt.Errorf("registered sites: %w", err)
			}
		}
		return checkEachTable(ctx, pool, p, site)
	}
	if registered && !have[0] {
		return ErrNotRegistered
	}
	if main >= 0 && !have[main] {
		t, _ := p.Table(p.Main)
		return fmt.Errorf("%s: %w for site %s", t.ID(), ErrNoRecords, site)
	}
	return nil
}

// checkEachTable is CheckSite one table at a time, in order: the first table that fails
// names the error.
func checkEachTable(ctx context.Context, pool *pgxpool.Pool, p catalog.Product, site string) error {
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
