package kube_test

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drill-dev/drill/harness/runtime"
)

// What the data plane does through a database's stop and start: it keeps connecting (the
// canaries write four times a second), and once the server is back every new connection must
// work again, through the endpoint the container gives.
var _ = Describe("a database restarted under steady connections", Label("kube"), func() {
	BeforeEach(requireCluster)

	It("answers through its endpoint once it runs again", func(ctx SpecContext) {
		id := "restart-" + randomHex()
		run := runtime.Labels(id, "contract", "small", time.Now())
		run[testLabelKey] = session
		nw := "drill-" + id
		Expect(rt.CreateNetwork(ctx, nw, run)).To(Succeed())
		DeferCleanup(func(ctx SpecContext) { Expect(rt.RemoveNetwork(ctx, nw)).To(Succeed()) }, NodeTimeout(2*time.Minute))
		vol := nw + "-data"
		Expect(rt.CreateVolume(ctx, vol, run)).To(Succeed())
		db, err := rt.Start(ctx, runtime.ContainerSpec{
			Name: nw + "-db", Image: shellImage, Network: nw, Aliases: []string{"db"}, Ports: []int{5432},
			Env:     map[string]string{"POSTGRES_PASSWORD": "pw", "POSTGRES_DB": "app"},
			Volumes: map[string]string{vol: "/pgdata"}, Labels: run, Init: true,
		})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx SpecContext) { _ = db.Remove(ctx, true) })

		query := func(ctx context.Context) error {
			ep, err := db.Endpoint(ctx, 5432)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
			defer cancel()
			conn, err := pgx.Connect(ctx, fmt.Sprintf("postgres://postgres:pw@%s/app?sslmode=disable", ep))
			if err != nil {
				return err
			}
			defer conn.Close(ctx)
			var one int
			return conn.QueryRow(ctx, "SELECT 1").Scan(&one)
		}
		Eventually(query).WithContext(ctx).WithTimeout(2 * time.Minute).WithPolling(250 * time.Millisecond).Should(Succeed())

		By("connecting four times a second while the database stops and starts")
		steady, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			for steady.Err() == nil {
				_ = query(steady)
				time.Sleep(250 * time.Millisecond)
			}
		}()
		Expect(db.Stop(ctx, 10*time.Second)).To(Succeed())
		time.Sleep(time.Second)
		Expect(db.Start(ctx)).To(Succeed())
		Eventually(query).WithContext(ctx).WithTimeout(2*time.Minute).WithPolling(250*time.Millisecond).Should(Succeed(), "the server answers again")
		stop()
		<-done
		By("every connection works from then on")
		for range 20 {
			Expect(query(ctx)).To(Succeed())
			time.Sleep(100 * time.Millisecond)
		}
	}, NodeTimeout(6*time.Minute))
})
