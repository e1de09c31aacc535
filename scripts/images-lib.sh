# Shared by the stacks' images.sh scripts (source it): build images without a registry, each
# rebuilt only when the hash of its build context (label drill.context-hash) changed.

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

# need_mmdebstrap stops with the command to run when mmdebstrap is missing.
need_mmdebstrap() {
	command -v mmdebstrap >/dev/null || { log "mmdebstrap is needed: run scripts/deps (it installs it as root with apt) or apt-get install mmdebstrap"; exit 1; }
}
