package docker_test

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/moby/moby/client"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drill-dev/drill/harness"
	"github.com/drill-dev/drill/harness/runtime"
	"github.com/drill-dev/drill/result"
	"github.com/drill-dev/drill/scenarios"
)

var _ = Describe("Runtime, for the data plane", Label("docker"), func() {
	BeforeEach(requireDocker)

	It("gives an exec its stdin and keeps stdout apart from stderr", func(ctx SpecContext) {
		c := startSleeper(ctx, runtime.ContainerSpec{})
		in := []byte(`{"seq": 3, "sites": ["a", "it's"]}`)
		res, err := c.Exec(ctx, []string{"/sleeper", "cat", "-"}, "", in)
		Expect(err).NotTo(HaveOccurred())
		Expect(res.ExitCode).To(Equal(0))
		Expect(res.Stdout).To(Equal(in))
		res, err = c.Exec(ctx, []string{"/sleeper", "say", "out", "err", "0"}, "", nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(res.Stdout)).To(Equal("out\n"), "stdout alone")
		Expect(lines(res.Output)).To(ConsistOf("out", "err"))
		start := time.Now()
		for range 5 {
			_, err := c.Exec(ctx, []string{"/sleeper", "say", "a", "b", "0"}, "", nil)
			Expect(err).NotTo(HaveOccurred())
		}
		GinkgoWriter.Printf("exec: %s each (mean of 5)\n", (time.Since(start) / 5).Round(time.Millisecond))
	})

	It("mounts a new volume with nocopy empty, without it filled from the image", func(ctx SpecContext) {
		present, err := rt.ImageID(ctx, shellImage)
		if errors.Is(err, runtime.ErrImageMissing) {
			Skip(shellImage + " is absent (make images)")
		}
		Expect(err).NotTo(HaveOccurred(), present)
		list := func(nocopy bool) string {
			v := volume(ctx)
			res, err := rt.RunOnce(ctx, runtime.ContainerSpec{
				Image: shellImage, Entrypoint: []string{"/bin/ls", "-A", "/usr/lib/postgresql"}, Labels: labels(),
				Volumes: map[string]string{v: "/usr/lib/postgresql"}, NoCopy: map[string]bool{v: nocopy},
			})
			Expect(err).NotTo(HaveOccurred())
			Expect(res.ExitCode).To(Equal(0), string(res.Output))
			return strings.TrimSpace(string(res.Output))
		}
		Expect(list(true)).To(BeEmpty(), "nocopy: the image's /usr/lib/postgresql is not copied into the volume")
		Expect(list(false)).To(Equal("15"), "without nocopy Docker copies the image's files in")
	})
})

// The sql data plane (list, health, health-batch, fingerprint, canary write and read, steps)
// on real servers, one per driver: one tenant whose ID holds a quote is deleted and restored;
// the other tenants' IDs include a backslash, which MariaDB reads as an escape by default.
var _ = Describe("the sql data plane on real databases", Label("docker"), func() {
	BeforeEach(requireDocker)

	for _, db := range []struct{ name, image string }{{"pg", "drill/postgres:15"}, {"maria", "drill/mariadb:10.11"}} {
		It("measures a tenant deleted and restored on "+db.name, func(ctx SpecContext) {
			if _, err := rt.ImageID(ctx, db.image); errors.Is(err, runtime.ErrImageMissing) {
				Skip(db.image + " is absent (make images)")
			}
			sc, err := scenarios.Load("testdata/sqlplane/" + db.name + "-scenario.yaml")
			Expect(err).NotTo(HaveOccurred())
			start := time.Now()
			res, err := harness.Run(ctx, sc, "small", rt, harness.WithTeardownTimeout(2*time.Minute))
			Expect(err).NotTo(HaveOccurred())
			Expect(leftovers(ctx, res.Run.ID)).To(BeZero(), "resources of the run left behind")
			Expect(res.Verdict).To(Equal(result.Pass), "%s\n%s", res.Reason, strings.Join(res.Errors, "\n"))
			m := res.Metrics
			Expect(m.SitesAffected).To(Equal(1))
			Expect(m.SitesRecovered).To(Equal(1))
			var affected []string
			for _, s := range res.Sites {
				if s.Affected {
					affected = append(affected, s.ID)
				}
			}
			Expect(affected).To(Equal([]string{"it's"}))
			Expect(m.CollateralLostWrites).To(BeZero())
			Expect(m.LostWrites).To(BeNumerically(">", 0), "the deleted tenant's canaries went with it and the copy predates them")
			GinkgoWriter.Printf("%s: rto %.2fs, lost %d, collateral %d, canary writes %d (mean %.1f ms), drill %s\n",
				db.name, *m.RTOSeconds, m.LostWrites, m.CollateralLostWrites, res.Canaries.Writes,
				1000*res.Canaries.MeanLatencySeconds, time.Since(start).Round(time.Second))
		}, NodeTimeout(5*time.Minute))
	}
})

// leftovers counts the containers, networks and volumes labelled with a run.
func leftovers(ctx context.Context, run string) int {
	f := client.Filters{}.Add("label", runtime.LabelRunID+"="+run)
	cs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	Expect(err).NotTo(HaveOccurred())
	ns, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	Expect(err).NotTo(HaveOccurred())
	vs, err := cli.VolumeList(ctx, client.VolumeListOptions{Filters: f})
	Expect(err).NotTo(HaveOccurred())
	return len(cs.Items) + len(ns.Items) + len(vs.Items)
}
