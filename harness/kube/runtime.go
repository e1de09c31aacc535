package kube

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"

	"github.com/drill-dev/drill/harness/runtime"
)

// Runtime is runtime.Runtime on a Kubernetes cluster. Create it with New; it is safe for
// concurrent use. The caller should call Close when done: it ends the port-forwards.
type Runtime struct {
	cfg  *rest.Config
	cs   kubernetes.Interface
	host string
	ctx  string // the kubeconfig context in use
	log  *slog.Logger
	// helper is the image with drill-volume.
	helper string

	mu sync.Mutex
	// namespaces maps a run ID to its namespace, from CreateNetwork (or a lookup by label).
	namespaces map[string]string
	// networks maps a network name to its namespace.
	networks map[string]string
	// volumes maps a volume name to the namespace of its claim.
	volumes map[string]string
	// containers are the containers started and not removed, to close their forwards.
	containers map[*Container]bool
}

var _ runtime.Runtime = (*Runtime)(nil)
var _ runtime.OpRefuser = (*Runtime)(nil)

// Config says which cluster New connects to.
type Config struct {
	// Kubeconfig is the kubeconfig file. Default: $KUBECONFIG, else ~/.kube/config.
	Kubeconfig string
	// Context is the kubeconfig context. Default: the file's current context.
	Context string
	// Logger receives the runtime's messages at debug level. Default: a discard logger.
	Logger *slog.Logger
	// HelperImage carries drill-volume, which fills new volumes and wipes them. Default:
	// DefaultHelperImage.
	HelperImage string
}

// ErrNoCluster wraps New's failures to reach a cluster.
var ErrNoCluster = errors.New("no Kubernetes cluster")

// connectTimeout bounds New's first request to the API server.
const connectTimeout = 15 * time.Second

// New reads the kubeconfig, connects to its cluster and checks that the API server answers.
// Its failures wrap ErrNoCluster and say what was tried.
func New(ctx context.Context, c Config) (*Runtime, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if c.Kubeconfig != "" {
		rules.ExplicitPath = c.Kubeconfig
	}
	over := &clientcmd.ConfigOverrides{CurrentContext: c.Context}
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, over)
	where := kubeconfigName(c.Kubeconfig)
	raw, err := cc.RawConfig()
	if err != nil {
		return nil, fmt.Errorf("%w: kubeconfig %s: %w", ErrNoCluster, where, err)
	}
	ctxName := c.Context
	if ctxName == "" {
		ctxName = raw.CurrentContext
	}
	cfg, err := cc.ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("%w: kubeconfig %s, context %q: %w (give --kubeconfig PATH or --context NAME)", ErrNoCluster, where, ctxName, err)
	}
	cfg.QPS, cfg.Burst = 100, 200 // a drill's pods, services and claims come in bursts
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoCluster, err)
	}
	r := &Runtime{
		cfg: cfg, cs: cs, host: cfg.Host, ctx: ctxName, log: c.Logger, helper: c.HelperImage,
		namespaces: map[string]string{}, networks: map[string]string{},
		volumes: map[string]string{}, containers: map[*Container]bool{},
	}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	if r.helper == "" {
		r.helper = DefaultHelperImage
	}
	// client-go reports what it meets (a port-forward's lost connection, a watch that ended)
	// through klog, which writes to stderr: route it to the runtime's logger instead, process
	// wide, as harness/docker does with testcontainers' logger.
	klog.SetSlogLogger(r.log)
	pctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	if _, err := cs.Discovery().RESTClient().Get().AbsPath("/version").Do(pctx).Raw(); err != nil {
		return nil, fmt.Errorf("%w: the API server %s (context %q of %s) does not answer: %w", ErrNoCluster, cfg.Host, ctxName, where, err)
	}
	return r, nil
}

// NewForClient is a Runtime on a clientset already made (a fake one in unit tests); cfg may be
// nil, and then exec and port-forwards fail.
func NewForClient(cfg *rest.Config, cs kubernetes.Interface) *Runtime {
	host := ""
	if cfg != nil {
		host = cfg.Host
	}
	return &Runtime{
		cfg: cfg, cs: cs, host: host, log: slog.New(slog.DiscardHandler), helper: DefaultHelperImage,
		namespaces: map[string]string{}, networks: map[string]string{},
		volumes: map[string]string{}, containers: map[*Container]bool{},
	}
}

