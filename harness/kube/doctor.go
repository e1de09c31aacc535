package kube

import (
	"context"
	"fmt"
	"strings"

	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/drill-dev/drill/harness/runtime"
)

// The annotations that mark a StorageClass as the cluster's default, the GA one and the beta
// one older clusters still set.
const (
	annotationDefaultClass     = "storageclass.kubernetes.io/is-default-class"
	annotationDefaultClassBeta = "storageclass.beta.kubernetes.io/is-default-class"
)

// ImageHint is the remedy for an image no node holds.
const ImageHint = "load it into the nodes (make kube-images on the test cluster) or push it to a registry the cluster pulls from"

// Doctor checks what a drill needs on the cluster before it creates anything: the API server
// answers (and its version), the user may do everything in Permissions (each verb asked of the
// API server with a SelfSubjectAccessReview), a default StorageClass exists for the claims, at
// least one node is Ready, and each image is on a node. An image no node holds is a warning,
// not a failure: the kubelet may pull it. When the API server does not answer, the report has
// that one failed check.
func Doctor(ctx context.Context, rt *Runtime, images []string) runtime.Report {
	cs := rt.Clientset()
	var rep runtime.Report
	v, err := cs.Discovery().ServerVersion()
	if err != nil {
		rep.Checks = append(rep.Checks, runtime.Check{Name: "kubernetes", Status: runtime.Fail,
			Detail: fmt.Sprintf("the API server %s (context %q) does not answer: %v", rt.Host(), rt.Context(), err)})
		return rep
	}
	rep.Checks = append(rep.Checks, runtime.Check{Name: "kubernetes", Status: runtime.OK,
		Detail: fmt.Sprintf("Kubernetes %s at %s (context %q)", v.GitVersion, rt.Host(), rt.Context())})
	rep.Checks = append(rep.Checks, permissionsCheck(ctx, rt))
	rep.Checks = append(rep.Checks, storageCheck(ctx, rt))
	nodes, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		rep.Checks = append(rep.Checks, runtime.Check{Name: "nodes", Status: runtime.Fail, Detail: "list nodes: " + err.Error()})
		return rep
	}
	rep.Checks = append(rep.Checks, nodesCheck(nodes.Items))
	for _, img := range images {
		rep.Checks = append(rep.Checks, imageCheck(nodes.Items, img))
	}
	return rep
}

// permissionsCheck asks the API server, verb by verb, whether the user may do what drill does.
func permissionsCheck(ctx context.Context, rt *Runtime) runtime.Check {
	c := runtime.Check{Name: "permissions"}
	reviews := rt.Clientset().AuthorizationV1().SelfSubjectAccessReviews()
	var missing []string
	n := 0
	for _, p := range Permissions {
		resource, sub, _ := strings.Cut(p.Resource, "/")
		for _, verb := range p.Verbs {
			n++
			r, err := reviews.Create(ctx, &authorizationv1.SelfSubjectAccessReview{
				Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &authorizationv1.ResourceAttributes{
					Verb: verb, Group: p.Group, Resource: resource, Subresource: sub,
				}},
			}, metav1.CreateOptions{})
			if err != nil {
				c.Status, c.Detail = runtime.Fail, "ask the API server what this user may do: "+err.Error()
				return c
			}
			if !r.Status.Allowed {
				missing = append(missing, verb+" "+qualified(p))
			}
		}
	}
	if len(missing) > 0 {
		c.Status = runtime.Fail
		c.Detail = fmt.Sprintf("missing %d of %d: %s; a cluster admin grants them with %s (drill doctor --runtime kube --print-rbac prints it)",
			len(missing), n, strings.Join(missing, ", "), RBACFile)
		return c
	}
	c.Status, c.Detail = runtime.OK, fmt.Sprintf("all %d that drill needs (%s)", n, RBACFile)
	return c
}

// qualified is a permission's resource with its group, as kubectl names it (storageclasses.storage.k8s.io).
func qualified(p Permission) string {
	if p.Group == "" {
		return p.Resource
	}
	return p.Resource + "." + p.Group
}

// storageCheck looks for the default StorageClass that the claims of drill's volumes use.
func storageCheck(ctx context.Context, rt *Runtime) runtime.Check {
	c := runtime.Check{Name: "storage class"}
	list, err := rt.Clientset().StorageV1().StorageClasses().List(ctx, metav1.ListOptions{})
	if err != nil {
		c.Status, c.Detail = runtime.Fail, "list storage classes: "+err.Error()
		return c
	}
	var names []string
	for _, sc := range list.Items {
		if sc.Annotations[annotationDefaultClass] == "true" || sc.Annotations[annotationDefaultClassBeta] == "true" {
			c.Status, c.Detail = runtime.OK, fmt.Sprintf("default %s (provisioner %s)", sc.Name, sc.Provisioner)
			return c
		}
		names = append(names, sc.Name)
	}
	c.Status = runtime.Fail
	c.Detail = "no default StorageClass: the claims of a drill's volumes would wait for ever; mark one with kubectl annotate storageclass NAME " +
		annotationDefaultClass + "=true"
	if len(names) > 0 {
		c.Detail += " (the cluster has " + strings.Join(names, ", ") + ")"
	}
	return c
}

// nodesCheck wants at least one Ready node.
func nodesCheck(nodes []corev1.Node) runtime.Check {
	ready, cpus := 0, int64(0)
	for _, n := range nodes {
		for _, cond := range n.Status.Conditions {
			if cond.Type == corev1.NodeReady && cond.Status == corev1.ConditionTrue {
				ready++
				cpus += n.Status.Allocatable.Cpu().Value()
			}
		}
	}
	if ready == 0 {
		return runtime.Check{Name: "nodes", Status: runtime.Fail,
			Detail: fmt.Sprintf("none of %d Ready: no pod of a drill could start", len(nodes))}
	}
	return runtime.Check{Name: "nodes", Status: runtime.OK,
		Detail: fmt.Sprintf("%d of %d Ready, %d CPUs for pods", ready, len(nodes), cpus)}
}

// imageCheck looks for an image on the nodes: absent is a warning, the kubelet may pull it.
func imageCheck(nodes []corev1.Node, ref string) runtime.Check {
	c := runtime.Check{Name: "image " + ref}
	for _, n := range nodes {
		if nodeImage([]corev1.Node{n}, ref) != "" {
			c.Status, c.Detail = runtime.OK, "on node "+n.Name
			return c
		}
	}
	c.Status, c.Detail = runtime.Warn, "on no node: a drill's pods start only if the cluster can pull it; "+ImageHint
	return c
}
