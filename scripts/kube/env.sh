# Shared settings of drill's local Kubernetes cluster (sourced by the scripts beside it).
# Override any of them from the environment.
KUBE_VERSION=${KUBE_VERSION:-v1.37.2}
KUBE_CACHE=${DRILL_KUBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/drill/kube/$KUBE_VERSION}
KUBE_BIN=$KUBE_CACHE/bin
# Where a running cluster keeps its state, certificates, logs and pidfiles; kube-down removes it.
KUBE_STATE=${DRILL_KUBE_STATE:-/var/tmp/drill-kube}
# Pods and services: private ranges that overlap none of Docker's pools (172.17.0.0/16 and up,
# 192.168.0.0/16 by default); kube-up checks again against the networks that exist.
KUBE_POD_CIDR=${DRILL_KUBE_POD_CIDR:-10.244.0.0/16}
KUBE_SERVICE_CIDR=${DRILL_KUBE_SERVICE_CIDR:-10.96.0.0/16}
KUBE_API_IP=10.96.0.1
KUBE_DNS_IP=10.96.0.10
KUBE_CLUSTER_DOMAIN=cluster.local
KUBE_BRIDGE=drillk0
KUBE_DUMMY=drillsvc0
