package kube

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/drill-dev/drill/harness/runtime"
)

// RunOnce implements runtime.Runtime: it runs a pod from spec in the run's namespace to its
// end (a watch), collects its exit code and its log (stdout and stderr interleaved), and
// deletes it, also when ctx is cancelled, which stops the wait and returns ctx's error. A spec
// without a Name gets a random one.
func (r *Runtime) RunOnce(ctx context.Context, spec runtime.ContainerSpec) (runtime.ExecResult, error) {
	ns, err := r.namespaceOf(ctx, spec.Labels)
	if err != nil {
		return runtime.ExecResult{}, fmt.Errorf("run %s: %w", spec.Name, err)
	}
	return r.runOnce(ctx, ns, spec)
}

// runOnce runs a one-shot pod in namespace ns.
func (r *Runtime) runOnce(ctx context.Context, ns string, spec runtime.ContainerSpec) (runtime.ExecResult, error) {
	if spec.Name == "" {
		spec.Name = "drill-once-" + randomSuffix()
	}
	pod, err := PodObject(spec, ns, r.helper, true)
	if err != nil {
		return runtime.ExecResult{}, fmt.Errorf("run %s: %w", spec.Name, err)
	}
	pods := r.cs.CoreV1().Pods(ns)
	if _, err := pods.Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		return runtime.ExecResult{}, fmt.Errorf("run %s: %w", spec.Name, err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		defer cancel()
		zero := int64(0)
		_ = pods.Delete(ctx, pod.Name, metav1.DeleteOptions{GracePeriodSeconds: &zero})
		_ = r.waitPod(ctx, ns, pod.Name, gone)
	}()
	if err := r.waitPod(ctx, ns, pod.Name, ended); err != nil {
		return runtime.ExecResult{}, fmt.Errorf("run %s: %w", spec.Name, err)
	}
	p, err := pods.Get(ctx, pod.Name, metav1.GetOptions{})
	if err != nil {
		return runtime.ExecResult{}, fmt.Errorf("run %s: %w", spec.Name, err)
	}
	code, err := exitCode(p)
	if err != nil {
		return runtime.ExecResult{}, fmt.Errorf("run %s: %w", spec.Name, err)
	}
	out, err := r.podLogs(ctx, ns, pod.Name)
	if err != nil {
		return runtime.ExecResult{}, fmt.Errorf("run %s: read output: %w", spec.Name, err)
	}
	return runtime.ExecResult{ExitCode: code, Output: out}, nil
}
