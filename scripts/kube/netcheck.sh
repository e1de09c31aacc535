#!/usr/bin/env bash
# The network rule of drill's local cluster, checked before any cluster process starts (kube-up
# runs it after it has put its interfaces and routes in place, and refuses to go on when it fails):
#   1. the pod and service CIDRs overlap no Docker network and no route of this machine other
#      than the cluster's own;
#   2. `ip route get` for an address in each range (its first, one in the middle and its last)
#      names the cluster's local device (the CNI bridge for pods, the dummy interface for
#      services), never the default route's device.
# Usage: scripts/kube/netcheck.sh [--before-setup]   (--before-setup checks only 1, for a machine
# where the interfaces do not exist yet). Exit status 0 when the rule holds.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=env.sh
. "$here/env.sh"

fail=0
say() { echo "netcheck: $*"; }
bad() {
	echo "netcheck: FAIL: $*" >&2
	fail=1
}

ip2int() {
	local IFS=.
	# shellcheck disable=SC2206
	local o=($1)
	echo $(((o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3]))
}
int2ip() { echo "$((($1 >> 24) & 255)).$((($1 >> 16) & 255)).$((($1 >> 8) & 255)).$(($1 & 255))"; }
# range CIDR -> "first last" as integers
range() {
	local ip=${1%/*} len=${1#*/}
	local n
	n=$(ip2int "$ip")
	local size=$((1 << (32 - len)))
	local first=$((n & ~(size - 1) & 0xffffffff))
	echo "$first $((first + size - 1))"
}
overlaps() {
	local a b
	read -r a1 a2 <<<"$(range "$1")"
	read -r b1 b2 <<<"$(range "$2")"
	((a1 <= b2 && b1 <= a2))
}

# 1. No overlap with Docker's networks, with each other, or with a route not the cluster's.
docker_nets=()
if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
	while read -r net; do
		[[ -n $net ]] && docker_nets+=("$net")
	done < <(docker network ls -q | xargs -r docker network inspect \
		--format '{{range .IPAM.Config}}{{.Subnet}}{{"\n"}}{{end}}' | grep -E '^[0-9.]+/[0-9]+$' || true)
	# Docker's default address pools, from which new networks are carved (172.17.0.0/16 up to
	# 172.31.0.0/16, then 192.168.0.0/16 in /20s).
	docker_nets+=(172.17.0.0/12 192.168.0.0/16)
else
	say "no Docker engine answers; checking routes only"
fi
for cidr in "$KUBE_POD_CIDR" "$KUBE_SERVICE_CIDR"; do
	for net in "${docker_nets[@]}"; do
		if overlaps "$cidr" "$net"; then bad "$cidr overlaps Docker's $net"; fi
	done
done
if overlaps "$KUBE_POD_CIDR" "$KUBE_SERVICE_CIDR"; then bad "pod CIDR $KUBE_POD_CIDR overlaps service CIDR $KUBE_SERVICE_CIDR"; fi
while read -r dst rest; do
	[[ $dst == default || $dst != */* && ! $dst =~ ^[0-9.]+$ ]] && continue
	[[ $dst =~ ^[0-9.]+$ ]] && dst=$dst/32
	dev=$(sed -n 's/.* dev \([^ ]*\).*/\1/p' <<<" $rest")
	[[ $dev == "$KUBE_BRIDGE" || $dev == "$KUBE_DUMMY" ]] && continue
	for cidr in "$KUBE_POD_CIDR" "$KUBE_SERVICE_CIDR"; do
		if overlaps "$cidr" "$dst"; then bad "$cidr overlaps the route $dst dev $dev"; fi
	done
done < <(ip -4 route show table all type unicast | grep -v '^local\|^broadcast' || true)

[[ ${1:-} == --before-setup ]] && { ((fail == 0)) && say "CIDRs $KUBE_POD_CIDR (pods) and $KUBE_SERVICE_CIDR (services) overlap nothing"; exit $fail; }

# 2. Every address in each range routes to the cluster's local device.
defdev=$(ip -4 route show default | sed -n 's/.* dev \([^ ]*\).*/\1/p' | head -1)
check_range() {
	local cidr=$1 want=$2 first last
	read -r first last <<<"$(range "$cidr")"
	# (not the first host address: in the pod range that is the bridge's own, a local address)
	for n in $((first + 2)) $(((first + last) / 2)) $((last - 1)); do
		local addr got
		addr=$(int2ip "$n")
		got=$(ip -4 route get "$addr" 2>/dev/null | sed -n 's/.* dev \([^ ]*\).*/\1/p' | head -1)
		if [[ -z $got ]]; then
			bad "ip route get $addr: no route"
		elif [[ $got == "$defdev" ]]; then
			bad "ip route get $addr names $got, the default route's device"
		elif [[ $got != "$want" ]]; then
			bad "ip route get $addr names $got, not $want"
		elif [[ ! -e /sys/class/net/$got ]] || [[ -e /sys/class/net/$got/device ]]; then
			bad "$got is not a local virtual device"
		fi
	done
}
check_range "$KUBE_POD_CIDR" "$KUBE_BRIDGE"
check_range "$KUBE_SERVICE_CIDR" "$KUBE_DUMMY"
if ((fail == 0)); then
	say "pods $KUBE_POD_CIDR -> $KUBE_BRIDGE, services $KUBE_SERVICE_CIDR -> $KUBE_DUMMY; none via ${defdev:-the default route}; no overlap with Docker"
fi
exit $fail
