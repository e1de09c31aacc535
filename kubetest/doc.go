// Package kubetest holds the smoke test of drill's local Kubernetes cluster (make kube-up,
// scripts/kube, docs/kube-cluster.md): what the next runtime, harness/kube, will rely on, checked
// on a real cluster with client-go. Its specs carry the label "kube" and run only when
// $DRILL_KUBECONFIG names the cluster's kubeconfig (make test-kube sets it); without it the test
// skips, so go test ./... stays green on a machine without a cluster.
package kubetest
