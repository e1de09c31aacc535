// Package runtime is the narrow interface through which drill's engine touches a container
// platform: images, networks, volumes, long-running containers and one-shot runs, and the labels
// that tie every resource to its run. harness/docker implements it on one Docker engine; a second
// platform (Kubernetes) implements the same interface and nothing else.
//
// It also holds what every runtime decides the same way: the run labels (RunLabels), drill gc's
// decision (GCOptions.Judge) and the pre-flight report (Report, Check).
//
// The package imports nothing of drill: the engine (harness) and each runtime import it.
package runtime
