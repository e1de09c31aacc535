package cloudsuite_test

import (
	"context"
	"fmt"
	"io"
	stdlog "log"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/testcontainers/testcontainers-go"
	tcexec "github.com/testcontainers/testcontainers-go/exec"
	tclog "github.com/testcontainers/testcontainers-go/log"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/drill-dev/drill/stacks/cloudsuite/identity"
	"github.com/drill-dev/drill/stacks/cloudsuite/restore"
	"github.com/drill-dev/drill/stacks/cloudsuite/seed"
	"github.com/drill-dev/drill/stacks/cloudsuite/store"
)

// benchDB starts drill/postgres:15 alone (anonymous volumes, removed with it) and returns the
// container and pools on the live server and, once started, the side instance.
func benchDB(b *testing.B) (*testcontainers.DockerContainer, string) {
	b.Helper()
	if testing.Short() {
		b.Skip("needs Docker (skipped under -short)")
	}
	tclog.SetDefault(stdlog.New(io.Discard, "", 0))
	ctx := context.Background()
	c, err := testcontainers.Run(ctx, pgImage,
		testcontainers.WithLabels(map[string]string{"drill.test": "cloudsuite-bench"}),
		testcontainers.WithExposedPorts("5432/tcp", "5433/tcp"),
		testcontainers.WithWaitStrategy(wait.ForExec([]string{"drill-pg", "ready"}).WithStartupTimeout(90*time.Second)))
	b.Cleanup(func() {
		if c != nil {
			_ = c.Terminate(context.Background())
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	return c, dsn(b, c, "5432/tcp")
}

func dsn(b *testing.B, c *testcontainers.DockerContainer, port string) string {
	b.Helper()
	p, err := c.MappedPort(context.Background(), port)
	if err != nil {
		b.Fatal(err)
	}
	return fmt.Sprintf("postgres://postgres:drill@localhost:%s/cloudsuite?sslmode=disable", p.Port())
}

func pool(b *testing.B, url string) *pgxpool.Pool {
	b.Helper()
	p, err := store.Open(context.Background(), url, 16)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(p.Close)
	return p
}

func benchExec(b *testing.B, c *testcontainers.DockerContainer, cmd ...string) string {
	b.Helper()
	code, r, err := c.Exec(context.Background(), cmd, tcexec.Multiplexed())
	if err != nil {
		b.Fatal(err)
	}
	out, _ := io.ReadAll(r)
	if code != 0 {
		b.Fatalf("%v: exit %d\n%s", cmd, code, out)
	}
	return strings.TrimSpace(string(out))
}

// BenchmarkSeed10M seeds 400 sites x 5,000 records x 5 products (10M records) into an empty
// database, as the large size does. Target: at most 120 s on 2 cores. Run with -benchtime=1x.
func BenchmarkSeed10M(b *testing.B) {
	_, url := benchDB(b)
	p := pool(b, url)
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if _, err := p.Exec(ctx, `DROP SCHEMA IF EXISTS identity, tracker, wiki, pager, status, outbox CASCADE`); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		stats, err := seed.Run(ctx, p, seed.Options{Sites: 400, Records: 5000, Seed: 1, PauseArchiving: true})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(stats.Total)/stats.Duration.Seconds(), "rows/s")
		b.ReportMetric(stats.Duration.Seconds(), "s/seed")
	}
}

// BenchmarkRestoreSites measures restore-sites in sites per second, site by site (one
// transaction per site, at concurrency 1 and 4) against set-based batches (one transaction and
// one COPY per table for the whole batch, and batches of 8 two at a time): 40 sites of 5,000
// records per product, 16 of them deleted permanently, restored from a point-in-time side
// instance; each iteration deletes and restores the 16 again.
func BenchmarkRestoreSites(b *testing.B) {
	c, url := benchDB(b)
	live := pool(b, url)
	ctx := context.Background()
	if _, err := seed.Run(ctx, live, seed.Options{Sites: 40, Records: 5000, Seed: 1, PauseArchiving: true}); err != nil {
		b.Fatal(err)
	}
	benchExec(b, c, "drill-pg", "base-backup")
	time.Sleep(100 * time.Millisecond)
	var target string
	if err := live.QueryRow(ctx, `SELECT clock_timestamp()::text`).Scan(&target); err != nil {
		b.Fatal(err)
	}
	sites := seed.SiteIDs(1, 40)[10:26]
	admin := &identity.Server{Pool: live}
	benchExec(b, c, "drill-pg", "side-start", target)
	side := pool(b, dsn(b, c, "5433/tcp"))

	for _, mode := range []struct {
		name string
		o    restore.Options
	}{
		{"per-site/concurrency=1", restore.Options{Batch: 1, Concurrency: 1}},
		{"per-site/concurrency=4", restore.Options{Batch: 1, Concurrency: 4}},
		{"batch=all", restore.Options{Batch: 0, Concurrency: 1}},
		{"batch=8/concurrency=2", restore.Options{Batch: 8, Concurrency: 2}},
	} {
		b.Run(mode.name, func(b *testing.B) {
			var restored int
			var took time.Duration
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				if _, err := admin.Delete(ctx, sites, identity.Permanent); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				sum, err := restore.Sites(ctx, side, live, sites, mode.o)
				if err != nil {
					b.Fatal(err)
				}
				restored += sum.Sites
				took += sum.Duration
			}
			b.ReportMetric(float64(restored)/took.Seconds(), "sites/s")
		})
	}
}
