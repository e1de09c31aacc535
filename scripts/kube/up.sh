#!/usr/bin/env bash
# make kube-up: a single-node Kubernetes cluster as host processes, the way
# hack/local-up-cluster.sh runs one: containerd (Debian's, a separate instance with its own root,
# state and socket), etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubelet,
# kube-proxy (iptables mode), CNI bridge networking (Debian's plugins) and CoreDNS as a pod.
# Builds what is missing first (build.sh). Certificates and kubeconfigs are made here (openssl).
# Waits until the node is Ready and CoreDNS answers, then prints the admin kubeconfig's path.
# Everything lives under $KUBE_STATE (default /var/tmp/drill-kube); scripts/kube/down.sh stops it
# and removes it. Runs as root (it makes interfaces, routes and iptables rules).
set -eEuo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=env.sh
. "$here/env.sh"

S=$KUBE_STATE
NODE=drill-node
GW=${KUBE_POD_CIDR%.*/*}; GW=${GW%.*}.0.1 # 10.244.0.1: the bridge's address, the node's address
POD_SUBNET=${GW%.*}.0/24                   # the node's share of the pod CIDR
API_PORT=6443
t0=$SECONDS
log() { echo "kube-up [$((SECONDS - t0))s]: $*"; }
started=false # once true, a failure stops what has started (down.sh)
die() {
	echo "kube-up: $*" >&2
	if $started; then
		trap - ERR
		echo "kube-up: logs in $S/logs; stopping what started" >&2
		KUBE_DOWN_KEEP_LOGS=1 "$here/down.sh" >&2 || true
	fi
	exit 1
}

# --- preflight ---------------------------------------------------------------------------------
((EUID == 0)) || die "run as root (it makes a bridge, routes and iptables rules)"
need=()
for f in /usr/bin/containerd /usr/bin/ctr /usr/sbin/runc /usr/lib/cni/bridge /usr/lib/cni/host-local \
	/usr/lib/cni/portmap /usr/lib/cni/loopback; do
	[[ -x $f ]] || need+=("$f")
done
for c in openssl ip iptables docker flock; do command -v "$c" >/dev/null || need+=("$c"); done
((${#need[@]} == 0)) || die "missing ${need[*]}: apt-get install containerd runc containernetworking-plugins iptables iproute2 openssl"

if [[ -f $S/pids/kube-apiserver.pid ]] && kill -0 "$(cat "$S/pids/kube-apiserver.pid")" 2>/dev/null; then
	log "already up"
	echo "$S/admin.kubeconfig"
	exit 0
fi
[[ -e $S/pids ]] && die "$S holds an earlier cluster's state: make kube-down first"
rm -rf "$S" # the logs of a start that failed

"$here/build.sh" >/dev/null
B=$KUBE_BIN
"$here/netcheck.sh" --before-setup || die "the cluster's CIDRs overlap a network here; set DRILL_KUBE_POD_CIDR / DRILL_KUBE_SERVICE_CIDR"

mkdir -p "$S"/{pids,logs,pki,etcd,kubelet,pod-logs,cni/net.d,cni/ipam,containerd/root,containerd/state,manifests}
if [[ -z ${DRILL_HEAVY_LOCKED:-} ]]; then # one heavy job at a time on this machine
	exec 9>/tmp/drill-heavy.lock
	log "waiting for /tmp/drill-heavy.lock"
	flock 9
fi
waited=$((SECONDS - t0))
t0=$SECONDS # the start's own time from here
export DRILL_HEAVY_LOCKED=1 # images.sh, run from here, does not wait for the lock this holds

# On any failure from here on, leave nothing running.
started=true
trap 'die "failed at line $LINENO"' ERR

# --- network: the bridge and the dummy interface, their routes, then the check -----------------
log "network: $KUBE_BRIDGE ($KUBE_POD_CIDR, node $GW) and $KUBE_DUMMY ($KUBE_SERVICE_CIDR)"
ip link add "$KUBE_BRIDGE" type bridge
ip addr add "$GW/24" dev "$KUBE_BRIDGE"
ip link set "$KUBE_BRIDGE" up
ip route add "$KUBE_POD_CIDR" dev "$KUBE_BRIDGE"
# A dummy interface; where the kernel has no dummy driver (this machine's has no modules), a
# bridge without ports does the same: what is routed to it goes nowhere.
ip link add "$KUBE_DUMMY" type dummy 2>/dev/null || ip link add "$KUBE_DUMMY" type bridge
ip link set "$KUBE_DUMMY" up
ip route add "$KUBE_SERVICE_CIDR" dev "$KUBE_DUMMY"
# Pods talk to each other, to services and to this host; nothing they send is forwarded off the
# bridge (the rules go first in FORWARD, before Docker's, whose policy is DROP).
iptables -I FORWARD 1 -d "$KUBE_POD_CIDR" ! -i "$KUBE_BRIDGE" -m comment --comment drill-kube -j DROP
iptables -I FORWARD 1 -s "$KUBE_POD_CIDR" ! -o "$KUBE_BRIDGE" -m comment --comment drill-kube -j DROP
iptables -I FORWARD 1 -i "$KUBE_BRIDGE" -o "$KUBE_BRIDGE" -m comment --comment drill-kube -j ACCEPT
"$here/netcheck.sh" || die "routes not in place: refusing to start"

# --- certificates and kubeconfigs --------------------------------------------------------------
log "certificates"
P=$S/pki
ossl() { openssl "$@" 2>>"$S/logs/openssl.log"; }
ossl ecparam -name prime256v1 -genkey -noout -out "$P/ca.key"
ossl req -x509 -new -key "$P/ca.key" -subj "/CN=drill-kube-ca" -days 30 -out "$P/ca.crt" \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"
ossl ecparam -name prime256v1 -genkey -noout -out "$P/sa.key"
ossl ec -in "$P/sa.key" -pubout -out "$P/sa.pub"
# cert NAME SUBJECT USAGE [SAN]
cert() {
	local name=$1 subj=$2 usage=$3 san=${4:-}
	ossl ecparam -name prime256v1 -genkey -noout -out "$P/$name.key"
	ossl req -new -key "$P/$name.key" -subj "$subj" -out "$P/$name.csr"
	{
		echo "basicConstraints=critical,CA:FALSE"
		echo "keyUsage=critical,digitalSignature,keyEncipherment"
		echo "extendedKeyUsage=$usage"
		[[ -n $san ]] && echo "subjectAltName=$san"
	} >"$P/$name.ext"
	ossl x509 -req -in "$P/$name.csr" -CA "$P/ca.crt" -CAkey "$P/ca.key" -CAcreateserial -days 30 \
		-extfile "$P/$name.ext" -out "$P/$name.crt"
	rm -f "$P/$name.csr" "$P/$name.ext"
}
cert apiserver "/CN=kube-apiserver" serverAuth \
	"IP:127.0.0.1,IP:$GW,IP:$KUBE_API_IP,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.$KUBE_CLUSTER_DOMAIN"
cert kubelet-serving "/CN=system:node:$NODE/O=system:nodes" serverAuth "IP:$GW,IP:127.0.0.1,DNS:$NODE"
cert apiserver-kubelet-client "/CN=kube-apiserver-kubelet-client" clientAuth
cert admin "/CN=drill-admin/O=system:masters" clientAuth
cert controller-manager "/CN=system:kube-controller-manager" clientAuth
cert scheduler "/CN=system:kube-scheduler" clientAuth
cert kubelet "/CN=system:node:$NODE/O=system:nodes" clientAuth
cert kube-proxy "/CN=system:kube-proxy" clientAuth
chmod 600 "$P"/*.key

kubeconfig() { # NAME USER
	cat >"$S/$1.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: drill-kube
  cluster:
    certificate-authority: $P/ca.crt
    server: https://127.0.0.1:$API_PORT
users:
- name: $2
  user:
    client-certificate: $P/$2.crt
    client-key: $P/$2.key
contexts:
- name: drill-kube
  context:
    cluster: drill-kube
    user: $2
current-context: drill-kube
EOF
}
for u in admin controller-manager scheduler kubelet kube-proxy; do kubeconfig "$u" "$u"; done

# run NAME COMMAND...: a host process in a session of its own, its pid in $S/pids/NAME.pid
run() {
	local name=$1
	shift
	setsid "$@" >"$S/logs/$name.log" 2>&1 </dev/null 9>&- &
	echo $! >"$S/pids/$name.pid"
}
# wait_for WHAT SECONDS COMMAND...
wait_for() {
	local what=$1 limit=$2
	shift 2
	local start=$SECONDS
	until "$@" >/dev/null 2>&1; do
		if ((SECONDS - start > limit)); then
			echo "kube-up: $what not ready after ${limit}s" >&2
			return 1
		fi
		sleep 0.5
	done
	log "$what ready ($((SECONDS - start))s)"
}
alive() { kill -0 "$(cat "$S/pids/$1.pid")"; }
KC="$B/kubectl --kubeconfig $S/admin.kubeconfig"

# --- containerd --------------------------------------------------------------------------------
cat >"$S/containerd/config.toml" <<EOF
version = 2
root = "$S/containerd/root"
state = "$S/containerd/state"
oom_score = 0
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "$S/containerd/containerd.sock"
[ttrpc]
  address = "$S/containerd/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$S/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "drill.local/pause:3.10"
  # root here may not lower oom_score_adj (no CAP_SYS_RESOURCE): clamp what the kubelet asks.
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  disable_apparmor = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "/usr/sbin/runc"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$S/cni/net.d"
    max_conf_num = 1
EOF
log "containerd"
run containerd /usr/bin/containerd --config "$S/containerd/config.toml"
CTR="/usr/bin/ctr --address $S/containerd/containerd.sock --namespace k8s.io"
wait_for containerd 30 $CTR version

# --- images: pause and CoreDNS, from scratch and their static binaries -------------------------
"$here/images.sh" --cluster-images >>"$S/logs/images.log" 2>&1 || die "loading the cluster's images failed: $S/logs/images.log"
log "images pause and coredns loaded"

# --- CNI: bridge + host-local, portmap, loopback (containerd adds lo itself) --------------------
cat >"$S/cni/net.d/10-drill.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "drill-kube",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$KUBE_BRIDGE",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$S/cni/ipam",
        "ranges": [[{"subnet": "$POD_SUBNET", "gateway": "$GW"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF

# --- etcd --------------------------------------------------------------------------------------
log "etcd"
run etcd "$B/etcd" --name drill --data-dir "$S/etcd" \
	--listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
	--listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
	--initial-cluster drill=http://127.0.0.1:2380 --listen-metrics-urls http://127.0.0.1:2381 \
	--quota-backend-bytes 2147483648 --log-level warn
wait_for etcd 30 curl -sf http://127.0.0.1:2381/health

# --- kube-apiserver ----------------------------------------------------------------------------
log "kube-apiserver"
run kube-apiserver "$B/kube-apiserver" \
	--bind-address 127.0.0.1 --secure-port $API_PORT --advertise-address "$GW" \
	--etcd-servers http://127.0.0.1:2379 \
	--service-cluster-ip-range "$KUBE_SERVICE_CIDR" --service-node-port-range 30000-32767 \
	--tls-cert-file "$P/apiserver.crt" --tls-private-key-file "$P/apiserver.key" \
	--client-ca-file "$P/ca.crt" \
	--kubelet-client-certificate "$P/apiserver-kubelet-client.crt" --kubelet-client-key "$P/apiserver-kubelet-client.key" \
	--kubelet-certificate-authority "$P/ca.crt" --kubelet-preferred-address-types InternalIP \
	--service-account-issuer https://kubernetes.default.svc.$KUBE_CLUSTER_DOMAIN \
	--service-account-key-file "$P/sa.pub" --service-account-signing-key-file "$P/sa.key" \
	--authorization-mode Node,RBAC --allow-privileged=true \
	--enable-admission-plugins NodeRestriction --profiling=false --v=1
wait_for kube-apiserver 120 curl -sf --cacert "$P/ca.crt" --cert "$P/admin.crt" --key "$P/admin.key" https://127.0.0.1:$API_PORT/readyz
$KC apply -f "$here/manifests/rbac.yaml" >/dev/null
# Pods reach the API at the advertised address (the bridge's), relayed to 127.0.0.1.
run api-relay "$B/kubeutil" relay "$GW:$API_PORT" "127.0.0.1:$API_PORT"

# --- controller-manager and scheduler ----------------------------------------------------------
# Their secure ports (127.0.0.1) serve /healthz to anyone and nothing else: no delegated
# authentication, which would want a request-header CA this API server does not have.
log "kube-controller-manager, kube-scheduler"
run kube-controller-manager "$B/kube-controller-manager" \
	--kubeconfig "$S/controller-manager.kubeconfig" \
	--bind-address 127.0.0.1 --secure-port 10257 --leader-elect=false \
	--service-account-private-key-file "$P/sa.key" --root-ca-file "$P/ca.crt" \
	--cluster-signing-cert-file "$P/ca.crt" --cluster-signing-key-file "$P/ca.key" \
	--use-service-account-credentials=true --controllers '*' \
	--service-cluster-ip-range "$KUBE_SERVICE_CIDR" --cluster-cidr "$KUBE_POD_CIDR" --allocate-node-cidrs=false \
	--enable-hostpath-provisioner=true \
	--profiling=false --v=1
run kube-scheduler "$B/kube-scheduler" \
	--kubeconfig "$S/scheduler.kubeconfig" \
	--bind-address 127.0.0.1 --secure-port 10259 --leader-elect=false --profiling=false --v=1

# --- kubelet -----------------------------------------------------------------------------------
printf 'search %s\n' "$KUBE_CLUSTER_DOMAIN" >"$S/resolv.conf" # no upstream: nothing resolves off the machine
cat >"$S/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $GW
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
tlsCertFile: $P/kubelet-serving.crt
tlsPrivateKeyFile: $P/kubelet-serving.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $P/ca.crt}
authorization: {mode: Webhook}
containerRuntimeEndpoint: unix://$S/containerd/containerd.sock
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
clusterDNS: [$KUBE_DNS_IP]
clusterDomain: $KUBE_CLUSTER_DOMAIN
resolvConf: $S/resolv.conf
podLogsDir: $S/pod-logs
podCIDR: $POD_SUBNET
maxPods: 60
serializeImagePulls: false
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: 200Mi, nodefs.available: 2%, imagefs.available: 2%}
rotateCertificates: false
serverTLSBootstrap: false
protectKernelDefaults: false
enableDebuggingHandlers: true
EOF
log "kubelet, kube-proxy"
run kubelet "$B/kubelet" --config "$S/kubelet/config.yaml" --kubeconfig "$S/kubelet.kubeconfig" \
	--root-dir "$S/kubelet" --hostname-override "$NODE" --node-ip "$GW" --v=1

cat >"$S/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clientConnection: {kubeconfig: $S/kube-proxy.kubeconfig}
hostnameOverride: $NODE
bindAddress: 127.0.0.1
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
clusterCIDR: $KUBE_POD_CIDR
nodePortAddresses: ["$GW/32"]
iptables: {localhostNodePorts: false, masqueradeAll: false}
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
EOF
run kube-proxy "$B/kube-proxy" --config "$S/kube-proxy.yaml" --v=1

wait_for "node $NODE Ready" 180 bash -c "$KC get node $NODE -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' | grep -qx True"

# --- cluster add-ons: CoreDNS, the default StorageClass ----------------------------------------
log "CoreDNS and the StorageClass"
sed -e "s/@DNS_IP@/$KUBE_DNS_IP/" -e "s/@DOMAIN@/$KUBE_CLUSTER_DOMAIN/" "$here/manifests/coredns.yaml" >"$S/manifests/coredns.yaml"
$KC apply -f "$S/manifests/coredns.yaml" -f "$here/manifests/storageclass.yaml" >/dev/null
wait_for "CoreDNS answers at $KUBE_DNS_IP" 180 "$B/kubeutil" dns "$KUBE_DNS_IP:53" kubernetes.default.svc.$KUBE_CLUSTER_DOMAIN

for p in etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy containerd api-relay; do
	alive "$p" || die "$p exited: $S/logs/$p.log"
done
trap - ERR
log "up: node $NODE Ready, CoreDNS answers; started in $((SECONDS - t0))s (after ${waited}s waiting for the lock)"
echo "$S/admin.kubeconfig"
