package kube

import (
	"context"
	"fmt"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/drill-dev/drill/harness/runtime"
)

// CreateNetwork implements runtime.Runtime: a drill's network is its own namespace, named
// after the network (Name) and labelled with the run. The run's pods, Services and claims go
// into it.
func (r *Runtime) CreateNetwork(ctx context.Context, name string, labels map[string]string) error {
	ns := NamespaceObject(name, labels)
	if _, err := r.cs.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("create namespace %s: %w", ns.Name, err)
	}
	r.mu.Lock()
	r.networks[name] = ns.Name
	if run := labels[runtime.LabelRunID]; run != "" {
		r.namespaces[run] = ns.Name
	}
	r.mu.Unlock()
	return nil
}

// RemoveNetwork implements runtime.Runtime: it deletes the namespace, with whatever is still
// in it, and returns once the cluster has removed it. A missing namespace wraps
// runtime.ErrNotFound.
func (r *Runtime) RemoveNetwork(ctx context.Context, name string) error {
	ns := r.namespaceOfNetwork(name)
	err := r.DeleteNamespace(ctx, ns)
	r.mu.Lock()
	delete(r.networks, name)
	for run, n := range r.namespaces {
		if n == ns {
			delete(r.namespaces, run)
		}
	}
	r.mu.Unlock()
	if err != nil {
		return fmt.Errorf("remove network %s: %w", name, err)
	}
	return nil
}

// DeleteNamespace deletes a namespace in the foreground and waits until it is gone. A missing
// namespace wraps runtime.ErrNotFound.
func (r *Runtime) DeleteNamespace(ctx context.Context, ns string) error {
	nss := r.cs.CoreV1().Namespaces()
	fg := metav1.DeletePropagationForeground
	err := nss.Delete(ctx, ns, metav1.DeleteOptions{PropagationPolicy: &fg})
	if apierrors.IsNotFound(err) {
		return fmt.Errorf("namespace %s: %w", ns, runtime.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("delete namespace %s: %w", ns, err)
	}
	return waitGone(ctx, "namespace "+ns,
		func(ctx context.Context) (string, error) {
			n, err := nss.Get(ctx, ns, metav1.GetOptions{})
			if err != nil {
				return "", err
			}
			return n.ResourceVersion, nil
		},
		func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			o.FieldSelector = fields.OneTermEqualSelector("metadata.name", ns).String()
			return nss.Watch(ctx, o)
		})
}

// goneRecheck bounds each watch of waitGone: it reads the object again at least this often.
const goneRecheck = 10 * time.Second

// waitGone waits, watching from the version get read (so that a deletion between the read and
// the watch is not missed), until get says not found.
func waitGone(ctx context.Context, what string, get func(context.Context) (string, error), watchFn func(context.Context, metav1.ListOptions) (watch.Interface, error)) error {
	for {
		version, err := get(ctx)
		if apierrors.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("wait for %s to go: %w", what, err)
		}
		secs := int64(goneRecheck / time.Second)
		w, err := watchFn(ctx, metav1.ListOptions{ResourceVersion: version, TimeoutSeconds: &secs})
		if err != nil {
			return fmt.Errorf("wait for %s to go: %w", what, err)
		}
		deleted := false
		func() {
			defer w.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case ev, ok := <-w.ResultChan():
					if !ok {
						return
					}
					if ev.Type == watch.Deleted {
						deleted = true
						return
					}
				}
			}
		}()
		if deleted {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("wait for %s to go: %w", what, ctx.Err())
		}
	}
}

// namespaceOfNetwork is the namespace of a network this runtime created, else its Name.
func (r *Runtime) namespaceOfNetwork(name string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if ns, ok := r.networks[name]; ok {
		return ns
	}
	return Name(name)
}

// namespaceOf is the namespace of the run whose labels these are: the one CreateNetwork made
// for it, else the one labelled with the run on the cluster (a run attached with --keep).
func (r *Runtime) namespaceOf(ctx context.Context, labels map[string]string) (string, error) {
	run := labels[runtime.LabelRunID]
	r.mu.Lock()
	ns, ok := r.namespaces[run]
	r.mu.Unlock()
	if ok {
		return ns, nil
	}
	if run == "" {
		return "", fmt.Errorf("no %s label: the kube runtime puts a run's objects in the run's namespace", runtime.LabelRunID)
	}
	ns, err := r.RunNamespace(ctx, run)
	if err != nil {
		return "", err
	}
	r.mu.Lock()
	r.namespaces[run] = ns
	r.mu.Unlock()
	return ns, nil
}

