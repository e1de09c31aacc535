package cloudsuite_test

import (
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// volume-loss on Kubernetes failed one run in four: the database pod's graceful stop archived a
// last segment after the drill's restore point, but that segment held no commit after it, and
// PostgreSQL refuses to start when recovery ends before its target ("recovery ended before
// configured recovery target was reached"). restore-data judged the archive's end by its newest
// file's mtime, which is when the segment was copied, not what it holds.
var _ = Describe("a whole-database restore to a moment after the archive's last commit", Label("docker"), func() {
	It("recovers to the end of the archive, though a segment was archived after that moment", func(ctx SpecContext) {
		requireDocker(ctx)
		s := startDatabase(ctx)
		s.exec(ctx, "db", "", "drill-pg", "base-backup")
		s.psql(ctx, "CREATE TABLE restored (n int); INSERT INTO restored VALUES (1)")
		time.Sleep(300 * time.Millisecond)
		target := s.dbTime(ctx) // no commit after this: a SELECT writes no transaction record
		time.Sleep(300 * time.Millisecond)

		stop := 30 * time.Second
		Expect(s.ctr["db"].Stop(ctx, &stop)).To(Succeed()) // SIGINT: a fast shutdown switches WAL and archives the segment

		at, err := time.Parse("2006-01-02 15:04:05.999999-07", target)
		Expect(err).NotTo(HaveOccurred(), "the database's time %q", target)
		newest := s.oneShot(ctx, "sh", "-c", "find /archive -maxdepth 1 -type f -name '0*' -printf '%T@\\n' | sort -n | tail -1")
		mtime, err := strconv.ParseFloat(strings.TrimSpace(newest), 64)
		Expect(err).NotTo(HaveOccurred(), "newest archived segment's mtime %q", newest)
		Expect(time.Unix(0, int64(mtime*1e9))).To(BeTemporally(">", at),
			"the race needs a segment archived after the target (the shutdown's)")

		out := s.oneShot(ctx, "restore-data", target)
		Expect(out).To(ContainSubstring("recovers to the end of the archive"))
		// Start waits until drill-pg ready answers: recovery has ended and the server promoted.
		Expect(s.ctr["db"].Start(ctx)).To(Succeed(), "the database did not start after the restore:\n%s", s.logs(ctx, "db"))
		Expect(s.psql(ctx, "SELECT count(*) FROM restored")).To(Equal("1"), "the commit before the target is back")
	}, NodeTimeout(4*time.Minute))
})
