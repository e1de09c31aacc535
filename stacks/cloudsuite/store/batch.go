package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/drill-dev/drill/stacks/cloudsuite/catalog"
)

// Querier is what CheckSites needs from a pool, a connection or a transaction.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// CheckSites is CheckSite for many sites, set-based: one query per seeded table of p for all
// of them, in the order CheckSite reads the tables, each asking only about the sites that
// passed the tables before. The map has an entry per given site: nil when it passed, else the
// error CheckSite returns for it (the first table that failed it).
func CheckSites(ctx context.Context, q Querier, p catalog.Product, sites []string) map[string]error {
	out := make(map[string]error, len(sites))
	var pending []string
	for _, s := range sites {
		if _, dup := out[s]; !dup {
			out[s] = nil
			pending = append(pending, s)
		}
	}
	for _, t := range p.Tables {
		if !t.Seeded || len(pending) == 0 {
			continue
		}
		have, err := sitesWithRows(ctx, q, t, pending)
		if err != nil {
			for _, s := range pending {
				out[s] = fmt.Errorf("%s: %w", t.ID(), err)
			}
			pending = nil
			continue
		}
		if t.Name != p.Main {
			continue
		}
		pending = slices.DeleteFunc(pending, func(s string) bool {
			if have[s] {
				return false
			}
			out[s] = fmt.Errorf("%s: %w for site %s", t.ID(), ErrNoRecords, s)
			return true
		})
	}
	return out
}

// sitesWithRows reads, for each site, whether t has a row of it (one index probe per site).
func sitesWithRows(ctx context.Context, q Querier, t catalog.Table, sites []string) (map[string]bool, error) {
	rows, err := q.Query(ctx, fmt.Sprintf(
		`SELECT asked.site FROM unnest($1::text[]) AS asked(site) WHERE EXISTS (SELECT 1 FROM %s AS r WHERE r.site_id = asked.site)`,
		t.QualifiedName()), sites)
	if err != nil {
		return nil, err
	}
	present, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	have := make(map[string]bool, len(present))
	for _, s := range present {
		have[s] = true
	}
	return have, nil
}
