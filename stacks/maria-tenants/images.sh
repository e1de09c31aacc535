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

. scripts/images-lib.sh

if ! docker image inspect "$rootfs_image" >/dev/null 2>&1; then
	need_mmdebstrap
	if [ ! -s "$build/rootfs.tar" ]; then
		log "making the Debian rootfs with mmdebstrap (about 2 min)"
		mmdebstrap --quiet --format=tar --variant=apt --include=mariadb-server,mariadb-backup,mariadb-client,bash,util-linux,procps \
			--customize-hook='rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*' \
			bookworm "$build/rootfs.tar.partial"
		mv "$build/rootfs.tar.partial" "$build/rootfs.tar"
	fi
	docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
		"$build/rootfs.tar" "$rootfs_image" >/dev/null
	rm -f "$build/rootfs.tar"
fi
build_if_changed drill/mariadb:10.11 "$here/mariadb" "$(docker image inspect -f '{{.Id}}' "$rootfs_image")"