// kubeconfigName is how errors name the kubeconfig tried.
func kubeconfigName(path string) string {
	if path != "" {
		return path
	}
	return "($KUBECONFIG or ~/.kube/config)"
}

// HelperImage is the image that carries drill-volume.
func (r *Runtime) HelperImage() string { return r.helper }

// Clientset is the client the runtime uses, for drill gc and drill doctor.
func (r *Runtime) Clientset() kubernetes.Interface { return r.cs }

// Host is the API server's address.
func (r *Runtime) Host() string { return r.host }

// Context is the kubeconfig context in use.
func (r *Runtime) Context() string { return r.ctx }

// Close ends the port-forwards of every container this runtime started or attached.
func (r *Runtime) Close() error {
	r.mu.Lock()
	cs := make([]*Container, 0, len(r.containers))
	for c := range r.containers {
		cs = append(cs, c)
	}
	r.mu.Unlock()
	for _, c := range cs {
		c.closeForwards()
	}
	return nil
}

// Info implements runtime.Runtime: the API server's version, its address, and the CPUs the
// cluster's nodes can give pods.
func (r *Runtime) Info(ctx context.Context) (runtime.Info, error) {
	v, err := r.cs.Discovery().ServerVersion()
	if err != nil {
		return runtime.Info{}, fmt.Errorf("kubernetes version (%s): %w", r.host, err)
	}
	out := runtime.Info{Kubernetes: true, ServerVersion: v.GitVersion, APIVersion: v.Major + "." + v.Minor, Host: r.host}
	nodes, err := r.cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err == nil {
		for _, n := range nodes.Items {
			out.CPUs += int(n.Status.Allocatable.Cpu().Value())
		}
	}
	return out, nil
}

// ImageID implements runtime.Runtime. A cluster has no image store to ask: ImageID returns
// the image's digest when a node already holds it (the node's status lists it) and "" when
// none does, which is not an error: the kubelet pulls it when a pod needs it, and a pod whose
// image cannot be pulled fails its start with the kubelet's reason.
func (r *Runtime) ImageID(ctx context.Context, ref string) (string, error) {
	nodes, err := r.cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return "", fmt.Errorf("image %s: list nodes: %w", ref, err)
	}
	if id := nodeImage(nodes.Items, ref); id != "" {
		return id, nil
	}
	return "", nil
}

// nodeImage is the digest under which a node lists ref, "" when no node does, and ref itself
// when a node lists it without a digest.
func nodeImage(nodes []corev1.Node, ref string) string {
	want := NormalizeImage(ref)
	for _, n := range nodes {
		for _, img := range n.Status.Images {
			found, digest := false, ""
			for _, name := range img.Names {
				if NormalizeImage(name) == want {
					found = true
				}
				if i := strings.Index(name, "@sha256:"); i >= 0 {
					digest = name[i+1:]
				} else if strings.HasPrefix(name, "sha256:") {
					digest = name
				}
			}
			if found {
				if digest == "" {
					return ref
				}
				return digest
			}
		}
	}
	return ""
}

// NormalizeImage is an image reference as containerd names it: docker.io/ for a reference
// without a registry, library/ for an official image, :latest when no tag is given.
func NormalizeImage(ref string) string {
	name, tag := ref, ""
	if i := strings.LastIndex(ref, ":"); i >= 0 && !strings.Contains(ref[i:], "/") {
		name, tag = ref[:i], ref[i+1:]
	}
	if strings.Contains(name, "@") {
		return ref
	}
	first, _, hasSlash := strings.Cut(name, "/")
	if !hasSlash || !(strings.ContainsAny(first, ".:") || first == "localhost") {
		if !hasSlash {
			name = "library/" + name
		}
		name = "docker.io/" + name
	}
	if tag == "" {
		tag = "latest"
	}
	return name + ":" + tag
}

// BuildImage implements runtime.Runtime: a cluster cannot build from a Dockerfile here.
func (r *Runtime) BuildImage(_ context.Context, ref, contextDir string) error {
	return fmt.Errorf("build %s from %s: the kube runtime does not build images: build it with Docker and load it into the cluster's nodes (make kube-images on the test cluster) or push it to a registry the cluster pulls from", ref, contextDir)
}

// cleanupTimeout bounds the deletion of a one-shot pod after its run, even a cancelled one.
const cleanupTimeout = 30 * time.Second
