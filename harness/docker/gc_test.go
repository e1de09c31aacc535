package docker_test

import (
	"os"
	"os/exec"
	"slices"
	"time"

	"github.com/moby/moby/client"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drill-dev/drill/harness/docker"
	"github.com/drill-dev/drill/harness/runtime"
)

// deadPID returns the pid of a process that has exited.
func deadPID() int {
	GinkgoHelper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	Expect(cmd.Run()).To(Succeed())
	return cmd.Process.Pid
}

// fakeRun creates a network, a volume and a container labelled as run, and returns their names.
func fakeRun(ctx SpecContext, run runtime.RunLabels) (ctr, nw, vol string) {
	GinkgoHelper()
	nw, vol = name("net"), name("vol")
	Expect(rt.CreateNetwork(ctx, nw, labels(run.Map()))).To(Succeed())
	Expect(rt.CreateVolume(ctx, vol, labels(run.Map()))).To(Succeed())
	c := startSleeper(ctx, runtime.ContainerSpec{Network: nw, Volumes: map[string]string{vol: "/data"}, Labels: run.Map()})
	return c.Name(), nw, vol
}

func containerExists(ctx SpecContext, n string) bool {
	_, err := cli.ContainerInspect(ctx, n, client.ContainerInspectOptions{})
	return err == nil
}

func networkExists(ctx SpecContext, n string) bool {
	_, err := cli.NetworkInspect(ctx, n, client.NetworkInspectOptions{})
	return err == nil
}

func volumeExists(ctx SpecContext, n string) bool {
	_, err := cli.VolumeInspect(ctx, n, client.VolumeInspectOptions{})
	return err == nil
}

func runIDs(runs []runtime.GCRun) []string {
	var ids []string
	for _, r := range runs {
		ids = append(ids, r.Labels.RunID)
	}
	return ids
}

var _ = Describe("GC", Label("docker"), func() {
	BeforeEach(requireDocker)
	// Stay inside this suite's resources: other drills may run on this machine.
	scope := func(o runtime.GCOptions) runtime.GCOptions {
		o.Labels = map[string]string{"drill.test": session}
		return o
	}

	It("removes a dead run's containers, networks and volumes, and leaves a live run and unlabelled resources", func(ctx SpecContext) {
		dead := runtime.NewRunLabels("dead-"+randomHex(), "unit", "small")
		dead.PID = deadPID()
		live := runtime.NewRunLabels("live-"+randomHex(), "unit", "small")
		deadC, deadN, deadV := fakeRun(ctx, dead)
		liveC, liveN, liveV := fakeRun(ctx, live)
		DeferCleanup(func(ctx SpecContext) { _ = rt.RemoveNetwork(ctx, liveN) })
		bareV := volume(ctx) // no drill.run-id
		bare := startSleeper(ctx, runtime.ContainerSpec{Volumes: map[string]string{bareV: "/data"}})

		By("a dry run reports and removes nothing")
		rep, err := docker.GC(ctx, rt, scope(runtime.GCOptions{DryRun: true}))
		Expect(err).NotTo(HaveOccurred())
		Expect(runIDs(rep.Removed())).To(ConsistOf(dead.RunID))
		Expect(runIDs(rep.Runs)).To(ConsistOf(dead.RunID, live.RunID))
		removed := rep.Removed()[0]
		Expect(removed.Containers).To(Equal([]string{deadC}))
		Expect(removed.Networks).To(Equal([]string{deadN}))
		Expect(removed.Volumes).To(Equal([]string{deadV}))
		Expect(containerExists(ctx, deadC)).To(BeTrue())

		By("gc removes the dead run only")
		rep, err = docker.GC(ctx, rt, scope(runtime.GCOptions{}))
		Expect(err).NotTo(HaveOccurred())
		Expect(runIDs(rep.Removed())).To(ConsistOf(dead.RunID))
		Expect(containerExists(ctx, deadC)).To(BeFalse())
		Expect(networkExists(ctx, deadN)).To(BeFalse())
		Expect(volumeExists(ctx, deadV)).To(BeFalse())
		Expect(containerExists(ctx, liveC)).To(BeTrue())
		Expect(networkExists(ctx, liveN)).To(BeTrue())
		Expect(volumeExists(ctx, liveV)).To(BeTrue())
		Expect(containerExists(ctx, bare.Name())).To(BeTrue())
		Expect(volumeExists(ctx, bareV)).To(BeTrue())

		By("--run removes a live run when asked by its ID")
		rep, err = docker.GC(ctx, rt, scope(runtime.GCOptions{RunID: live.RunID}))
		Expect(err).NotTo(HaveOccurred())
		Expect(runIDs(rep.Removed())).To(ConsistOf(live.RunID))
		Expect(containerExists(ctx, liveC) || networkExists(ctx, liveN) || volumeExists(ctx, liveV)).To(BeFalse())
		Expect(containerExists(ctx, bare.Name())).To(BeTrue())
	})

	It("removes runs older than --older-than, from any host", func(ctx SpecContext) {
		old := runtime.NewRunLabels("old-"+randomHex(), "unit", "small")
		old.Host, old.Started = "elsewhere", time.Now().Add(-2*time.Hour).UTC().Truncate(time.Second)
		_, oldN, oldV := fakeRun(ctx, old)
		DeferCleanup(func(ctx SpecContext) { _ = rt.RemoveNetwork(ctx, oldN) })

		rep, err := docker.GC(ctx, rt, scope(runtime.GCOptions{}))
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Removed()).To(BeEmpty(), "another host's run is not ours to judge")

		rep, err = docker.GC(ctx, rt, scope(runtime.GCOptions{OlderThan: time.Hour}))
		Expect(err).NotTo(HaveOccurred())
		Expect(runIDs(rep.Removed())).To(ConsistOf(old.RunID))
		Expect(slices.ContainsFunc(rep.Runs, func(r runtime.GCRun) bool { return r.Labels.Host == "elsewhere" })).To(BeTrue())
		Expect(networkExists(ctx, oldN) || volumeExists(ctx, oldV)).To(BeFalse())
	})
})
