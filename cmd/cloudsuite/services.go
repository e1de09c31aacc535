package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/drill-dev/drill/stacks/cloudsuite/catalog"
	"github.com/drill-dev/drill/stacks/cloudsuite/contacts"
	"github.com/drill-dev/drill/stacks/cloudsuite/directory"
	"github.com/drill-dev/drill/stacks/cloudsuite/identity"
	"github.com/drill-dev/drill/stacks/cloudsuite/outbox"
	"github.com/drill-dev/drill/stacks/cloudsuite/products"
	"github.com/drill-dev/drill/stacks/cloudsuite/store"
	"github.com/drill-dev/drill/stacks/cloudsuite/web"
)

func serviceCommands() []*cobra.Command {
	names := append([]string{catalog.Identity}, catalog.Apps...)
	names = append(names, catalog.Outbox)
	cmds := make([]*cobra.Command, len(names))
	for i, name := range names {
		cmds[i] = &cobra.Command{
			Use:   name,
			Short: "run the " + name + " service (DATABASE_URL, LISTEN=:8080" + serviceEnv(name) + ")",
			Args:  cobra.NoArgs,
			RunE:  func(cmd *cobra.Command, _ []string) error { return serve(cmd.Context(), name) },
		}
	}
	return cmds
}

func serviceEnv(name string) string {
	switch name {
	case catalog.Identity:
		return ", SOFT_DELETE=off, EXPORT_DIR, EXPORT_INTERVAL=1m"
	case catalog.Outbox:
		return ""
	default:
		return ", IDENTITY_URL=http://identity:8080, IDENTITY_CACHE_TTL=500ms"
	}
}

func serve(ctx context.Context, name string) error {
	log := logger().With("service", name)
	dsn := env("DATABASE_URL", "")
	if dsn == "" {
		return fmt.Errorf("DATABASE_URL is not set")
	}
	pool, err := store.Open(ctx, dsn, 20)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := store.MigrateWhenReady(ctx, pool, 500*time.Millisecond); err != nil {
		return err
	}
	h, err := handler(ctx, name, pool, log)
	if err != nil {
		return err
	}
	return web.Serve(ctx, env("LISTEN", ":8080"), h, log)
}

func handler(ctx context.Context, name string, pool *pgxpool.Pool, log *slog.Logger) (http.Handler, error) {
	switch name {
	case catalog.Identity:
		soft, err := onOff(env("SOFT_DELETE", "off"))
		if err != nil {
			return nil, fmt.Errorf("SOFT_DELETE: %w", err)
		}
		dir := env("EXPORT_DIR", "")
		if dir != "" {
			every, err := interval(env("EXPORT_INTERVAL", "1m"))
			if err != nil {
				return nil, fmt.Errorf("EXPORT_INTERVAL: %w", err)
			}
			if every > 0 {
				go contacts.Schedule(ctx, pool, dir, every, log)
			}
		}
		return (&identity.Server{Pool: pool, SoftDelete: soft, ExportDir: dir, Log: log}).Handler(), nil
	case catalog.Outbox:
		return (&outbox.Server{Pool: pool, Log: log}).Handler(), nil
	default:
		p, err := catalog.Lookup(name)
		if err != nil {
			return nil, err
		}
		ttl, err := time.ParseDuration(env("IDENTITY_CACHE_TTL", directory.DefaultTTL.String()))
		if err != nil {
			return nil, fmt.Errorf("IDENTITY_CACHE_TTL: %w", err)
		}
		dir := directory.New(env("IDENTITY_URL", "http://identity:8080"), ttl)
		return (&products.Server{Product: p, Pool: pool, Directory: dir, Log: log}).Handler(), nil
	}
}

func onOff(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "on", "true", "1", "yes":
		return true, nil
	case "off", "false", "0", "no", "":
		return false, nil
	}
	return false, fmt.Errorf("%q is neither on nor off", v)
}

// interval parses a duration; "off" or "0" disables.
func interval(v string) (time.Duration, error) {
	if v == "off" || v == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, err
	}
	if d < 0 {
		return 0, fmt.Errorf("negative interval %s", v)
	}
	return d, nil
}
