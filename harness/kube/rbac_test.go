package kube

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/client-go/kubernetes/scheme"
)

// The file cluster admins apply is what RBAC renders, byte for byte.
func TestRBACFile(t *testing.T) {
	path := filepath.Join("..", "..", filepath.FromSlash(RBACFile))
	got := RBAC()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs from RBAC(): run go test ./harness/kube -run TestRBACFile -update", RBACFile)
	}
}

// RBAC is a ClusterRole granting exactly Permissions and a binding to it, as the API reads them.
func TestRBACDecodes(t *testing.T) {
	docs := strings.Split(RBAC(), "\n---\n")
	if len(docs) != 2 {
		t.Fatalf("%d documents, want 2", len(docs))
	}
	dec := scheme.Codecs.UniversalDeserializer()
	obj, _, err := dec.Decode([]byte(docs[0]), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	role, ok := obj.(*rbacv1.ClusterRole)
	if !ok || role.Name != RBACName || len(role.Rules) != len(Permissions) {
		t.Fatalf("first document: %#v, want the ClusterRole %s with %d rules", obj, RBACName, len(Permissions))
	}
	for i, p := range Permissions {
		r := role.Rules[i]
		if !slices.Equal(r.APIGroups, []string{p.Group}) || !slices.Equal(r.Resources, []string{p.Resource}) || !slices.Equal(r.Verbs, p.Verbs) {
			t.Errorf("rule %d = %+v, want %+v", i, r, p)
		}
	}
	obj, _, err = dec.Decode([]byte(docs[1]), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, ok := obj.(*rbacv1.ClusterRoleBinding)
	if !ok || b.RoleRef.Kind != "ClusterRole" || b.RoleRef.Name != RBACName || len(b.Subjects) != 1 {
		t.Fatalf("second document: %#v, want a ClusterRoleBinding to %s with one subject", obj, RBACName)
	}
}
