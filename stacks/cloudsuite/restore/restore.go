package restore

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"

	"github.com/drill-dev/drill/stacks/cloudsuite/catalog"
	"github.com/drill-dev/drill/stacks/cloudsuite/store"
)

// Options of a site restore. Products defaults to every product (restoring some without identity
// leaves the sites broken, which is the point of being able to); Concurrency defaults to 1 site
// at a time.
type Options struct {
	Products    []string
	Concurrency int
	Log         *slog.Logger
}

// SiteResult is one restored site.
type SiteResult struct {
	Site     string        `json:"site"`
	Rows     int64         `json:"rows"`
	Duration time.Duration `json:"duration_ns"`
}

// Summary is a whole restore.
type Summary struct {
	Sites       []SiteResult  `json:"sites"`
	Rows        int64         `json:"rows"`
	Duration    time.Duration `json:"duration_ns"`
	SitesPerSec float64       `json:"sites_per_second"`
}

// Sites restores the given sites from the side instance into the live database, each in one
// transaction, Concurrency sites at a time. It stops at the first failure; sites already
// committed stay restored.
func Sites(ctx context.Context, from, to *pgxpool.Pool, sites []string, o Options) (Summary, error) {
	start := time.Now()
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	products, err := selectProducts(o.Products)
	if err != nil {
		return Summary{}, err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(o.Concurrency, 1))
	var mu sync.Mutex
	var sum Summary
	for _, site := range sites {
		g.Go(func() error {
			res, err := restoreSite(gctx, from, to, site, products, o.Log)
			if err != nil {
				return err
			}
			o.Log.Info("site restored", "site", site, "rows", res.Rows, "duration", res.Duration)
			mu.Lock()
			sum.Sites = append(sum.Sites, res)
			sum.Rows += res.Rows
			mu.Unlock()
			return nil
		})
	}
	err = g.Wait()
	sum.Duration = time.Since(start)
	if sum.Duration > 0 {
		sum.SitesPerSec = float64(len(sum.Sites)) / sum.Duration.Seconds()
	}
	return sum, err
}

func selectProducts(names []string) ([]catalog.Product, error) {
	if len(names) == 0 {
		return catalog.Products, nil
	}
	var out []catalog.Product
	for _, n := range names {
		if _, err := catalog.Lookup(n); err != nil {
			return nil, err
		}
	}
	for _, p := range catalog.Products { // dependency order, whatever order was asked
		if slices.Contains(names, p.Name) {
			out = append(out, p)
		}
	}
	return out, nil
}

func restoreSite(ctx context.Context, from, to *pgxpool.Pool, site string, products []catalog.Product, log *slog.Logger) (SiteResult, error) {
	start := time.Now()
	var rows int64
	err := pgx.BeginFunc(ctx, to, func(tx pgx.Tx) error {
		for _, p := range products {
			for _, t := range p.Tables {
				began := time.Now()
				n, err := copyRows(ctx, from, tx, t, filter([]string{site}))
				if err != nil {
					return err
				}
				log.Debug("table restored", "site", site, "table", t.ID(), "rows", n, "duration", time.Since(began))
				rows += n
			}
		}
		return nil
	})
	if err != nil {
		return SiteResult{}, fmt.Errorf("restore site %s: %w", site, err)
	}
	return SiteResult{Site: site, Rows: rows, Duration: time.Since(start)}, nil
}

// Table restores one table from the side instance, for the given sites or (none given) every
// row, in one transaction. A dropped table is recreated first.
func Table(ctx context.Context, from, to *pgxpool.Pool, t catalog.Table, sites []string) (int64, error) {
	if err := store.Migrate(ctx, to); err != nil {
		return 0, err
	}
	var n int64
	err := pgx.BeginFunc(ctx, to, func(tx pgx.Tx) error {
		var err error
		n, err = copyRows(ctx, from, tx, t, filter(sites))
		return err
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
