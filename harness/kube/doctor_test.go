package kube

import (
	"context"
	"errors"
	"strings"
	"testing"

	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/version"
	discoveryfake "k8s.io/client-go/discovery/fake"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/rest"
	k8stesting "k8s.io/client-go/testing"

	"github.com/drill-dev/drill/harness/runtime"
)

// fakeCluster is a fake clientset at v1.37.2 whose access reviews allow everything but deny.
func fakeCluster(deny map[string]bool, objects ...k8sruntime.Object) *fake.Clientset {
	cs := fake.NewClientset(objects...)
	cs.Discovery().(*discoveryfake.FakeDiscovery).FakedServerVersion = &version.Info{GitVersion: "v1.37.2", Major: "1", Minor: "37"}
	cs.PrependReactor("create", "selfsubjectaccessreviews", func(a k8stesting.Action) (bool, k8sruntime.Object, error) {
		r := a.(k8stesting.CreateAction).GetObject().(*authorizationv1.SelfSubjectAccessReview)
		ra := r.Spec.ResourceAttributes
		res := ra.Resource
		if ra.Subresource != "" {
			res += "/" + ra.Subresource
		}
		r.Status.Allowed = !deny[ra.Verb+" "+res]
		return true, r, nil
	})
	return cs
}

func readyNode(name string, images ...string) *corev1.Node {
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Status: corev1.NodeStatus{
			Conditions:  []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}},
			Allocatable: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2")},
			Images:      []corev1.ContainerImage{{Names: images}},
		},
	}
}

func defaultClass(annotation string) *storagev1.StorageClass {
	return &storagev1.StorageClass{
		ObjectMeta:  metav1.ObjectMeta{Name: "local-path", Annotations: map[string]string{annotation: "true"}},
		Provisioner: "rancher.io/local-path",
	}
}

func checks(rep runtime.Report) map[string]runtime.Check {
	m := map[string]runtime.Check{}
	for _, c := range rep.Checks {
		m[c.Name] = c
	}
	return m
}

func TestDoctorReady(t *testing.T) {
	cs := fakeCluster(nil, readyNode("n1", "docker.io/drill/postgres:15", "docker.io/drill/postgres@sha256:abc"), defaultClass(annotationDefaultClassBeta))
	rt := NewForClient(&rest.Config{Host: "https://127.0.0.1:6443"}, cs)
	rep := Doctor(context.Background(), rt, []string{"drill/postgres:15", "drill/cloudsuite:dev"})
	got := checks(rep)
	for name, want := range map[string]struct {
		status runtime.Status
		detail string
	}{
		"kubernetes":                 {runtime.OK, `Kubernetes v1.37.2 at https://127.0.0.1:6443`},
		"permissions":                {runtime.OK, "all 27 that drill needs"},
		"storage class":              {runtime.OK, "default local-path (provisioner rancher.io/local-path)"},
		"nodes":                      {runtime.OK, "1 of 1 Ready, 2 CPUs for pods"},
		"image drill/postgres:15":    {runtime.OK, "on node n1"},
		"image drill/cloudsuite:dev": {runtime.Warn, "on no node: a drill's pods start only if the cluster can pull it; load it into the nodes (make kube-images"},
	} {
		if c := got[name]; c.Status != want.status || !strings.HasPrefix(c.Detail, want.detail) {
			t.Errorf("check %s = %+v, want %s %q...", name, c, want.status, want.detail)
		}
	}
	if rep.Blocked() {
		t.Errorf("an absent image blocks: %+v", rep.Failures())
	}
}

func TestDoctorBlocked(t *testing.T) {
	notReady := readyNode("n1")
	notReady.Status.Conditions[0].Status = corev1.ConditionFalse
	other := &storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "slow"}, Provisioner: "x"}
	cs := fakeCluster(map[string]bool{"create namespaces": true, "create pods/exec": true}, notReady, other)
	rep := Doctor(context.Background(), NewForClient(nil, cs), nil)
	got := checks(rep)
	if c := got["permissions"]; c.Status != runtime.Fail ||
		c.Detail != "missing 2 of 27: create namespaces, create pods/exec; a cluster admin grants them with docs/kubernetes-rbac.yaml (drill doctor --runtime kube --print-rbac prints it)" {
		t.Errorf("permissions = %+v", c)
	}
	if c := got["storage class"]; c.Status != runtime.Fail || !strings.HasPrefix(c.Detail, "no default StorageClass") || !strings.HasSuffix(c.Detail, "(the cluster has slow)") {
		t.Errorf("storage class = %+v", c)
	}
	if c := got["nodes"]; c.Status != runtime.Fail || c.Detail != "none of 1 Ready: no pod of a drill could start" {
		t.Errorf("nodes = %+v", c)
	}
	if len(rep.Failures()) != 3 {
		t.Errorf("failures %+v, want permissions, storage class and nodes", rep.Failures())
	}
}

func TestDoctorNoAPIServer(t *testing.T) {
	cs := fakeCluster(nil)
	cs.PrependReactor("get", "version", func(k8stesting.Action) (bool, k8sruntime.Object, error) {
		return true, nil, errors.New("connection refused")
	})
	rep := Doctor(context.Background(), NewForClient(&rest.Config{Host: "https://127.0.0.1:6443"}, cs), []string{"x:1"})
	if len(rep.Checks) != 1 || rep.Checks[0].Status != runtime.Fail ||
		rep.Checks[0].Detail != `the API server https://127.0.0.1:6443 (context "") does not answer: connection refused` {
		t.Errorf("report = %+v, want the one failed kubernetes check", rep)
	}
}
