package kube

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/drill-dev/drill/harness/runtime"
)

// RunContainers finds the running pods of one run (a stack kept with --keep) in the run's
// namespace and returns them by the names drill gave them, attached: their endpoints, execs
// and logs work as for containers this process started (their lifecycle is the engine's
// that started them). A run with no running pod is an error that says so.
func (r *Runtime) RunContainers(ctx context.Context, runID string) (map[string]runtime.Container, error) {
	ns, err := r.RunNamespace(ctx, runID)
	if err != nil {
		return nil, err
	}
	pods, err := r.cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: LabelPod})
	if err != nil {
		return nil, fmt.Errorf("list the pods of run %s: %w", runID, err)
	}
	out := map[string]runtime.Container{}
	for _, p := range pods.Items {
		if p.Status.Phase != corev1.PodRunning || p.DeletionTimestamp != nil {
			continue
		}
		name := p.Annotations[AnnotationName]
		if name == "" {
			name = p.Name
		}
		c := &Container{
			rt: r, ns: ns, pod: p.Name, uid: string(p.UID), forwards: map[int]*forward{}, attached: true,
			spec: runtime.ContainerSpec{Name: name, Image: p.Spec.Containers[0].Image},
		}
		r.mu.Lock()
		r.containers[c] = true
		r.namespaces[runID] = ns
		r.mu.Unlock()
		out[name] = c
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no running pod in namespace %s of run %s (drill gc --runtime kube --dry-run lists the runs left on this cluster)", ns, runID)
	}
	return out, nil
}
