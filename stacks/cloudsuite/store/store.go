package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/drill-dev/drill/stacks/cloudsuite/catalog"
)

// ConnectTimeout bounds one connect to the database, from dial to session. A database that
// does not answer at all (on Kubernetes, the old address of a database pod that was recreated
// with a new one) would otherwise hold each connect, and the pool slot it is made for, until
// the kernel gives up on the connection: about two minutes, during which every request waits.
const ConnectTimeout = 5 * time.Second

// Open returns a pool for dsn whose sessions run in UTC. maxConns of zero keeps pgxpool's
// default; a connect is bounded by ConnectTimeout. The pool connects lazily: Open does not fail when the server is down. The caller
// must Close it.
func Open(ctx context.Context, dsn string, maxConns int32) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	cfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	cfg.ConnConfig.RuntimeParams["application_name"] = "cloudsuite"
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	cfg.HealthCheckPeriod = 5 * time.Second
	if cfg.ConnConfig.ConnectTimeout == 0 { // the url's connect_timeout, when it has one, wins
		cfg.ConnConfig.ConnectTimeout = ConnectTimeout
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open pool: %w", err)
	}
	return pool, nil
}

// migrateLock serialises concurrent migrations (every service migrates at start).
const migrateLock = 0x636c6f7564

// Migrate creates every schema, table and index that is missing, in one transaction.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after commit
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrateLock); err != nil {
		return fmt.Errorf("migrate lock: %w", err)
	}
	for _, stmt := range catalog.DDL() {
		if _, err := tx.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("migrate %q: %w", stmt, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("migrate commit: %w", err)
	}
	return nil
}

// MigrateWhenReady retries Migrate every interval until it succeeds or ctx ends, so a service
// started before its database is ready waits for it.
func MigrateWhenReady(ctx context.Context, pool *pgxpool.Pool, interval time.Duration) error {
	err := Migrate(ctx, pool)
	if err == nil {
		return nil
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last error: %w)", ctx.Err(), err)
		case <-tick.C:
			if err = Migrate(ctx, pool); err == nil {
				return nil
			}
		}
	}
}
