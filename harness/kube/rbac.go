package kube

import (
	"fmt"
	"strings"
)

// Permission is one resource drill works with and the verbs it needs on it. Namespaced ones are
// needed in every namespace drill creates, so in all namespaces: drill names its namespaces per
// run and cannot know them beforehand.
type Permission struct {
	// Group is the API group, "" for the core group.
	Group string
	// Resource is the resource's plural name, with its subresource after a slash (pods/exec).
	Resource string
	// Verbs are the verbs drill uses on it.
	Verbs []string
	// Namespaced says whether the resource lives in namespaces.
	Namespaced bool
	// Why says what drill does with it, for drill doctor's message.
	Why string
}

// Permissions are what drill's kube runtime, drill gc, drill doctor and drill render do on a
// cluster: the one list drill doctor checks and RBAC renders. Drill creates no cluster-scoped
// object but its namespaces (the PersistentVolumes of its claims are the provisioner's).
var Permissions = []Permission{
	{Resource: "namespaces", Verbs: []string{"create", "delete", "get", "list", "watch"},
		Why: "a namespace per drill, found by its run's label, deleted and waited for"},
	{Resource: "pods", Verbs: []string{"create", "delete", "get", "list", "watch"}, Namespaced: true,
		Why: "a pod per service and per one-shot run, watched until it runs or ends"},
	{Resource: "pods/log", Verbs: []string{"get"}, Namespaced: true,
		Why: "service logs and one-shot output"},
	{Resource: "pods/exec", Verbs: []string{"create", "get"}, Namespaced: true,
		Why: "exec steps and probes (websocket: get; SPDY: create)"},
	{Resource: "pods/portforward", Verbs: []string{"create", "get"}, Namespaced: true,
		Why: "http and sql probes through port-forwards on 127.0.0.1"},
	{Resource: "services", Verbs: []string{"create", "delete", "get", "list"}, Namespaced: true,
		Why: "a headless Service per service name"},
	{Resource: "persistentvolumeclaims", Verbs: []string{"create", "delete", "get", "list", "watch"}, Namespaced: true,
		Why: "a claim per volume"},
	{Resource: "nodes", Verbs: []string{"get", "list"},
		Why: "the CPUs and the images the nodes hold (drill doctor, drill run)"},
	{Group: "storage.k8s.io", Resource: "storageclasses", Verbs: []string{"list"},
		Why: "the default StorageClass the claims use (drill doctor)"},
}

// RBACName is the name of the ClusterRole and ClusterRoleBinding RBAC renders.
const RBACName = "drill"

// RBACFile is where the repository keeps RBAC's output, for cluster admins.
const RBACFile = "docs/kubernetes-rbac.yaml"

// RBAC renders Permissions as a ClusterRole and a ClusterRoleBinding, for a cluster admin to
// apply once the binding names who runs drill. It is a ClusterRole, not a namespaced Role:
// drill creates and deletes namespaces, which are cluster-scoped, and works in namespaces whose
// names it chooses per run, so no Role in one namespace can grant what it needs.
func RBAC() string {
	var b strings.Builder
	b.WriteString(`# The permissions drill needs to run drills on a Kubernetes cluster (--runtime kube).
# Rendered by harness/kube/rbac.go (drill doctor --runtime kube --print-rbac prints the same);
# edit Permissions there, not this file (go test ./harness/kube -run TestRBACFile -update).
#
# A ClusterRole, not a Role: drill creates and deletes a namespace per drill, and namespaces
# are cluster-scoped; it works inside namespaces it names per run. It creates no other
# cluster-scoped object (its claims' PersistentVolumes are the provisioner's), and touches only
# namespaces labelled app.kubernetes.io/managed-by=drill.
#
# As a cluster admin: name who runs drill in the binding's subjects below, then
#   kubectl apply -f docs/kubernetes-rbac.yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: ` + RBACName + `
rules:
`)
	for _, p := range Permissions {
		fmt.Fprintf(&b, "  # %s\n", p.Why)
		fmt.Fprintf(&b, "  - apiGroups: [%q]\n", p.Group)
		fmt.Fprintf(&b, "    resources: [%s]\n", p.Resource)
		fmt.Fprintf(&b, "    verbs: [%s]\n", strings.Join(p.Verbs, ", "))
	}
	b.WriteString(`---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ` + RBACName + `
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: ` + RBACName + `
subjects:
  # EDIT: who runs drill. A CI job's ServiceAccount (its name and namespace) ...
  - kind: ServiceAccount
    name: drill
    namespace: default
  # ... or a person, by the user name the cluster authenticates:
  # - kind: User
  #   apiGroup: rbac.authorization.k8s.io
  #   name: jane@example.com
`)
	return b.String()
}
