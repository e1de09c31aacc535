#!/usr/bin/env bash
# Puts images into the cluster's containerd (make kube-up's, socket under $KUBE_STATE) from the
# local Docker engine; nothing is pulled from a registry.
#   scripts/kube/images.sh                    drill's images (drill/kube-helper:dev, built here from
#                                             cmd/drill-volume; drill/postgres:15, drill/cloudsuite:dev,
#                                             drill/mariadb:10.11: `make images` builds them)
#   scripts/kube/images.sh IMAGE...           those images
#   scripts/kube/images.sh --cluster-images   the cluster's own: drill.local/pause:3.10 and
#                                             drill.local/coredns:v1.14.6, each FROM scratch with
#                                             its static binary from build.sh (kube-up runs this)
# Pods use them with imagePullPolicy: Never (or IfNotPresent).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=env.sh
. "$here/env.sh"

sock=$KUBE_STATE/containerd/containerd.sock
[[ -S $sock ]] || { echo "images: no cluster containerd at $sock (make kube-up first)" >&2; exit 1; }
ctr=(/usr/bin/ctr --address "$sock" --namespace k8s.io)

if [[ -z ${DRILL_HEAVY_LOCKED:-} ]]; then
	exec 9>/tmp/drill-heavy.lock
	flock 9
fi

# load IMAGE: docker save | ctr import, unless this Docker image (by ID) is in already.
loaded=$KUBE_STATE/images
mkdir -p "$loaded"
load() {
	local t=$SECONDS id mark
	id=$(docker image inspect -f '{{.Id}}' "$1")
	mark=$loaded/$(tr '/:' '__' <<<"$1")
	if [[ -f $mark && $(cat "$mark") == "$id" ]]; then
		echo "images: $1 is in the cluster already"
		return
	fi
	docker save "$1" | "${ctr[@]}" images import - >/dev/null
	echo "$id" >"$mark"
	echo "images: $1 loaded ($((SECONDS - t))s)"
}

scratch_image() { # TAG BINARY ENTRYPOINT-JSON
	local tag=$1 bin=$2 entry=$3 ctx
	if ! docker image inspect "$tag" >/dev/null 2>&1; then
		ctx=$(mktemp -d)
		cp "$KUBE_BIN/$bin" "$ctx/$bin"
		printf 'FROM scratch\nCOPY %s /%s\nENTRYPOINT %s\n' "$bin" "$bin" "$entry" >"$ctx/Dockerfile"
		docker build -q -t "$tag" "$ctx" >/dev/null
		rm -rf "$ctx"
	fi
	load "$tag"
}

# The kube runtime's helper (harness/kube.DefaultHelperImage): drill-volume FROM scratch, built
# from this checkout each time (a second with a warm cache), loaded when it changed.
helper=drill/kube-helper:dev
helper_image() {
	local ctx
	ctx=$(mktemp -d)
	(cd "$here/../.." && CGO_ENABLED=0 go build -trimpath -ldflags=-s -o "$ctx/drill-volume" ./cmd/drill-volume)
	printf 'FROM scratch\nCOPY drill-volume /drill-volume\nENTRYPOINT ["/drill-volume"]\n' >"$ctx/Dockerfile"
	docker build -q -t "$helper" "$ctx" >/dev/null
	rm -rf "$ctx"
}

if [[ ${1:-} == --cluster-images ]]; then
	scratch_image drill.local/pause:3.10 pause '["/pause"]'
	scratch_image drill.local/coredns:v1.14.6 coredns '["/coredns"]'
	exit 0
fi

imgs=("$@")
((${#imgs[@]})) || imgs=("$helper" drill/postgres:15 drill/cloudsuite:dev drill/mariadb:10.11)
missing=0
for i in "${imgs[@]}"; do
	[[ $i != "$helper" ]] || helper_image
	if docker image inspect "$i" >/dev/null 2>&1; then
		load "$i"
	else
		echo "images: $i is not in the Docker engine (make images builds drill's)" >&2
		missing=1
	fi
done
exit $missing
