package kube

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/drill-dev/drill/harness/runtime"
)

// GC finds the namespaces drill made (labelled app.kubernetes.io/managed-by=drill and with a
// run ID), reads each run's labels from their annotations, decides per run whether it is dead
// with the same rules as on Docker (runtime.GCOptions.Judge), and deletes the dead runs'
// namespaces with everything in them, waiting until each is gone. Nothing outside those
// namespaces is touched; a live run is left alone; a dry run deletes nothing. A namespace that
// vanishes meanwhile is not an error; other failures are joined and the rest still deleted.
func GC(ctx context.Context, rt *Runtime, opts runtime.GCOptions) (runtime.GCReport, error) {
	runs, err := findRuns(ctx, rt, opts.Labels)
	if err != nil {
		return runtime.GCReport{}, err
	}
	rep := opts.Judge(runs)
	if opts.DryRun {
		return rep, nil
	}
	var errs []error
	for _, g := range rep.Removed() {
		for _, ns := range g.Namespaces {
			if err := rt.DeleteNamespace(ctx, ns); err != nil && !errors.Is(err, runtime.ErrNotFound) {
				errs = append(errs, err)
			}
		}
	}
	return rep, errors.Join(errs...)
}

// findRuns lists drill's namespaces that also carry extra, grouped by run ID.
func findRuns(ctx context.Context, rt *Runtime, extra map[string]string) ([]runtime.GCRun, error) {
	sel := LabelManaged + "=" + managedBy + "," + runtime.LabelRunID
	for _, k := range slices.Sorted(maps.Keys(extra)) {
		sel += "," + k + "=" + LabelValue(extra[k])
	}
	list, err := rt.Clientset().CoreV1().Namespaces().List(ctx, metav1.ListOptions{LabelSelector: sel})
	if err != nil {
		return nil, fmt.Errorf("list namespaces (%s): %w", rt.Host(), err)
	}
	runs := map[string]*runtime.GCRun{}
	for _, ns := range list.Items {
		if !annotated(ns.Annotations, extra) {
			continue // a label value shared by accident: the annotation holds the value itself
		}
		l, _ := runtime.ParseRunLabels(ns.Annotations) // what cannot be read stays zero: Judge keeps such runs
		g := runs[l.RunID]
		if g == nil {
			g = &runtime.GCRun{Labels: l}
			runs[l.RunID] = g
		}
		g.Namespaces = append(g.Namespaces, ns.Name)
	}
	out := make([]runtime.GCRun, 0, len(runs))
	for _, g := range runs {
		slices.Sort(g.Namespaces)
		out = append(out, *g)
	}
	return out, nil
}

// annotated reports whether the annotations hold every one of want.
func annotated(annotations, want map[string]string) bool {
	for k, v := range want {
		if annotations[k] != v {
			return false
		}
	}
	return true
}
