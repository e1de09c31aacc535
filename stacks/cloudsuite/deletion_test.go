package cloudsuite_test

import (
	"net/http"
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drill-dev/drill/stacks/cloudsuite/catalog"
	"github.com/drill-dev/drill/stacks/cloudsuite/seed"
)

// The proof of issue 3: the April 2022 deletion, replayed on cloudsuite, and its selective
// recovery.
var _ = Describe("a permanent deletion of site IDs where app IDs were meant", Ordered, Label("docker"), func() {
	var (
		s         *stack
		sites     []string
		affected  []string
		healthy   []string
		baseline  map[string]map[string]string
		writer    *canaryWriter
		target    string    // database time just before the deletion
		deletedAt time.Time // local time right after the deletion
	)

	BeforeAll(func(ctx SpecContext) {
		requireDocker(ctx)
		s = startStack(ctx, false)
		s.exec(ctx, "identity", "", "cloudsuite", "seed", "--sites", "20", "--records", "500", "--seed", "7")
		sites = s.sites(ctx)
		Expect(sites).To(HaveLen(20))
		affected, healthy = sites[3:8], append(slices.Clone(sites[:3]), sites[8:]...)
		s.exec(ctx, "db", "", "drill-pg", "base-backup")
		s.exec(ctx, "identity", "", "cloudsuite", "export-contacts")
		baseline = s.fingerprints(ctx, sites)
		writer = startCanaries(ctx, s, sites, 100*time.Millisecond)
		DeferCleanup(writer.Stop)
	}, NodeTimeout(5*time.Minute))

	It("takes the 5 sites down in every product while the other 15 keep working and taking canaries", func(ctx SpecContext) {
		time.Sleep(time.Second) // canaries acknowledged on every site before the incident
		target = s.dbTime(ctx)
		time.Sleep(300 * time.Millisecond)

		var answer struct {
			Deleted []struct{ ID, Kind, Mode string }
			Unknown []string
		}
		Expect(s.do(ctx, "identity", http.MethodPost, "/admin/delete",
			map[string]any{"ids": affected, "mode": "permanent"}, &answer)).To(Equal(http.StatusOK))
		deletedAt = time.Now()
		Expect(answer.Deleted).To(HaveLen(5))
		Expect(answer.Deleted[0].Kind).To(Equal("site"))
		Expect(answer.Unknown).To(BeEmpty())

		Eventually(func(g Gomega) {
			for _, p := range products {
				for _, site := range affected {
					g.Expect(s.health(ctx, p, site)).To(BeElementOf(http.StatusNotFound, http.StatusGone), "%s %s", p, site)
				}
			}
		}).WithContext(ctx).WithTimeout(5 * time.Second).Should(Succeed())
		for _, p := range products {
			for _, site := range healthy {
				Expect(s.health(ctx, p, site)).To(Equal(http.StatusOK), "%s %s", p, site)
			}
		}
		before := len(writer.acked("tracker", healthy[0]))
		Eventually(func() int { return len(writer.acked("tracker", healthy[0])) }).
			WithContext(ctx).Should(BeNumerically(">", before+3), "the unaffected sites keep taking canaries")
		time.Sleep(time.Second)
		for _, a := range writer.acked("wiki", affected[0]) {
			Expect(a.at).To(BeTemporally("<", deletedAt.Add(250*time.Millisecond)), "no canary is acknowledged on a deleted site")
		}
	})

	It("notifies the 5 sites' contacts from the export, which the deletion did not reach", func(ctx SpecContext) {
		list := strings.Join(affected, ",")
		out, code := s.execCode(ctx, "identity", "", "cloudsuite", "notify", "--sites", list, "--source", "identity")
		Expect(code).NotTo(Equal(0), "identity lost the contacts with the sites:\n%s", out)
		Expect(out).To(ContainSubstring("no contacts for 5 of 5 sites"))
		Expect(s.do(ctx, "outbox", http.MethodGet, "/notices/check?sites="+list, nil, nil)).To(Equal(http.StatusNotFound))

		s.exec(ctx, "identity", "", "cloudsuite", "notify", "--sites", list, "--source", "export")
		var notices struct {
			Notices []struct{ Site, Email, Source string }
		}
		Expect(s.do(ctx, "outbox", http.MethodGet, "/notices?sites="+list, nil, &notices)).To(Equal(http.StatusOK))
		Expect(notices.Notices).To(HaveLen(5*3), "three contacts per site")
		Expect(notices.Notices).To(HaveEach(HaveField("Source", "export")))
		Expect(s.do(ctx, "outbox", http.MethodGet, "/notices/check?sites="+list, nil, nil)).To(Equal(http.StatusOK))
	})

	It("restores the 5 sites from a side instance just before the deletion, touching no other site", func(ctx SpecContext) {
		s.exec(ctx, "db", "", "drill-pg", "side-start", target)
		s.exec(ctx, "identity", "", "cloudsuite", "restore-sites", "--from", sideDSN,
			"--sites", strings.Join(affected, ","), "--concurrency", "4")
		Eventually(func(g Gomega) {
			for _, p := range products {
				for _, site := range sites {
					g.Expect(s.health(ctx, p, site)).To(Equal(http.StatusOK), "%s %s", p, site)
				}
			}
		}).WithContext(ctx).WithTimeout(5 * time.Second).Should(Succeed())

		Expect(s.fingerprints(ctx, sites)).To(Equal(baseline), "every site's data equals the baseline")
		for _, p := range []string{"wiki", "pager"} {
			for _, site := range affected {
				var links struct{ Broken, Total int }
				Expect(s.do(ctx, p, http.MethodGet, "/sites/"+site+"/links", nil, &links)).To(Equal(http.StatusOK))
				Expect(links.Broken).To(Equal(0))
				Expect(links.Total).To(Equal(500))
			}
		}

		time.Sleep(500 * time.Millisecond) // canaries on the restored sites too
		writer.Stop()
		for _, p := range products {
			present := s.readCanaries(ctx, p, sites)
			for _, site := range healthy {
				acks := writer.acked(p, site)
				Expect(acks).NotTo(BeEmpty())
				for _, a := range acks {
					Expect(present[site]).To(ContainElement(a.seq), "%s %s lost canary %d acknowledged at %s", p, site, a.seq, a.at)
				}
			}
			for _, site := range affected {
				Expect(present).To(HaveKey(site))
				Expect(present[site]).To(ContainElement(int64(1)), "%s %s: canaries from before the target are back", p, site)
			}
		}
	})

	It("would have lost the unaffected sites' later canaries with a whole-database restore", func(ctx SpecContext) {
		var later []ack
		for _, a := range writer.acked("tracker", healthy[0]) {
			if a.at.After(deletedAt) {
				later = append(later, a)
			}
		}
		Expect(later).NotTo(BeEmpty())
		present := s.readCanaries(ctx, "tracker", healthy)
		Expect(present[healthy[0]]).To(ContainElement(later[0].seq))

		s.exec(ctx, "db", "", "drill-pg", "archive-now")
		stop := 30 * time.Second
		Expect(s.ctr["db"].Stop(ctx, &stop)).To(Succeed())
		s.oneShot(ctx, "restore-data", target)
		Expect(s.ctr["db"].Start(ctx)).To(Succeed())

		Eventually(func(g Gomega) {
			g.Expect(s.health(ctx, "tracker", healthy[0])).To(Equal(http.StatusOK))
		}).WithContext(ctx).WithTimeout(30 * time.Second).Should(Succeed())
		after := s.readCanaries(ctx, "tracker", healthy)
		for _, site := range healthy {
			for _, a := range writer.acked("tracker", site) {
				if a.at.After(deletedAt) {
					Expect(after[site]).NotTo(ContainElement(a.seq), "%s: canary %d from after the deletion survived a restore to before it", site, a.seq)
				}
			}
		}
		Expect(s.health(ctx, "tracker", affected[0])).To(Equal(http.StatusOK), "the deleted sites are back too, at the price above")
	})
})

