#!/bin/bash
# Builds the reference stack's images without a registry:
#   drill/postgres:15     Debian's postgresql-15 on a rootfs made by mmdebstrap (docker import),
#                         plus images/postgres (entrypoint drill-pg);
#   drill/cloudsuite:dev  FROM scratch plus the static cloudsuite binary.
# Idempotent: the rootfs is made only when its image is absent, and each image is rebuilt only
# when the hash of its build context (label drill.context-hash) changed. Build outputs go to
# stacks/cloudsuite/images/build/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/../.."

here=stacks/cloudsuite/images
build=$here/build
rootfs_image=drill/debian-pg-rootfs:bookworm
mkdir -p "$build"

log() { printf 'images: %s\n' "$*" >&2; }

label_of() { docker image inspect -f '{{index .Config.Labels "drill.context-hash"}}' "$1" 2>/dev/null || true; }

# context_hash DIR [EXTRA]: a hash of every file in DIR (names and contents) plus EXTRA.
context_hash() {
	(cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum; echo "${2:-}") | sha256sum | cut -c1-16
}

# build_if_changed TAG DIR EXTRA: docker build DIR as TAG unless TAG already carries DIR's hash.
build_if_changed() {
	local tag=$1 dir=$2 hash
	hash=$(context_hash "$dir" "${3:-}")
	if [ "$(label_of "$tag")" = "$hash" ]; then
		log "$tag is up to date ($hash)"
		return 0
	fi
	log "building $tag ($hash)"
	local out
	if ! out=$(docker build -q --label "drill.context-hash=$hash" -t "$tag" "$dir" 2>&1); then
		printf '%s\n' "$out" >&2
		exit 1
	fi
}

if ! docker image inspect "$rootfs_image" >/dev/null 2>&1; then
	command -v mmdebstrap >/dev/null || { log "mmdebstrap is needed: run scripts/deps (it installs it as root with apt) or apt-get install mmdebstrap"; exit 1; }
	log "making the Debian rootfs with mmdebstrap (about 80 s)"
	rm -f "$build/rootfs.tar"
	mmdebstrap --quiet --variant=apt --include=postgresql-15 \
		--customize-hook='rm -rf "$1"/var/lib/postgresql/15 "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*' \
		bookworm "$build/rootfs.tar"
	docker import --change 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
		"$build/rootfs.tar" "$rootfs_image" >/dev/null
	rm -f "$build/rootfs.tar"
fi
build_if_changed drill/postgres:15 "$here/postgres" "$(docker image inspect -f '{{.Id}}' "$rootfs_image")"

ctx=$build/cloudsuite
mkdir -p "$ctx/contacts"
CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$ctx/cloudsuite" ./cmd/cloudsuite
cp "$here/cloudsuite/Dockerfile" "$ctx/Dockerfile"
touch "$ctx/contacts/.keep"
build_if_changed drill/cloudsuite:dev "$ctx"
