package cloudsuite_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/client"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/testcontainers/testcontainers-go"
	tcexec "github.com/testcontainers/testcontainers-go/exec"
	"github.com/testcontainers/testcontainers-go/network"
	"github.com/testcontainers/testcontainers-go/wait"
	"golang.org/x/sync/errgroup"
)

const (
	pgImage    = "drill/postgres:15"
	suiteImage = "drill/cloudsuite:dev"
	liveDSN    = "postgres://postgres:drill@db:5432/cloudsuite?sslmode=disable"
	sideDSN    = "postgres://postgres:drill@db:5433/cloudsuite?sslmode=disable"
)

// products are the services with per-site data; identity first.
var products = []string{"identity", "tracker", "wiki", "pager", "status"}

// stack is one running cloudsuite: the db, identity, four products and the outbox, on a network
// of its own, with named volumes data, archive, backups and contacts. Everything it creates is
// removed by DeferCleanup.
type stack struct {
	id      string
	labels  map[string]string
	net     *testcontainers.DockerNetwork
	docker  *testcontainers.DockerClient
	volumes map[string]string // logical name -> docker volume
	ctr     map[string]*testcontainers.DockerContainer
	http    *http.Client
}

var stackSeq struct {
	sync.Mutex
	n int
}

// startStack starts a cloudsuite stack; softDelete sets identity's SOFT_DELETE.
func startStack(ctx context.Context, softDelete bool) *stack {
	s := startDatabase(ctx)
	soft := "off"
	if softDelete {
		soft = "on"
	}
	env := map[string]string{"DATABASE_URL": liveDSN, "IDENTITY_URL": "http://identity:8080", "OUTBOX_URL": "http://outbox:8080"}
	s.service(ctx, "identity", merge(env, map[string]string{"SOFT_DELETE": soft, "EXPORT_DIR": "/contacts", "EXPORT_INTERVAL": "1m"}),
		testcontainers.WithMounts(s.mount("contacts", "/contacts")))

	var mu sync.Mutex
	var g errgroup.Group
	started := map[string]*testcontainers.DockerContainer{}
	errs := map[string]error{}
	for _, name := range []string{"tracker", "wiki", "pager", "status", "outbox"} {
		g.Go(func() error {
			c, err := testcontainers.Run(ctx, suiteImage, s.serviceOptions(name, env)...)
			mu.Lock()
			started[name], errs[name] = c, err
			mu.Unlock()
			return nil
		})
	}
	_ = g.Wait()
	for name, c := range started {
		s.cleanupContainer(c)
		Expect(errs[name]).NotTo(HaveOccurred(), "start %s", name)
		s.ctr[name] = c
	}
	return s
}

// startDatabase starts the stack's network, its volumes and its db alone.
func startDatabase(ctx context.Context) *stack {
	stackSeq.Lock()
	stackSeq.n++
	id := fmt.Sprintf("cs-test-%d-%d", time.Now().UnixNano()%1e9, stackSeq.n)
	stackSeq.Unlock()
	s := &stack{
		id:      id,
		labels:  map[string]string{"drill.test": "cloudsuite", "drill.run-id": id},
		volumes: map[string]string{},
		ctr:     map[string]*testcontainers.DockerContainer{},
		http:    &http.Client{Timeout: 30 * time.Second},
	}
	docker, err := testcontainers.NewDockerClientWithOpts(ctx)
	Expect(err).NotTo(HaveOccurred())
	s.docker = docker
	DeferCleanup(func() { docker.Close() })

	nw, err := network.New(ctx, network.WithLabels(s.labels))
	DeferCleanup(func(ctx context.Context) {
		if nw != nil {
			Expect(nw.Remove(ctx)).To(Succeed())
		}
	})
	Expect(err).NotTo(HaveOccurred())
	s.net = nw

	for _, v := range []string{"data", "archive", "backups", "contacts"} {
		name := id + "-" + v
		_, err := docker.VolumeCreate(ctx, client.VolumeCreateOptions{Name: name, Labels: s.labels})
		DeferCleanup(func(ctx context.Context) {
			_, err := docker.VolumeRemove(ctx, name, client.VolumeRemoveOptions{Force: true})
			Expect(err).NotTo(HaveOccurred())
		})
		Expect(err).NotTo(HaveOccurred())
		s.volumes[v] = name
	}

	s.run(ctx, "db", pgImage, nil, nil,
		wait.ForExec([]string{"drill-pg", "ready"}).WithStartupTimeout(90*time.Second).WithPollInterval(200*time.Millisecond),
		testcontainers.WithMounts(s.mount("data", "/pgdata"), s.mount("archive", "/archive"), s.mount("backups", "/backups")),
		testcontainers.WithExposedPorts("5432/tcp"))
	return s
}

