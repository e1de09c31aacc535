package cloudsuite_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/drill-dev/drill/stacks/cloudsuite/catalog"
	"github.com/drill-dev/drill/stacks/cloudsuite/directory"
	"github.com/drill-dev/drill/stacks/cloudsuite/identity"
	product "github.com/drill-dev/drill/stacks/cloudsuite/products"
	"github.com/drill-dev/drill/stacks/cloudsuite/seed"
)

// perSiteWorkers is the pool the per-site round runs on: drill's probe pool (16 requests in
// flight over every product).
const perSiteWorkers = 16

// perSiteSites is the most sites the per-site rounds are measured at (the target is for 400;
// at 1,000 a per-site round takes about 8 s, 20 of them minutes).
const perSiteSites = 400

// roundsPerRun is how many rounds each benchmark iteration runs, for the p50 and p95 of a
// round's time.
const roundsPerRun = 20

// BenchmarkProbeRound measures one health round and one fingerprint round over every product
// (identity, tracker, wiki, pager, status) at 400 and 1,000 sites of 200 records (per site at
// 400 only): per site
// (one GET per site and product on a pool of 16, as drill's) against batched (one POST per
// product, the five at once), as p50 and p95 over 20 rounds. The services run in this process
// (httptest) on a PostgreSQL container, so the figures are the services' and the database's
// cost, without Docker's port proxy.
func BenchmarkProbeRound(b *testing.B) {
	_, url := benchDB(b)
	live := pool(b, url)
	ctx := context.Background()
	if _, err := seed.Run(ctx, live, seed.Options{Sites: 1000, Records: 200, Seed: 1, PauseArchiving: true}); err != nil {
		b.Fatal(err)
	}
	id := httptest.NewServer((&identity.Server{Pool: live}).Handler())
	b.Cleanup(id.Close)
	base := map[string]string{catalog.Identity: id.URL}
	for _, p := range catalog.Products[1:] {
		srv := httptest.NewServer((&product.Server{Product: p, Pool: live, Directory: directory.New(id.URL, 0)}).Handler())
		b.Cleanup(srv.Close)
		base[p.Name] = srv.URL
	}
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 2 * perSiteWorkers}}
	all := seed.SiteIDs(1, 1000)
	for _, n := range []int{400, 1000} {
		for _, probe := range []string{"health", "fingerprint"} {
			if n <= perSiteSites {
				b.Run(fmt.Sprintf("%s/sites=%d/per-site", probe, n), func(b *testing.B) {
					rounds(b, func() error { return perSiteRound(ctx, client, base, probe, all[:n]) })
				})
			}
			b.Run(fmt.Sprintf("%s/sites=%d/batch", probe, n), func(b *testing.B) {
				rounds(b, func() error { return batchRound(ctx, client, base, probe, all[:n]) })
			})
		}
	}
}

// rounds runs roundsPerRun rounds per iteration and reports the p50 and p95 of their times.
func rounds(b *testing.B, round func() error) {
	var times []time.Duration
	for i := 0; i < b.N; i++ {
		for range roundsPerRun {
			start := time.Now()
			if err := round(); err != nil {
				b.Fatal(err)
			}
			times = append(times, time.Since(start))
		}
	}
	slices.Sort(times)
	at := func(q float64) float64 { return float64(times[int(q*float64(len(times)-1))].Milliseconds()) }
	b.ReportMetric(at(0.50), "p50-ms/round")
	b.ReportMetric(at(0.95), "p95-ms/round")
}

func perSiteRound(ctx context.Context, client *http.Client, base map[string]string, probe string, sites []string) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(perSiteWorkers)
	for _, p := range catalog.Names() {
		for _, site := range sites {
			g.Go(func() error {
				req, _ := http.NewRequestWithContext(gctx, http.MethodGet, base[p]+"/sites/"+site+"/"+probe, nil)
				return call(client, req, nil)
			})
		}
	}
	return g.Wait()
}

func batchRound(ctx context.Context, client *http.Client, base map[string]string, probe string, sites []string) error {
	body, _ := json.Marshal(map[string][]string{"sites": sites})
	var g errgroup.Group
	for _, p := range catalog.Names() {
		g.Go(func() error {
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base[p]+"/batch/"+probe, bytes.NewReader(body))
			var answer struct{ Results map[string]string }
			if err := call(client, req, &answer); err != nil {
				return err
			}
			if len(answer.Results) != len(sites) {
				return fmt.Errorf("%s: %d answers for %d sites", p, len(answer.Results), len(sites))
			}
			return nil
		})
	}
	return g.Wait()
}

// call sends req and expects 200; out, when not nil, receives the JSON answer.
func call(client *http.Client, req *http.Request, out any) error {
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %s: %s", req.Method, req.URL.Path, resp.Status, raw)
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}
