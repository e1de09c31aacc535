package kubetest_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/rand"
)

const (
	pgImage    = "drill/postgres:15" // make images builds it; make kube-images loads it
	pgPassword = "smoke-pw"
	pgDatabase = "cloudsuite" // drill-pg creates it on first start
	readyBound = 3 * time.Minute
	// Deleting the namespace removes its pods, claims, volumes and their directories within this.
	namespaceGoneBound = 2 * time.Minute
)

func getenv(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// sampleAddr is an address inside a CIDR such as 10.244.0.0/16 that is not the bridge's own
// (x.y.z.1 is, in the pod range), good enough for the octet-aligned ranges the cluster uses.
func sampleAddr(cidr string) string {
	ip := strings.Split(strings.SplitN(cidr, "/", 2)[0], ".")
	return fmt.Sprintf("%s.%s.%s.2", ip[0], ip[1], ip[2])
}

var _ = Describe("a PostgreSQL on the local cluster", Ordered, Label("kube"), func() {
	var (
		ns      string
		pvName  string
		pgUID   string
		started time.Time
	)
	step := func(what string, since time.Time) {
		AddReportEntry(what, time.Since(since).Round(100*time.Millisecond).String())
		GinkgoWriter.Printf("%s: %s\n", what, time.Since(since).Round(100*time.Millisecond))
	}
	psql := func(ctx context.Context, pod, sql string) (string, string, int) {
		out, errOut, code, err := execIn(ctx, ns, pod, "psql", "-X", "-h", "/tmp", "-U", "postgres", "-d", pgDatabase, "-Atq", "-v", "ON_ERROR_STOP=1", "-c", sql)
		Expect(err).NotTo(HaveOccurred(), "exec psql in %s", pod)
		return strings.TrimSpace(out), errOut, code
	}

	BeforeAll(func(ctx SpecContext) {
		started = time.Now()
		ns = "drill-smoke-" + rand.String(5)
		_, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx SpecContext) { // if a spec failed before the last one
			_ = cs.CoreV1().Namespaces().Delete(ctx, ns, metav1.DeleteOptions{})
		})
	})

	It("creates a namespace", func(ctx SpecContext) {
		got, err := cs.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(got.Status.Phase).To(Equal(corev1.NamespaceActive))
	})

	It("starts drill/postgres:15 with a claim on local disk and it becomes Ready", func(ctx SpecContext) {
		t := time.Now()
		_, err := cs.AppsV1().StatefulSets(ns).Create(ctx, postgresSet(), metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		_, err = cs.CoreV1().Services(ns).Create(ctx, postgresService(), metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		Eventually(func() bool { ok, _ := podReady(ctx, ns, "pg-0", ""); return ok }).
			WithContext(ctx).WithTimeout(readyBound).WithPolling(time.Second).
			Should(BeTrue(), func() string { return describePod(ctx, ns, "pg-0") })
		_, p := podReady(ctx, ns, "pg-0", "")
		pgUID = string(p.UID)
		pvc, err := cs.CoreV1().PersistentVolumeClaims(ns).Get(ctx, "data-pg-0", metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(pvc.Status.Phase).To(Equal(corev1.ClaimBound))
		pvName = pvc.Spec.VolumeName
		pv, err := cs.CoreV1().PersistentVolumes().Get(ctx, pvName, metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(pv.Spec.HostPath).NotTo(BeNil(), "the default StorageClass gives a host-path volume")
		Expect(pv.Spec.HostPath.Path).To(BeADirectory())
		step("postgres Ready", t)
	}, SpecTimeout(readyBound+30*time.Second))

	It("runs psql by exec and returns its output and exit code", func(ctx SpecContext) {
		out, _, code := psql(ctx, "pg-0", "CREATE TABLE smoke(v text); INSERT INTO smoke VALUES ('kept'); SELECT count(*) FROM smoke")
		Expect(code).To(Equal(0))
		Expect(out).To(Equal("1"))
		_, errOut, code := psql(ctx, "pg-0", "SELECT * FROM no_such_table")
		Expect(code).To(Equal(1), "psql with ON_ERROR_STOP exits 1 on an SQL error")
		Expect(errOut).To(ContainSubstring(`relation "no_such_table" does not exist`))
	}, SpecTimeout(time.Minute))

	It("reaches it with pgx through a port-forward on 127.0.0.1", func(ctx SpecContext) {
		port, stop, err := forward(ns, "pg-0", 5432)
		Expect(err).NotTo(HaveOccurred())
		defer stop()
		conn, err := pgx.Connect(ctx, fmt.Sprintf("postgres://postgres:%s@127.0.0.1:%d/%s?sslmode=disable", pgPassword, port, pgDatabase))
		Expect(err).NotTo(HaveOccurred())
		defer conn.Close(context.WithoutCancel(ctx))
		var v string
		Expect(conn.QueryRow(ctx, "SELECT v FROM smoke").Scan(&v)).To(Succeed())
		Expect(v).To(Equal("kept"))
	}, SpecTimeout(time.Minute))

	It("resolves the Service's name from another pod and connects through it", func(ctx SpecContext) {
		_, err := cs.CoreV1().Pods(ns).Create(ctx, clientPod(), metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		Eventually(func() bool { ok, _ := podReady(ctx, ns, "client", ""); return ok }).
			WithContext(ctx).WithTimeout(time.Minute).WithPolling(time.Second).
			Should(BeTrue(), func() string { return describePod(ctx, ns, "client") })
		out, errOut, code, err := execIn(ctx, ns, "client", "getent", "hosts", "pg."+ns+".svc.cluster.local")
		Expect(err).NotTo(HaveOccurred())
		Expect(code).To(Equal(0), "getent: %s", errOut)
		svc, err := cs.CoreV1().Services(ns).Get(ctx, "pg", metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(strings.Fields(out)).To(HaveExactElements(svc.Spec.ClusterIP, "pg."+ns+".svc.cluster.local"))
		// The short name, through the pod's search path, and a query through the Service's address.
		out, errOut, code, err = execIn(ctx, ns, "client", "env", "PGPASSWORD="+pgPassword,
			"psql", "-X", "-h", "pg", "-U", "postgres", "-d", pgDatabase, "-Atc", "SELECT v FROM smoke")
		Expect(err).NotTo(HaveOccurred())
		Expect(code).To(Equal(0), "psql through the Service: %s", errOut)
		Expect(strings.TrimSpace(out)).To(Equal("kept"))
	}, SpecTimeout(2*time.Minute))

	It("brings the pod back after it is deleted, with its data", func(ctx SpecContext) {
		t := time.Now()
		Expect(cs.CoreV1().Pods(ns).Delete(ctx, "pg-0", metav1.DeleteOptions{})).To(Succeed())
		Eventually(func() bool { ok, _ := podReady(ctx, ns, "pg-0", pgUID); return ok }).
			WithContext(ctx).WithTimeout(readyBound).WithPolling(time.Second).
			Should(BeTrue(), func() string { return describePod(ctx, ns, "pg-0") })
		out, _, code := psql(ctx, "pg-0", "SELECT v FROM smoke")
		Expect(code).To(Equal(0))
		Expect(out).To(Equal("kept"))
		step("postgres back after delete", t)
	}, SpecTimeout(readyBound+30*time.Second))

	It("removes everything when the namespace is deleted, its volume's directory included", func(ctx SpecContext) {
		t := time.Now()
		pv, err := cs.CoreV1().PersistentVolumes().Get(ctx, pvName, metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		dir := pv.Spec.HostPath.Path
		Expect(cs.CoreV1().Namespaces().Delete(ctx, ns, metav1.DeleteOptions{})).To(Succeed())
		Eventually(func() bool {
			_, err := cs.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
			return apierrors.IsNotFound(err)
		}).WithContext(ctx).WithTimeout(namespaceGoneBound).WithPolling(time.Second).Should(BeTrue(), "namespace %s gone", ns)
		Eventually(func() bool {
			_, err := cs.CoreV1().PersistentVolumes().Get(ctx, pvName, metav1.GetOptions{})
			return apierrors.IsNotFound(err)
		}).WithContext(ctx).WithTimeout(namespaceGoneBound).WithPolling(time.Second).Should(BeTrue(), "volume %s gone", pvName)
		Eventually(func() bool { _, err := os.Stat(dir); return os.IsNotExist(err) }).
			WithTimeout(30*time.Second).Should(BeTrue(), "the claim's directory %s removed", dir)
		step("namespace and its volume removed", t)
		step("smoke total", started)
	}, SpecTimeout(namespaceGoneBound*2+time.Minute))
})

func postgresSet() *appsv1.StatefulSet {
	labels := map[string]string{"app": "pg"}
	one := int32(1)
	grace := int64(10)
	return &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Name: "pg"},
		Spec: appsv1.StatefulSetSpec{
			Replicas:    &one,
			ServiceName: "pg",
			Selector:    &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					TerminationGracePeriodSeconds: &grace,
					Containers: []corev1.Container{{
						Name:            "db",
						Image:           pgImage,
						ImagePullPolicy: corev1.PullNever,
						Env:             []corev1.EnvVar{{Name: "POSTGRES_PASSWORD", Value: pgPassword}},
						Ports:           []corev1.ContainerPort{{Name: "pg", ContainerPort: 5432}},
						ReadinessProbe: &corev1.Probe{
							ProbeHandler:  corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"drill-pg", "ready"}}},
							PeriodSeconds: 2, TimeoutSeconds: 5,
						},
						VolumeMounts: []corev1.VolumeMount{
							{Name: "data", MountPath: "/pgdata"},
							{Name: "archive", MountPath: "/archive"},
							{Name: "backups", MountPath: "/backups"},
						},
					}},
					Volumes: []corev1.Volume{
						{Name: "archive", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
						{Name: "backups", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
					},
				},
			},
			// No StorageClass named: the cluster's default (host-path, make kube-up) serves it.
			VolumeClaimTemplates: []corev1.PersistentVolumeClaim{{
				ObjectMeta: metav1.ObjectMeta{Name: "data"},
				Spec: corev1.PersistentVolumeClaimSpec{
					AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
					Resources: corev1.VolumeResourceRequirements{
						Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")},
					},
				},
			}},
		},
	}
}

func postgresService() *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "pg"},
		Spec: corev1.ServiceSpec{
			Selector: map[string]string{"app": "pg"},
			Ports:    []corev1.ServicePort{{Name: "pg", Port: 5432, TargetPort: intstr.FromInt32(5432)}},
		},
	}
}

// clientPod is a second pod, from the same image (it has psql and getent), that only waits.
func clientPod() *corev1.Pod {
	grace := int64(0)
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "client"},
		Spec: corev1.PodSpec{
			TerminationGracePeriodSeconds: &grace,
			Containers: []corev1.Container{{
				Name:            "client",
				Image:           pgImage,
				ImagePullPolicy: corev1.PullNever,
				Command:         []string{"sleep", "infinity"},
			}},
		},
	}
}
