#!/bin/bash
# Builds the maria-tenants example stack's image without a registry:
#   drill/mariadb:10.11   Debian's MariaDB 10.11 (mariadb-server, mariadb-backup, mariadb-client)
#                         on a rootfs made by mmdebstrap (docker import), plus images/mariadb
#                         (entrypoint drill-maria: binary log on, base backups, point-in-time side
#                         server, per-tenant copy, whole-server restore).
# Idempotent: the rootfs is made only when its image is absent, and the image is rebuilt only
# when the hash of its build context (label drill.context-hash) changed. Build outputs go to
# stacks/maria-tenants/images/build/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/../.."

here=stacks/maria-tenants/images
build=$here/build
rootfs_image=drill/debian-mariadb-rootfs:bookworm
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
	command -v mmdebstrap >/dev/null || { log "mmdebstrap is needed (apt-get install mmdebstrap)"; exit 1; }
	if [ ! -s "$build/rootfs.tar" ]; then
		log "making the Debian rootfs with mmdebstrap (about 2 min)"
		mmdebstrap --quiet --variant=apt --include=mariadb-server,mariadb-backup,mariadb-client,bash,util-linux,procps \
			--customize-hook='rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*' \
			bookworm "$build/rootfs.tar.partial"
		mv "$build/rootfs.tar.partial" "$build/rootfs.tar"
	fi
	docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
		"$build/rootfs.tar" "$rootfs_image" >/dev/null
	rm -f "$build/rootfs.tar"
fi
build_if_changed drill/mariadb:10.11 "$here/mariadb" "$(docker image inspect -f '{{.Id}}' "$rootfs_image")"