var _ = Describe("a deletion in mark mode with soft delete on", Label("docker"), func() {
	It("hides the sites everywhere and undelete brings them back without a restore", func(ctx SpecContext) {
		requireDocker(ctx)
		s := startStack(ctx, true)
		s.exec(ctx, "identity", "", "cloudsuite", "seed", "--sites", "6", "--records", "100")
		sites := s.sites(ctx)
		baseline := s.fingerprints(ctx, sites)
		marked := sites[1:3]

		Expect(s.do(ctx, "identity", http.MethodPost, "/admin/delete", map[string]any{"ids": marked, "mode": "mark"}, nil)).To(Equal(http.StatusOK))
		Eventually(func(g Gomega) {
			for _, p := range products {
				for _, site := range marked {
					g.Expect(s.health(ctx, p, site)).To(Equal(http.StatusGone), "%s %s", p, site)
				}
			}
		}).WithContext(ctx).WithTimeout(5 * time.Second).Should(Succeed())
		Expect(s.sites(ctx)).To(HaveLen(4))
		var answer struct{ Results map[string]string }
		Expect(s.do(ctx, "tracker", http.MethodPost, "/canary", map[string]any{"seq": 1, "sites": sites}, &answer)).To(Equal(http.StatusOK))
		Expect(answer.Results).To(HaveKeyWithValue(marked[0], "site deleted"))
		Expect(answer.Results).To(HaveKeyWithValue(sites[0], "ok"))

		Expect(s.do(ctx, "identity", http.MethodPost, "/admin/undelete", map[string]any{"ids": marked}, nil)).To(Equal(http.StatusOK))
		Eventually(func(g Gomega) {
			for _, p := range products {
				for _, site := range marked {
					g.Expect(s.health(ctx, p, site)).To(Equal(http.StatusOK), "%s %s", p, site)
				}
			}
		}).WithContext(ctx).WithTimeout(5 * time.Second).Should(Succeed())
		Expect(s.fingerprints(ctx, sites)).To(Equal(baseline))

		By("the intended input, an app ID, removes that product from that site only")
		app := seed.AppID(1, 5, slices.Index(catalog.Apps, "tracker"))
		var answer2 struct {
			Deleted []struct{ ID, Kind, Site, Product, Mode string }
		}
		Expect(s.do(ctx, "identity", http.MethodPost, "/admin/delete", map[string]any{"ids": app, "mode": "permanent"}, &answer2)).To(Equal(http.StatusOK))
		Expect(answer2.Deleted).To(ConsistOf(HaveField("Kind", "app")))
		Expect(answer2.Deleted[0].Site).To(Equal(sites[4]))
		Eventually(func() int { return s.health(ctx, "tracker", sites[4]) }).WithContext(ctx).Should(Equal(http.StatusNotFound))
		for _, p := range []string{"identity", "wiki", "pager", "status"} {
			Expect(s.health(ctx, p, sites[4])).To(Equal(http.StatusOK), p)
		}
		Expect(s.health(ctx, "tracker", sites[3])).To(Equal(http.StatusOK))
	}, NodeTimeout(5*time.Minute))
})