func merge(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

func (s *stack) mount(volume, target string) testcontainers.ContainerMount {
	return testcontainers.VolumeMount(s.volumes[volume], testcontainers.ContainerMountTarget(target))
}

func (s *stack) cleanupContainer(c *testcontainers.DockerContainer) {
	DeferCleanup(func(ctx context.Context) {
		if c != nil {
			Expect(c.Terminate(ctx)).To(Succeed())
		}
	})
}

// run starts one container on the stack's network under the alias name.
func (s *stack) run(ctx context.Context, name, image string, cmd []string, env map[string]string, ready wait.Strategy, opts ...testcontainers.ContainerCustomizer) {
	all := []testcontainers.ContainerCustomizer{
		network.WithNetwork([]string{name}, s.net),
		testcontainers.WithLabels(s.labels),
		testcontainers.WithEnv(env),
		testcontainers.WithWaitStrategy(ready),
	}
	if len(cmd) > 0 {
		all = append(all, testcontainers.WithCmd(cmd...))
	}
	c, err := testcontainers.Run(ctx, image, append(all, opts...)...)
	s.cleanupContainer(c)
	Expect(err).NotTo(HaveOccurred(), "start %s", name)
	s.ctr[name] = c
}

func (s *stack) serviceOptions(name string, env map[string]string, opts ...testcontainers.ContainerCustomizer) []testcontainers.ContainerCustomizer {
	return append([]testcontainers.ContainerCustomizer{
		network.WithNetwork([]string{name}, s.net),
		testcontainers.WithLabels(s.labels),
		testcontainers.WithEnv(env),
		testcontainers.WithCmd("cloudsuite", name),
		testcontainers.WithExposedPorts("8080/tcp"),
		testcontainers.WithWaitStrategy(wait.ForHTTP("/healthz").WithPort("8080/tcp").
			WithStartupTimeout(60 * time.Second).WithPollInterval(100 * time.Millisecond)),
	}, opts...)
}

func (s *stack) service(ctx context.Context, name string, env map[string]string, opts ...testcontainers.ContainerCustomizer) {
	c, err := testcontainers.Run(ctx, suiteImage, s.serviceOptions(name, env, opts...)...)
	s.cleanupContainer(c)
	Expect(err).NotTo(HaveOccurred(), "start %s", name)
	s.ctr[name] = c
}

// url is the base URL of a service's port 8080 on localhost (asked each time: it changes on
// restart).
func (s *stack) url(ctx context.Context, name string) string {
	u, err := s.ctr[name].PortEndpoint(ctx, "8080/tcp", "http")
	Expect(err).NotTo(HaveOccurred())
	return u
}

// exec runs a command in a service and returns its output and exit code.
func (s *stack) execCode(ctx context.Context, name, user string, cmd ...string) (string, int) {
	opts := []tcexec.ProcessOption{tcexec.Multiplexed()}
	if user != "" {
		opts = append(opts, tcexec.WithUser(user))
	}
	code, r, err := s.ctr[name].Exec(ctx, cmd, opts...)
	Expect(err).NotTo(HaveOccurred())
	out, err := io.ReadAll(r)
	Expect(err).NotTo(HaveOccurred())
	return string(out), code
}

// exec runs a command in a service and expects exit 0.
func (s *stack) exec(ctx context.Context, name, user string, cmd ...string) string {
	out, code := s.execCode(ctx, name, user, cmd...)
	ExpectWithOffset(1, code).To(Equal(0), "%s: %v\n%s", name, cmd, out)
	return out
}

// psql runs one query on the live database and returns the unaligned output, trimmed.
func (s *stack) psql(ctx context.Context, query string) string {
	return strings.TrimSpace(s.exec(ctx, "db", "postgres", "psql", "-X", "-h", "/tmp", "-d", "cloudsuite", "-Atqc", query))
}

// do sends a request with an optional JSON body and decodes a JSON answer into out (when not
// nil); it returns the status code.
func (s *stack) do(ctx context.Context, name, method, path string, body, out any) int {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		Expect(err).NotTo(HaveOccurred())
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.url(ctx, name)+path, rd)
	Expect(err).NotTo(HaveOccurred())
	resp, err := s.http.Do(req)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	if out != nil && resp.StatusCode < 300 {
		if p, ok := out.(*string); ok {
			*p = strings.TrimSpace(string(raw))
		} else {
			Expect(json.Unmarshal(raw, out)).To(Succeed(), "%s %s: %s", method, path, raw)
		}
	}
	return resp.StatusCode
}

