package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/drill-dev/drill/stacks/cloudsuite/catalog"
	"github.com/drill-dev/drill/stacks/cloudsuite/contacts"
	"github.com/drill-dev/drill/stacks/cloudsuite/fingerprint"
	"github.com/drill-dev/drill/stacks/cloudsuite/notify"
	"github.com/drill-dev/drill/stacks/cloudsuite/restore"
	"github.com/drill-dev/drill/stacks/cloudsuite/seed"
	"github.com/drill-dev/drill/stacks/cloudsuite/store"
	"github.com/drill-dev/drill/stacks/cloudsuite/web"
)

// open opens a pool on dsn, which must be set.
func open(ctx context.Context, what, dsn string) (*pgxpool.Pool, error) {
	if dsn == "" {
		return nil, fmt.Errorf("no %s database URL (flag or DATABASE_URL)", what)
	}
	return store.Open(ctx, dsn, 16)
}

func seedCommand() *cobra.Command {
	var o seed.Options
	var dsn string
	var keepArchiving bool
	cmd := &cobra.Command{
		Use:   "seed",
		Short: "fill an empty database with N sites of M records per product, deterministically (COPY)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pool, err := open(cmd.Context(), "live", dsn)
			if err != nil {
				return err
			}
			defer pool.Close()
			o.PauseArchiving, o.Log = !keepArchiving, logger()
			stats, err := seed.Run(cmd.Context(), pool, o)
			if err != nil {
				return err
			}
			return printJSON(stats)
		},
	}
	f := cmd.Flags()
	f.StringVar(&dsn, "dsn", env("DATABASE_URL", ""), "database URL")
	f.IntVar(&o.Sites, "sites", 8, "number of sites")
	f.IntVar(&o.Records, "records", 200, "records per site per product")
	f.Int64Var(&o.Seed, "seed", 1, "seed of the generated IDs and rows")
	f.IntVar(&o.Concurrency, "concurrency", 3, "tables copied at once")
	f.BoolVar(&keepArchiving, "keep-archiving", false, "leave WAL archiving on while seeding (by default it is paused: take a base backup after seeding)")
	return cmd
}

