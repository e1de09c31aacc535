// Package kube is runtime.Runtime on a Kubernetes cluster through client-go: the second
// runtime beside harness/docker, chosen with `drill run --runtime kube`.
//
// A drill's network is a namespace; a long-running container is a bare Pod (restart policy
// Never, so a killed process stays dead as on Docker) plus one headless Service per alias, so
// that the stack's services find each other by name as on a Docker network; a volume is a
// PersistentVolumeClaim of the cluster's default StorageClass; a one-shot container is a Pod
// whose exit code and logs come back. drill reaches a pod's ports through port-forwards on
// 127.0.0.1, kept open per pod and port and opened anew when the pod behind them changes.
//
// Every object carries the run's labels, encoded to fit Kubernetes' label values (Labels),
// with the values themselves in annotations of the same keys.
//
// The package imports nothing of drill but harness/runtime.
package kube
