package cloudsuite_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drill-dev/drill/stacks/cloudsuite/catalog"
	"github.com/drill-dev/drill/stacks/cloudsuite/seed"
)

// The proof of issue 11 items 3 and 7 on cloudsuite: the batch probes answer what the per-site
// endpoints answer on the same data (live, deleted, unknown and unentitled sites, a dropped
// table), and restoring in one set-based batch gives what restoring site by site gives.
var _ = Describe("batched probes and the batch restore", Ordered, Label("docker"), func() {
	const seedN = 3
	var (
		s         *stack
		sites     []string
		bySite    []string // restored one site per transaction
		inBatch   []string // restored as one batch
		unentitle string   // lost its tracker app, not restored
		baseline  map[string]map[string]string
		asked     []string // every site plus one that never existed
	)

	BeforeAll(func(ctx SpecContext) {
		requireDocker(ctx)
		s = startStack(ctx, false)
		s.exec(ctx, "identity", "", "cloudsuite", "seed", "--sites", "14", "--records", "100", "--seed", "3")
		sites = s.sites(ctx)
		Expect(sites).To(HaveLen(14))
		bySite, inBatch, unentitle = sites[2:6], sites[7:11], sites[12]
		asked = append(slices.Clone(sites), "000000000000")
		s.exec(ctx, "db", "", "drill-pg", "base-backup")
		baseline = s.fingerprints(ctx, sites)
	}, NodeTimeout(5*time.Minute))

	It("answers batch health and fingerprint as the per-site endpoints do, deleted sites included", func(ctx SpecContext) {
		expectBatchEqualsPerSite(ctx, s, asked)
		for _, p := range products {
			sums, errs := s.batchFingerprints(ctx, p, sites)
			Expect(errs).To(BeEmpty(), p)
			Expect(sums).To(Equal(baseline[p]), "%s: batch fingerprints equal the per-site baseline", p)
		}

		target := s.dbTime(ctx)
		time.Sleep(300 * time.Millisecond)
		Expect(s.do(ctx, "tracker", http.MethodPost, "/canary", map[string]any{"seq": 7, "sites": sites}, nil)).To(Equal(http.StatusOK))
		gone := append(slices.Clone(bySite), inBatch...)
		app := seed.AppID(seedN, 13, slices.Index(catalog.Apps, "tracker"))
		Expect(s.do(ctx, "identity", http.MethodPost, "/admin/delete", map[string]any{"ids": append(slices.Clone(gone), app), "mode": "permanent"}, nil)).
			To(Equal(http.StatusOK))
		Eventually(func(g Gomega) { // once the products' identity caches (500 ms) have expired
			health := s.batchHealth(ctx, "tracker", asked)
			for _, site := range gone {
				g.Expect(health).To(HaveKeyWithValue(site, "site not found"))
			}
			g.Expect(health).To(HaveKeyWithValue(unentitle, "site not entitled to tracker"))
		}).WithContext(ctx).WithTimeout(10 * time.Second).Should(Succeed())

		expectBatchEqualsPerSite(ctx, s, asked)
		health := s.batchHealth(ctx, "tracker", asked)
		Expect(health).To(HaveKeyWithValue(sites[0], "ok"))
		Expect(health).To(HaveKeyWithValue(gone[0], "site not found"))
		Expect(health).To(HaveKeyWithValue(unentitle, "site not entitled to tracker"))
		Expect(health).To(HaveKeyWithValue("000000000000", "site not found"))
		sums, errs := s.batchFingerprints(ctx, "wiki", asked)
		Expect(sums).NotTo(HaveKey(gone[0]), "a deleted site has no checksum")
		Expect(errs).To(HaveKeyWithValue(gone[0], "site not found"))

		By("restoring " + strings.Join(bySite, ",") + " site by site and " + strings.Join(inBatch, ",") + " as one batch")
		s.exec(ctx, "db", "", "drill-pg", "side-start", target)
		var one, batch struct {
			Batches []struct{ Sites []string }
			Sites   int
		}
		out := s.exec(ctx, "identity", "", "cloudsuite", "restore-sites", "--from", sideDSN, "--sites", strings.Join(bySite, ","), "--batch", "1", "--concurrency", "2")
		Expect(summary(out, &one)).To(Succeed(), out)
		Expect(one.Batches).To(HaveLen(4))
		out = s.exec(ctx, "identity", "", "cloudsuite", "restore-sites", "--from", sideDSN, "--sites", strings.Join(inBatch, ","))
		Expect(summary(out, &batch)).To(Succeed(), out)
		Expect(batch.Batches).To(HaveLen(1))
		Expect(batch.Batches[0].Sites).To(ConsistOf(inBatch))

		Eventually(func(g Gomega) {
			for _, p := range products {
				for _, site := range gone {
					g.Expect(s.health(ctx, p, site)).To(Equal(http.StatusOK), "%s %s", p, site)
				}
			}
		}).WithContext(ctx).WithTimeout(5 * time.Second).Should(Succeed())
		live := slices.DeleteFunc(slices.Clone(sites), func(x string) bool { return x == unentitle })
		after := s.fingerprints(ctx, live)
		for _, p := range products {
			for _, site := range live {
				Expect(after[p][site]).To(Equal(baseline[p][site]), "%s %s equals the baseline", p, site)
			}
		}
		Expect(s.health(ctx, "tracker", unentitle)).To(Equal(http.StatusNotFound), "a site outside both restores is untouched")
		present := s.readCanaries(ctx, "tracker", sites)
		for _, site := range sites {
			if slices.Contains(gone, site) {
				Expect(present[site]).NotTo(ContainElement(int64(7)), "%s came back as it was at the target", site)
			} else if site != unentitle {
				Expect(present[site]).To(ContainElement(int64(7)), "%s kept its write from after the target", site)
			}
		}
		expectBatchEqualsPerSite(ctx, s, asked)
	}, NodeTimeout(5*time.Minute))

	It("still answers as the per-site endpoints do once a table is dropped", func(ctx SpecContext) {
		s.psql(ctx, `DROP TABLE wiki.pages`)
		expectBatchEqualsPerSite(ctx, s, asked)
		Expect(s.batchHealth(ctx, "wiki", asked)).To(HaveKeyWithValue(sites[0], ContainSubstring(`wiki.pages: ERROR: relation "wiki.pages" does not exist`)))
		sums, errs := s.batchFingerprints(ctx, "wiki", asked)
		Expect(sums).To(BeEmpty())
		Expect(errs).To(HaveKeyWithValue(sites[0], ContainSubstring(`relation "wiki.pages" does not exist`)))
		Expect(s.batchHealth(ctx, "tracker", asked)).To(HaveKeyWithValue(sites[0], "ok"), "other products are unaffected")
	}, NodeTimeout(2*time.Minute))
})

