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
// leaves the sites broken, which is the point of being able to). Batch is how many sites share
// one transaction and one copy per table: 0 (the default) restores every given site as one
// batch, 1 site by site. Concurrency is how many batches run at once, default 1.
type Options struct {
	Products    []string
	Batch       int
	Concurrency int
	Log         *slog.Logger
}

// BatchResult is one restored batch of sites.
type BatchResult struct {
	Sites    []string      `json:"sites"`
	Rows     int64         `json:"rows"`
	Duration time.Duration `json:"duration_ns"`
}

// Summary is a whole restore.
type Summary struct {
	Batches     []BatchResult `json:"batches"`
	Sites       int           `json:"sites"`
	Rows        int64         `json:"rows"`
	Duration    time.Duration `json:"duration_ns"`
	SitesPerSec float64       `json:"sites_per_second"`
}

// Sites restores the given sites from the side instance into the live database, in batches of
// o.Batch sites, each batch in one transaction that copies every table once for all its sites,
// in dependency order; o.Concurrency batches at a time. It stops at the first failure; batches
// already committed stay restored.
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
	for _, batch := range batches(sites, o.Batch) {
		g.Go(func() error {
			res, err := restoreBatch(gctx, from, to, batch, products, o.Log)
			if err != nil {
				return err
			}
			o.Log.Info("sites restored", "sites", len(batch), "first", batch[0], "rows", res.Rows, "duration", res.Duration)
			mu.Lock()
			sum.Batches = append(sum.Batches, res)
			sum.Sites += len(batch)
			sum.Rows += res.Rows
			mu.Unlock()
			return nil
		})
	}
	err = g.Wait()
	sum.Duration = time.Since(start)
	if sum.Duration > 0 {
		sum.SitesPerSec = float64(sum.Sites) / sum.Duration.Seconds()
	}
	return sum, err
}

// batches splits sites (each once, in order) into consecutive batches of size sites; size 0
// or less is one batch of them all.
func batches(sites []string, size int) [][]string {
	seen := make(map[string]bool, len(sites))
	var once []string
	for _, s := range sites {
		if !seen[s] {
			seen[s] = true
			once = append(once, s)
		}
	}
	if size <= 0 {
		size = max(len(once), 1)
	}
	var out [][]string
	for b := range slices.Chunk(once, size) {
		out = append(out, b)
	}
	return out
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

func restoreBatch(ctx context.Context, from, to *pgxpool.Pool, sites []string, products []catalog.Product, log *slog.Logger) (BatchResult, error) {
	start := time.Now()
	var rows int64
	where := filter(sites)
	err := pgx.BeginFunc(ctx, to, func(tx pgx.Tx) error {
		for _, p := range products {
			for _, t := range p.Tables {
				began := time.Now()
				n, err := copyRows(ctx, from, tx, t, where)
				if err != nil {
					return err
				}
				log.Debug("table restored", "sites", len(sites), "first", sites[0], "table", t.ID(), "rows", n, "duration", time.Since(began))
				rows += n
			}
		}
		return nil
	})
	if err != nil {
		if len(sites) == 1 {
			return BatchResult{}, fmt.Errorf("restore site %s: %w", sites[0], err)
		}
		return BatchResult{}, fmt.Errorf("restore %d sites (%s ...): %w", len(sites), sites[0], err)
	}
	return BatchResult{Sites: sites, Rows: rows, Duration: time.Since(start)}, nil
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
