#!/usr/bin/env bash
# make kube-down: stops every process make kube-up started (by the pids in $KUBE_STATE/pids, and
# the containerd shims serving its socket), its pods' containers and network namespaces, removes
# its interfaces, routes and iptables rules, unmounts and removes $KUBE_STATE and the claims'
# host-path directories. Docker, its containerd and its containers are not touched.
# Safe to run twice, and on a half-started cluster. KUBE_DOWN_KEEP_LOGS=1 keeps $KUBE_STATE/logs.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=env.sh
. "$here/env.sh"

S=$KUBE_STATE
B=$KUBE_BIN
sock=$S/containerd/containerd.sock
t0=$SECONDS
log() { echo "kube-down [$((SECONDS - t0))s]: $*"; }
((EUID == 0)) || { echo "kube-down: run as root" >&2; exit 1; }

pid_of() { [[ -f $S/pids/$1.pid ]] && cat "$S/pids/$1.pid"; }
stop() { # NAME...: TERM, up to 15 s, then KILL
	local name pid
	for name in "$@"; do
		pid=$(pid_of "$name") || continue
		if kill -0 "$pid" 2>/dev/null; then
			kill -TERM "$pid" 2>/dev/null
			for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
			kill -0 "$pid" 2>/dev/null && { log "$name did not stop: KILL"; kill -KILL "$pid" 2>/dev/null; }
			log "stopped $name ($pid)"
		fi
		rm -f "$S/pids/$name.pid"
	done
}

# The network namespaces of the cluster's pod sandboxes, named in its containerd's records: read
# now, before any record is removed below, and again at the end. Reading them only at the end
# once missed CoreDNS's namespace after make test-kube (its record gone, the namespace left).
pod_netns() {
	[[ -d $S/containerd ]] || return 0
	grep -rahoE '/var/run/netns/cni-[0-9a-f-]+' "$S/containerd/root" "$S/containerd/state" 2>/dev/null
}
netns=$(pod_netns)

if [[ -d $S/pids ]]; then
	# No new pods from here on.
	stop kube-controller-manager kube-scheduler
	# The kubelet, still running, stops every pod (containers, sandboxes, their CNI networking).
	pid=$(pid_of kubelet) && kill -0 "$pid" 2>/dev/null && [[ -x $B/kubectl ]] && {
		kc=("$B/kubectl" --kubeconfig "$S/admin.kubeconfig" --request-timeout 10s)
		"${kc[@]}" delete pods --all --all-namespaces --grace-period=0 --force --wait=false >/dev/null 2>&1
		for _ in $(seq 60); do
			n=$(/usr/bin/ctr --address "$sock" --namespace k8s.io tasks ls -q 2>/dev/null | wc -l)
			((n == 0)) && break
			sleep 0.5
		done
		log "pods stopped"
	}
	stop kubelet kube-proxy api-relay kube-apiserver etcd
	# Whatever is left in the cluster's containerd: kill its tasks, remove its containers.
	if [[ -S $sock ]]; then
		ctr=(/usr/bin/ctr --address "$sock" --namespace k8s.io)
		for id in $("${ctr[@]}" tasks ls -q 2>/dev/null); do "${ctr[@]}" tasks kill -s KILL "$id" >/dev/null 2>&1; done
		sleep 1
		for id in $("${ctr[@]}" tasks ls -q 2>/dev/null); do "${ctr[@]}" tasks delete -f "$id" >/dev/null 2>&1; done
		for id in $("${ctr[@]}" containers ls -q 2>/dev/null); do "${ctr[@]}" containers delete "$id" >/dev/null 2>&1; done
	fi
	stop containerd
fi

# The shims of the cluster's containerd (their command line names its socket); never Docker's.
if [[ -n $S ]]; then
	for p in /proc/[0-9]*; do
		cmd=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
		if [[ $cmd == *containerd-shim* && $cmd == *"-address $sock "* ]]; then
			kill -KILL "${p#/proc/}" 2>/dev/null && log "killed shim ${p#/proc/}"
		fi
	done
fi

# Network namespaces the cluster's pods left: those named at the start, and any named since.
for ns in $(printf '%s\n' "$netns" "$(pod_netns)" | sort -u); do
	[[ -e $ns ]] && ip netns delete "$(basename "$ns")" 2>/dev/null && log "removed netns $(basename "$ns")"
done

# Mounts under the state directory, deepest first.
if [[ -d $S ]]; then
	awk -v s="$S" '$5 == s || index($5, s "/") == 1 {print $5}' /proc/self/mountinfo | sort -r | while read -r m; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
fi

# kube-proxy's rules (it removes its own), then any KUBE-/CNI- chain left, then ours.
if [[ -x $B/kube-proxy ]] && iptables-save 2>/dev/null | grep -q '^:KUBE-'; then
	"$B/kube-proxy" --cleanup >/dev/null 2>&1 && log "kube-proxy rules removed"
fi
for ipt in iptables ip6tables; do
	for table in filter nat mangle; do
		chains=$($ipt -t $table -S 2>/dev/null | awk '$1 == "-N" && ($2 ~ /^KUBE-/ || $2 ~ /^CNI-/) {print $2}')
		[[ -z $chains ]] && continue
		# Remove the jumps into them, then flush and delete them.
		$ipt -t $table -S 2>/dev/null | grep -E -- '-j (KUBE|CNI)-' | grep -vE '^-A (KUBE|CNI)-' | while read -r rule; do
			eval "$ipt -t $table ${rule/-A /-D }" 2>/dev/null
		done
		for c in $chains; do $ipt -t $table -F "$c" 2>/dev/null; done
		for c in $chains; do $ipt -t $table -X "$c" 2>/dev/null; done
	done
done
while iptables -S FORWARD 2>/dev/null | grep -q 'drill-kube'; do
	rule=$(iptables -S FORWARD 2>/dev/null | grep 'drill-kube' | head -1)
	eval "iptables ${rule/-A /-D }" 2>/dev/null || break
done

# Interfaces (their routes go with them): the bridge, the dummy, the pods' veths on the bridge.
if [[ -e /sys/class/net/$KUBE_BRIDGE ]]; then
	for v in /sys/class/net/$KUBE_BRIDGE/brif/*; do [[ -e $v ]] && ip link delete "$(basename "$v")" 2>/dev/null; done
	ip link delete "$KUBE_BRIDGE" && log "removed $KUBE_BRIDGE"
fi
[[ -e /sys/class/net/$KUBE_DUMMY ]] && ip link delete "$KUBE_DUMMY" && log "removed $KUBE_DUMMY"

# The kubelet's cgroups (empty once the pods are gone) and its log links.
for d in /sys/fs/cgroup/*/kubepods; do
	[[ -d $d ]] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
done
find /var/log/containers -maxdepth 1 -type l -lname "$S/*" -delete 2>/dev/null
rmdir /var/log/containers 2>/dev/null # the kubelet made it; only when empty

# State: the claims' directories (the host-path provisioner's), then the state directory.
rm -rf /tmp/hostpath_pv /tmp/hostpath-provisioner
if [[ -d $S ]]; then
	if [[ -n ${KUBE_DOWN_KEEP_LOGS:-} ]]; then
		find "$S" -mindepth 1 -maxdepth 1 ! -name logs -exec rm -rf {} + 2>/dev/null
	else
		rm -rf "$S"
	fi
	log "removed $S"
fi
log "down"