// sites lists identity's live sites, in order.
func (s *stack) sites(ctx context.Context) []string {
	var ids []string
	Expect(s.do(ctx, "identity", http.MethodGet, "/admin/sites", nil, &ids)).To(Equal(http.StatusOK))
	return ids
}

// fingerprints answers product -> site -> checksum through the products' HTTP APIs.
func (s *stack) fingerprints(ctx context.Context, sites []string) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, p := range products {
		out[p] = map[string]string{}
		for _, site := range sites {
			var sum string
			Expect(s.do(ctx, p, http.MethodGet, "/sites/"+site+"/fingerprint", nil, &sum)).To(Equal(http.StatusOK), "%s %s", p, site)
			out[p][site] = sum
		}
	}
	return out
}

// health answers the per-site health status code in one product.
func (s *stack) health(ctx context.Context, product, site string) int {
	return s.do(ctx, product, http.MethodGet, "/sites/"+site+"/health", nil, nil)
}

// dbTime is the database server's clock, formatted for a recovery target.
func (s *stack) dbTime(ctx context.Context) string {
	return s.psql(ctx, "SELECT clock_timestamp()::text")
}

// oneShot runs drill/postgres:15 once with cmd on the db's volumes (the db stopped: the volumes
// are its) and returns what it printed; it expects exit 0.
func (s *stack) oneShot(ctx context.Context, cmd ...string) string {
	c, err := testcontainers.Run(ctx, pgImage,
		testcontainers.WithLabels(s.labels),
		testcontainers.WithCmd(cmd...),
		testcontainers.WithMounts(s.mount("data", "/pgdata"), s.mount("archive", "/archive"), s.mount("backups", "/backups")),
		testcontainers.WithWaitStrategy(wait.ForExit().WithExitTimeout(2*time.Minute)))
	s.cleanupContainer(c)
	ExpectWithOffset(1, err).NotTo(HaveOccurred(), "%v", cmd)
	state, err := c.State(ctx)
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	logs, err := c.Logs(ctx)
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	out, err := io.ReadAll(logs)
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	ExpectWithOffset(1, state.ExitCode).To(Equal(0), "%v:\n%s", cmd, out)
	return string(out)
}

// logs is the last 40 lines a service printed, for a failure's message.
func (s *stack) logs(ctx context.Context, name string) string {
	r, err := s.ctr[name].Logs(ctx)
	if err != nil {
		return "(no logs: " + err.Error() + ")"
	}
	defer r.Close()
	raw, _ := io.ReadAll(r)
	lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-40):], "\n")
}
