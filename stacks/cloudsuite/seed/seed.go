package seed

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"

	"github.com/drill-dev/drill/stacks/cloudsuite/catalog"
	"github.com/drill-dev/drill/stacks/cloudsuite/store"
)

// Options of a seeding. Zero Concurrency means 3 tables at once; PauseArchiving (default in the
// CLI) sets archive_command to /bin/true for the duration, which needs a superuser: seed before
// the base backup, whose WAL is then not needed.
type Options struct {
	Sites, Records int
	Seed           int64
	Concurrency    int
	PauseArchiving bool
	Log            *slog.Logger
}

// Stats says what a seeding wrote.
type Stats struct {
	Sites    int            `json:"sites"`
	Rows     map[string]int `json:"rows"`
	Total    int            `json:"total_rows"`
	Duration time.Duration  `json:"duration_ns"`
}

// Run seeds an empty cloudsuite database (it migrates first) and returns what it wrote. It
// refuses a database that already has sites.
func Run(ctx context.Context, pool *pgxpool.Pool, o Options) (Stats, error) {
	start := time.Now()
	if o.Sites < 1 || o.Records < 1 {
		return Stats{}, fmt.Errorf("seed: sites and records must be at least 1 (got %d, %d)", o.Sites, o.Records)
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if err := store.Migrate(ctx, pool); err != nil {
		return Stats{}, err
	}
	var existing int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM identity.sites`).Scan(&existing); err != nil {
		return Stats{}, fmt.Errorf("seed: %w", err)
	}
	if existing > 0 {
		return Stats{}, fmt.Errorf("seed: the database already has %d sites", existing)
	}
	if o.PauseArchiving {
		if err := setArchive(ctx, pool, true); err != nil {
			return Stats{}, err
		}
		defer func() {
			if err := setArchive(context.WithoutCancel(ctx), pool, false); err != nil {
				o.Log.Error("re-enable archiving", "err", err)
			}
		}()
	}
	stats, err := copyAll(ctx, pool, o)
	if err != nil {
		return Stats{}, err
	}
	if _, err := pool.Exec(ctx, `ANALYZE`); err != nil {
		return Stats{}, fmt.Errorf("seed: analyze: %w", err)
	}
	stats.Duration = time.Since(start)
	return stats, nil
}

// setArchive pauses (archive_command = /bin/true) or restores archiving, and reloads.
func setArchive(ctx context.Context, pool *pgxpool.Pool, pause bool) error {
	stmt := `ALTER SYSTEM RESET archive_command`
	if pause {
		stmt = `ALTER SYSTEM SET archive_command = '/bin/true'`
	}
	if _, err := pool.Exec(ctx, stmt); err != nil {
		return fmt.Errorf("seed: archiving: %w", err)
	}
	if _, err := pool.Exec(ctx, `SELECT pg_reload_conf()`); err != nil {
		return fmt.Errorf("seed: archiving: %w", err)
	}
	return nil
}

func copyAll(ctx context.Context, pool *pgxpool.Pool, o Options) (Stats, error) {
	ids := SiteIDs(o.Seed, o.Sites)
	var tables []catalog.Table
	for _, p := range catalog.Products {
		for _, t := range p.Tables {
			if t.Seeded {
				tables = append(tables, t)
			}
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	limit := 3
	if o.Concurrency > 0 {
		limit = o.Concurrency
	}
	g.SetLimit(limit)
	counts := make([]int, len(tables))
	for i, t := range tables {
		gen, ok := generators[t.ID()]
		if !ok {
			return Stats{}, fmt.Errorf("seed: no generator for %s", t.ID())
		}
		g.Go(func() error {
			n, err := copyTable(gctx, pool, t, i, gen, ids, o)
			counts[i] = n
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return Stats{}, err
	}
	stats := Stats{Sites: o.Sites, Rows: map[string]int{}}
	for i, t := range tables {
		stats.Rows[t.ID()] = counts[i]
		stats.Total += counts[i]
	}
	return stats, nil
}

// copyTable streams one table's rows for every site into one COPY and returns the row count.
func copyTable(ctx context.Context, pool *pgxpool.Pool, t catalog.Table, index int,
	gen func(site, *rand.Rand, *row), ids []string, o Options,
) (int, error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return 0, fmt.Errorf("seed %s: %w", t.ID(), err)
	}
	defer conn.Release()
	pr, pw := io.Pipe()
	go func() {
		bw := bufio.NewWriterSize(pw, 256<<10)
		w := &row{w: bw, first: true, buf: make([]byte, 0, 64)}
		for ord, id := range ids {
			if ctx.Err() != nil {
				break
			}
			gen(site{seed: o.Seed, ordinal: ord + 1, id: id, records: o.Records}, rng(o.Seed, ord+1, index), w)
		}
		if err := bw.Flush(); err != nil {
			pw.CloseWithError(err)
			return
		}
		pw.CloseWithError(ctx.Err())
	}()
	sql := fmt.Sprintf(`COPY %s (%s) FROM STDIN`, t.QualifiedName(), t.ColumnList(false))
	tag, err := conn.Conn().PgConn().CopyFrom(ctx, pr, sql)
	pr.Close()
	if err != nil {
		return 0, fmt.Errorf("seed %s: %w", t.ID(), err)
	}
	o.Log.Debug("seeded", "table", t.ID(), "rows", tag.RowsAffected())
	return int(tag.RowsAffected()), nil
}
