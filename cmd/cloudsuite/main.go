// Command cloudsuite is drill's reference stack in one static binary: the identity, tracker,
// wiki, pager, status and outbox services, and the tools that seed, fingerprint, restore and
// notify. Services take their settings from the environment (DATABASE_URL, LISTEN, IDENTITY_URL,
// SOFT_DELETE, EXPORT_DIR, EXPORT_INTERVAL); tools take flags whose defaults come from the same
// variables. See stacks/cloudsuite.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := root().ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "cloudsuite:", err)
		os.Exit(1)
	}
}

func root() *cobra.Command {
	cmd := &cobra.Command{
		Use:           "cloudsuite",
		Short:         "drill's reference multi-product stack: services and tools",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	cmd.AddCommand(serviceCommands()...)
	cmd.AddCommand(seedCommand(), fingerprintCommand(), restoreSitesCommand(), restoreTableCommand(),
		notifyCommand(), exportContactsCommand(), migrateCommand())
	return cmd
}

// logger writes JSON lines to stderr; LOG_LEVEL=debug shows more.
func logger() *slog.Logger {
	level := slog.LevelInfo
	if os.Getenv("LOG_LEVEL") == "debug" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

func printJSON(v any) error {
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
