// Package docker is drill's container runtime on testcontainers-go: it implements
// runtime.Runtime with local images only (it never pulls), publishes ports on localhost, labels
// every container, network and volume with the run that made it, and provides what keeps a
// machine clean and a drill honest: GC removes what dead runs left behind, and Preflight checks
// that Docker, the images, free disk and the testcontainers settings allow a drill to start.
//
// It is the only package of drill that imports testcontainers-go outside tests. Call
// ApplyLocalDefaults before anything else touches testcontainers: it reads its settings once.
package docker