// allSites lists every site in identity, in order.
func allSites(ctx context.Context, pool *pgxpool.Pool) ([]string, error) {
	rows, err := pool.Query(ctx, `SELECT site_id FROM identity.sites ORDER BY ordinal, site_id`)
	if err != nil {
		return nil, fmt.Errorf("list sites: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

func fingerprintCommand() *cobra.Command {
	var dsn, sites string
	cmd := &cobra.Command{
		Use:   "fingerprint",
		Short: "print the checksum of each site's seeded data per product (JSON: site -> product -> checksum)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			pool, err := open(ctx, "live", dsn)
			if err != nil {
				return err
			}
			defer pool.Close()
			list := web.SplitSites(sites)
			if len(list) == 0 {
				if list, err = allSites(ctx, pool); err != nil {
					return err
				}
			}
			sums, err := fingerprint.Sites(ctx, pool, list)
			if err != nil {
				return err
			}
			return printJSON(sums)
		},
	}
	cmd.Flags().StringVar(&dsn, "dsn", env("DATABASE_URL", ""), "database URL")
	cmd.Flags().StringVar(&sites, "sites", "", `sites ("a,b", "a b" or "[a b]"); default every site`)
	return cmd
}

func restoreSitesCommand() *cobra.Command {
	var from, to, sites, products string
	var o restore.Options
	cmd := &cobra.Command{
		Use:   "restore-sites",
		Short: "copy the given sites from a side instance into the live database, identity first, touching no other site",
		Long: `Copies the given sites from a side instance into the live database, identity first,
touching no other site. Sites are restored in batches (--batch sites each): a batch is one
transaction that copies every table once for all its sites (set-based). --batch 0, the default,
makes all the given sites one batch; --batch 1 restores site by site, one transaction per site.
--concurrency batches run at once.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			list := web.SplitSites(sites)
			if len(list) == 0 {
				return fmt.Errorf("--sites is required")
			}
			src, dst, err := openPair(ctx, from, to)
			if err != nil {
				return err
			}
			defer src.Close()
			defer dst.Close()
			o.Products, o.Log = web.SplitSites(products), logger()
			sum, err := restore.Sites(ctx, src, dst, list, o)
			if err != nil {
				return err
			}
			return printJSON(sum)
		},
	}
	f := cmd.Flags()
	f.StringVar(&from, "from", env("SIDE_DATABASE_URL", ""), "side instance URL (SIDE_DATABASE_URL)")
	f.StringVar(&to, "to", env("DATABASE_URL", ""), "live database URL")
	f.StringVar(&sites, "sites", "", `sites to restore ("a,b", "a b" or "[a b]")`)
	f.StringVar(&products, "products", "", "products to restore (default all: "+strings.Join(catalog.Names(), ",")+")")
	f.IntVar(&o.Batch, "batch", 0, "sites per batch (one transaction, one copy per table); 0: all in one batch, 1: site by site")
	f.IntVar(&o.Concurrency, "concurrency", 1, "batches restored at once")
	return cmd
}

func openPair(ctx context.Context, from, to string) (*pgxpool.Pool, *pgxpool.Pool, error) {
	src, err := open(ctx, "side instance (--from)", from)
	if err != nil {
		return nil, nil, err
	}
	dst, err := open(ctx, "live", to)
	if err != nil {
		src.Close()
		return nil, nil, err
	}
	return src, dst, nil
}

func restoreTableCommand() *cobra.Command {
	var from, to, product, table, sites string
	cmd := &cobra.Command{
		Use:   "restore-table",
		Short: "copy one product table from a side instance into the live database (recreating it if dropped)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			t, err := catalog.FindTable(product, table)
			if err != nil {
				return err
			}
			src, dst, err := openPair(ctx, from, to)
			if err != nil {
				return err
			}
			defer src.Close()
			defer dst.Close()
			start := time.Now()
			n, err := restore.Table(ctx, src, dst, t, web.SplitSites(sites))
			if err != nil {
				return err
			}
			return printJSON(map[string]any{"table": t.ID(), "rows": n, "duration_ns": time.Since(start)})
		},
	}
	f := cmd.Flags()
	f.StringVar(&from, "from", env("SIDE_DATABASE_URL", ""), "side instance URL (SIDE_DATABASE_URL)")
	f.StringVar(&to, "to", env("DATABASE_URL", ""), "live database URL")
	f.StringVar(&product, "product", "", "product (or give --table as product.table)")
	f.StringVar(&table, "table", "", "table name, e.g. issues or tracker.issues")
	f.StringVar(&sites, "sites", "", "only these sites (default every row)")
	return cmd
}

func notifyCommand() *cobra.Command {
	var sites string
	var o notify.Options
	cmd := &cobra.Command{
		Use:   "notify",
		Short: "send a notice to every contact of the given sites through the outbox",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			list := web.SplitSites(sites)
			if len(list) == 0 {
				return fmt.Errorf("--sites is required")
			}
			res, err := notify.Send(cmd.Context(), list, o)
			if perr := printJSON(res); perr != nil && err == nil {
				err = perr
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&sites, "sites", "", "sites whose contacts to notify")
	f.StringVar(&o.Source, "source", notify.FromExport, "where contacts come from: identity or export")
	f.StringVar(&o.IdentityURL, "identity-url", env("IDENTITY_URL", "http://localhost:8080"), "identity service (IDENTITY_URL)")
	f.StringVar(&o.OutboxURL, "outbox-url", env("OUTBOX_URL", "http://outbox:8080"), "outbox service (OUTBOX_URL)")
	f.StringVar(&o.ExportDir, "export-dir", env("EXPORT_DIR", "/contacts"), "contacts exports (EXPORT_DIR)")
	f.StringVar(&o.Subject, "subject", "", "notice subject")
	return cmd
}

func exportContactsCommand() *cobra.Command {
	var dsn, dir string
	cmd := &cobra.Command{
		Use:   "export-contacts",
		Short: "write every site's contacts to a new export file now",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pool, err := open(cmd.Context(), "live", dsn)
			if err != nil {
				return err
			}
			defer pool.Close()
			path, err := contacts.WriteExport(cmd.Context(), pool, dir)
			if err != nil {
				return err
			}
			return printJSON(map[string]string{"path": path})
		},
	}
	cmd.Flags().StringVar(&dsn, "dsn", env("DATABASE_URL", ""), "database URL")
	cmd.Flags().StringVar(&dir, "dir", env("EXPORT_DIR", "/contacts"), "export directory (EXPORT_DIR)")
	return cmd
}

func migrateCommand() *cobra.Command {
	var dsn string
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "create the schemas and tables that are missing",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pool, err := open(cmd.Context(), "live", dsn)
			if err != nil {
				return err
			}
			defer pool.Close()
			return store.Migrate(cmd.Context(), pool)
		},
	}
	cmd.Flags().StringVar(&dsn, "dsn", env("DATABASE_URL", ""), "database URL")
	return cmd
}
