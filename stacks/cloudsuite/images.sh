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

. scripts/images-lib.sh

if ! docker image inspect "$rootfs_image" >/dev/null 2>&1; then
	need_mmdebstrap
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
