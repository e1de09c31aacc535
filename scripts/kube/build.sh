#!/usr/bin/env bash
# Builds the binaries of drill's local Kubernetes cluster from Go modules into a cache outside the
# repository, keyed by version, and reuses what is already there:
#   kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl  (k8s.io/kubernetes)
#   etcd     (go.etcd.io/etcd/server/v3, the version k8s.io/kubernetes pins)
#   coredns  (github.com/coredns/coredns, ./coredns/go.mod)
#   pause    (./pause)
#   kubeutil (./kubeutil: the API relay for pods, a DNS probe)
# Usage: scripts/kube/build.sh [--force]   (--force rebuilds every binary; the Go build cache
# still serves what has not changed). Prints the bin directory last. Each component's build time
# goes to $DIR/build-times.txt.
# The build runs under the shared lock /tmp/drill-heavy.lock; with everything built it takes none.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=env.sh
. "$here/env.sh"

force=false
[[ ${1:-} == --force ]] && force=true

export CGO_ENABLED=0 GOFLAGS=-mod=mod GOPROXY=https://proxy.golang.org GOTOOLCHAIN=local

# name:module-dir:package
components=(
	"kube-apiserver:$here:k8s.io/kubernetes/cmd/kube-apiserver"
	"kube-controller-manager:$here:k8s.io/kubernetes/cmd/kube-controller-manager"
	"kube-scheduler:$here:k8s.io/kubernetes/cmd/kube-scheduler"
	"kubelet:$here:k8s.io/kubernetes/cmd/kubelet"
	"kube-proxy:$here:k8s.io/kubernetes/cmd/kube-proxy"
	"kubectl:$here:k8s.io/kubernetes/cmd/kubectl"
	"etcd:$here:go.etcd.io/etcd/server/v3"
	"pause:$here:github.com/drill-dev/drill/scripts/kube/pause"
	"kubeutil:$here:github.com/drill-dev/drill/scripts/kube/kubeutil"
	"coredns:$here/coredns:github.com/coredns/coredns"
)

missing=()
for c in "${components[@]}"; do
	name=${c%%:*}
	if $force || [[ ! -x $KUBE_BIN/$name ]]; then missing+=("$c"); fi
done
if ((${#missing[@]} == 0)); then
	echo "kube build: all binaries present in $KUBE_BIN (--force to rebuild)" >&2
	echo "$KUBE_BIN"
	exit 0
fi

# Fixed stamps (no build date from the clock), so that a rebuild of the same sources is a
# build-cache hit.
minor=${KUBE_VERSION#v1.}; minor=${minor%%.*}
kver=()
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
	kver+=("-X $pkg.gitVersion=$KUBE_VERSION" "-X $pkg.gitMajor=1" "-X $pkg.gitMinor=$minor"
		"-X $pkg.gitTreeState=clean" "-X $pkg.buildDate=1970-01-01T00:00:00Z")
done
kldflags="-s -w ${kver[*]}"

mkdir -p "$KUBE_BIN"
if [[ -z ${DRILL_HEAVY_LOCKED:-} ]]; then # one heavy job at a time on this machine
	exec 9>/tmp/drill-heavy.lock
	echo "kube build: waiting for /tmp/drill-heavy.lock" >&2
	flock 9
fi
echo "kube build: building ${#missing[@]} binaries into $KUBE_BIN" >&2
times=$KUBE_CACHE/build-times.txt
echo "# $(date -u +%FT%TZ) force=$force (seconds per component)" >>"$times"
total_start=$SECONDS
for c in "${missing[@]}"; do
	IFS=: read -r name dir pkg <<<"$c"
	ldflags=$kldflags
	case $name in
	etcd) ldflags="-s -w" ;;
	coredns) ldflags="-s -w -X github.com/coredns/coredns/coremain.GitCommit=drill" ;;
	pause | kubeutil) ldflags="-s -w" ;;
	esac
	start=$SECONDS
	(cd "$dir" && go build -trimpath -ldflags "$ldflags" -o "$KUBE_BIN/$name.tmp" "$pkg")
	mv "$KUBE_BIN/$name.tmp" "$KUBE_BIN/$name"
	echo "$name $((SECONDS - start))" | tee -a "$times" >&2
done
echo "total $((SECONDS - total_start))" | tee -a "$times" >&2
echo "$KUBE_BIN"