// expectBatchEqualsPerSite: in every product, POST /batch/health answers for each site "ok"
// exactly when GET /sites/{site}/health answers 200, and otherwise its error text; POST
// /batch/fingerprint answers the checksum of GET /sites/{site}/fingerprint for each site it
// serves and the same error text for each other one.
func expectBatchEqualsPerSite(ctx context.Context, s *stack, sites []string) {
	GinkgoHelper()
	for _, p := range products {
		want := map[string]string{}
		for site, e := range s.perSite(ctx, p, "health", sites) {
			want[site] = e.answer("ok")
		}
		Expect(s.batchHealth(ctx, p, sites)).To(Equal(want), "%s: batch health", p)

		wantSums, wantErrs := map[string]string{}, map[string]string{}
		for site, e := range s.perSite(ctx, p, "fingerprint", sites) {
			if e.code == http.StatusOK {
				wantSums[site] = e.body
			} else {
				wantErrs[site] = e.answer("")
			}
		}
		sums, errs := s.batchFingerprints(ctx, p, sites)
		Expect(sums).To(Equal(wantSums), "%s: batch fingerprints", p)
		Expect(errs).To(Equal(wantErrs), "%s: batch fingerprint reasons", p)
	}
}

// summary decodes the indented JSON summary a cloudsuite tool prints on stdout from output
// that also holds its log lines (stderr, one JSON object a line).
func summary(out string, v any) error {
	i := strings.Index(out, "{\n")
	if i < 0 {
		return io.ErrUnexpectedEOF
	}
	return json.NewDecoder(strings.NewReader(out[i:])).Decode(v)
}

// siteAnswer is one per-site answer: the status, and the trimmed body or the error text.
type siteAnswer struct {
	code int
	body string
}

// answer is ok for a 200, else the {"error": ...} text.
func (a siteAnswer) answer(ok string) string {
	if a.code == http.StatusOK {
		return ok
	}
	var e struct{ Error string }
	Expect(json.Unmarshal([]byte(a.body), &e)).To(Succeed(), a.body)
	return e.Error
}

func (s *stack) perSite(ctx context.Context, product, probe string, sites []string) map[string]siteAnswer {
	base := s.url(ctx, product)
	out := map[string]siteAnswer{}
	for _, site := range sites {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/sites/"+site+"/"+probe, nil)
		Expect(err).NotTo(HaveOccurred())
		resp, err := s.http.Do(req)
		Expect(err).NotTo(HaveOccurred())
		raw, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		Expect(err).NotTo(HaveOccurred())
		out[site] = siteAnswer{code: resp.StatusCode, body: strings.TrimSpace(string(raw))}
	}
	return out
}

func (s *stack) batchHealth(ctx context.Context, product string, sites []string) map[string]string {
	var answer struct{ Results map[string]string }
	Expect(s.do(ctx, product, http.MethodPost, "/batch/health", map[string]any{"sites": sites}, &answer)).To(Equal(http.StatusOK))
	return answer.Results
}

func (s *stack) batchFingerprints(ctx context.Context, product string, sites []string) (sums, errs map[string]string) {
	var answer struct{ Results, Errors map[string]string }
	Expect(s.do(ctx, product, http.MethodPost, "/batch/fingerprint", map[string]any{"sites": sites}, &answer)).To(Equal(http.StatusOK))
	if answer.Errors == nil {
		answer.Errors = map[string]string{}
	}
	return answer.Results, answer.Errors
}