// RunNamespace finds the namespace labelled with a run.
func (r *Runtime) RunNamespace(ctx context.Context, runID string) (string, error) {
	sel := runtime.LabelRunID + "=" + LabelValue(runID)
	list, err := r.cs.CoreV1().Namespaces().List(ctx, metav1.ListOptions{LabelSelector: sel})
	if err != nil {
		return "", fmt.Errorf("find the namespace of run %s: %w", runID, err)
	}
	for _, n := range list.Items {
		if n.Annotations[runtime.LabelRunID] == runID && n.DeletionTimestamp == nil {
			return n.Name, nil
		}
	}
	return "", fmt.Errorf("no namespace carries %s=%s (drill gc --runtime kube --dry-run lists the runs left on this cluster)", runtime.LabelRunID, runID)
}

// CreateVolume implements runtime.Runtime: a PersistentVolumeClaim in the run's namespace.
func (r *Runtime) CreateVolume(ctx context.Context, name string, labels map[string]string) error {
	ns, err := r.namespaceOf(ctx, labels)
	if err != nil {
		return fmt.Errorf("create volume %s: %w", name, err)
	}
	pvc := ClaimObject(name, ns, labels)
	if _, err := r.cs.CoreV1().PersistentVolumeClaims(ns).Create(ctx, pvc, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("create volume %s: %w", name, err)
	}
	r.mu.Lock()
	r.volumes[name] = ns
	r.mu.Unlock()
	return nil
}

// RemoveVolume implements runtime.Runtime: it deletes the claim and returns once it is gone
// (its volume goes as the StorageClass's reclaim policy says). A missing claim wraps
// runtime.ErrNotFound; the claim of a volume a pod still mounts stays until the pod goes, so
// the wait ends with ctx.
func (r *Runtime) RemoveVolume(ctx context.Context, name string) error {
	r.mu.Lock()
	ns, ok := r.volumes[name]
	r.mu.Unlock()
	if !ok {
		return fmt.Errorf("remove volume %s: %w", name, runtime.ErrNotFound)
	}
	pvcs := r.cs.CoreV1().PersistentVolumeClaims(ns)
	claim := Name(name)
	err := pvcs.Delete(ctx, claim, metav1.DeleteOptions{})
	if apierrors.IsNotFound(err) {
		err = fmt.Errorf("%w: %w", runtime.ErrNotFound, err)
	}
	if err == nil {
		err = waitGone(ctx, "claim "+claim,
			func(ctx context.Context) (string, error) {
				c, err := pvcs.Get(ctx, claim, metav1.GetOptions{})
				if err != nil {
					return "", err
				}
				return c.ResourceVersion, nil
			},
			func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
				o.FieldSelector = fields.OneTermEqualSelector("metadata.name", claim).String()
				return pvcs.Watch(ctx, o)
			})
	}
	if err != nil {
		return fmt.Errorf("remove volume %s: %w", name, err)
	}
	r.mu.Lock()
	delete(r.volumes, name)
	r.mu.Unlock()
	return nil
}

// wipeMount is where WipeVolume mounts the volume it empties.
const wipeMount = "/v"

// WipeVolume implements runtime.Runtime: a one-shot pod of the helper image (drill-volume
// wipe; image, which Docker's runtime uses for find(1), is not needed) deletes everything
// inside the claim and leaves the claim.
func (r *Runtime) WipeVolume(ctx context.Context, name, _ string) error {
	r.mu.Lock()
	ns, ok := r.volumes[name]
	r.mu.Unlock()
	if !ok {
		return fmt.Errorf("wipe volume %s: %w", name, runtime.ErrNotFound)
	}
	pvc, err := r.cs.CoreV1().PersistentVolumeClaims(ns).Get(ctx, Name(name), metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("wipe volume %s: %w", name, err)
	}
	labels := map[string]string{}
	for k, v := range pvc.Annotations {
		if strings.HasPrefix(k, "drill.") && k != AnnotationName {
			labels[k] = v
		}
	}
	res, err := r.runOnce(ctx, ns, runtime.ContainerSpec{
		Name:       "drill-wipe-" + name + "-" + randomSuffix(),
		Image:      r.helper,
		Entrypoint: []string{"/drill-volume", "wipe", wipeMount},
		Volumes:    map[string]string{name: wipeMount},
		NoCopy:     map[string]bool{name: true},
		Labels:     labels,
	})
	if err != nil {
		return fmt.Errorf("wipe volume %s: %w", name, err)
	}
	if res.ExitCode != 0 {
		return fmt.Errorf("wipe volume %s: drill-volume exited with %d: %s", name, res.ExitCode, strings.TrimSpace(string(res.Output)))
	}
	return nil
}
