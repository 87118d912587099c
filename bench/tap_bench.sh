#!/bin/bash
# The TAP benchmark: goodput kernel->tcpkit (also with --offload, the TAP
# receive offloads) and tcpkit->kernel, 1 GiB each, and connections per
# second (N sequential connect/close pairs from a kernel client); then the
# same between two kernel namespaces over veth, and the ratios. Everything
# runs in namespaces this script creates (198.18.0.0/24)
# and removes on exit. Needs root and a Release build:
#   cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release -DTK_TESTS=OFF
#   cmake --build build-rel --target tcpkit_cli
#   bench/tap_bench.sh build-rel/tcpkit [BYTES] [CONNS]
set -u
BIN=${1:?usage: tap_bench.sh TCPKIT_BINARY [BYTES] [CONNS]}
BYTES=${2:-1073741824}
CONNS=${3:-2000}
HERE=$(cd "$(dirname "$0")" && pwd)
PEER="/usr/bin/python3 $HERE/tap_peer.py"
NS_T=tk-bench-tap-$$
NS_A=tk-bench-a-$$
NS_B=tk-bench-b-$$
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    ip netns del $NS_T 2>/dev/null
    ip netns del $NS_A 2>/dev/null
    ip netns del $NS_B 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' INT TERM
[ "$(id -u)" = 0 ] || { echo "tap_bench: needs root" >&2; exit 77; }

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }
mbps() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", b * 8 / s / 1e6 }'; }

# tcpkit on TAP: serve APP in the background; sets SPID (tcpkit's own pid).
tk_serve() {
    ip netns exec $NS_T timeout --preserve-status 900 "$BIN" serve --tap tk0 \
        --addr 198.18.0.2/24 "$@" >"$WORK/serve.out" 2>"$WORK/serve.err" &
    local tpid=$!
    PIDS+=($tpid)
    for i in $(seq 1 100); do
        ip netns exec $NS_T ip link show tk0 >/dev/null 2>&1 && break
        sleep 0.05
    done
    ip netns exec $NS_T ip addr add 198.18.0.1/24 dev tk0 2>/dev/null
    ip netns exec $NS_T ip link set tk0 up
    SPID=$(pgrep -P $tpid | head -1)
    PIDS+=($SPID)
    for i in $(seq 1 20); do
        ip netns exec $NS_T ping -c 1 -W 1 198.18.0.2 >/dev/null 2>&1 && return 0
    done
    echo "tap_bench: tcpkit does not answer" >&2
    exit 1
}
tk_stop() {
    kill -TERM "$SPID" 2>/dev/null
    sleep 0.8
    ip netns exec $NS_T ip link del tk0 2>/dev/null
}
# frames_in + frames_out from tcpkit's counters (SIGUSR1).
tk_frames() {
    : >"$WORK/serve.out"
    kill -USR1 "$SPID"
    sleep 0.3
    awk '$1 == "frames_in" || $1 == "frames_out" { s += $2 } END { print s + 0 }' "$WORK/serve.out"
}

WORK=$(mktemp -d /tmp/tk-bench.XXXXXX)
ip netns add $NS_T
ip netns exec $NS_T ip link set lo up

# --- tcpkit over TAP ---
tk_serve discard --port 9
f0=$(tk_frames)
r=$(ip netns exec $NS_T timeout 600 $PEER send 198.18.0.2 9 "$BYTES")
f1=$(tk_frames)
tap_in_s=$(field seconds "$r")
tap_in_pps=$(awk -v f=$((f1 - f0)) -v s="$tap_in_s" 'BEGIN { printf "%.0f", f / s }')
tk_stop

# The same with TAP receive offloads: the kernel hands over 64 KiB segments.
tk_serve --offload discard --port 9
f0=$(tk_frames)
r=$(ip netns exec $NS_T timeout 600 $PEER send 198.18.0.2 9 "$BYTES")
f1=$(tk_frames)
off_in_s=$(field seconds "$r")
off_in_fps=$(awk -v f=$((f1 - f0)) -v s="$off_in_s" 'BEGIN { printf "%.0f", f / s }')
tk_stop

tk_serve chargen --port 19
f0=$(tk_frames)
r=$(ip netns exec $NS_T timeout 600 $PEER recv 198.18.0.2 19 "$BYTES")
f1=$(tk_frames)
tap_out_s=$(field seconds "$r")
tap_out_pps=$(awk -v f=$((f1 - f0)) -v s="$tap_out_s" 'BEGIN { printf "%.0f", f / s }')
tk_stop

tk_serve echo --port 7
r=$(ip netns exec $NS_T timeout 600 $PEER conns 198.18.0.2 7 "$CONNS")
tap_cps=$(awk -v n="$CONNS" -v s="$(field seconds "$r")" 'BEGIN { printf "%.0f", n / s }')
tk_stop

# --- kernel to kernel over veth ---
ip netns add $NS_A
ip netns add $NS_B
ip link add tkva-$$ netns $NS_A type veth peer name tkvb-$$ netns $NS_B
ip netns exec $NS_A ip addr add 198.18.0.1/24 dev tkva-$$
ip netns exec $NS_B ip addr add 198.18.0.2/24 dev tkvb-$$
for ns in $NS_A $NS_B; do
    ip netns exec $ns ip link set lo up
    ip netns exec $ns ip link set tkva-$$ up 2>/dev/null
    ip netns exec $ns ip link set tkvb-$$ up 2>/dev/null
done
for m in discard:9 chargen:19 close:7; do
    ip netns exec $NS_B timeout 900 $PEER serve "${m%%:*}" "${m##*:}" &
    PIDS+=($!)
done
sleep 0.5
r=$(ip netns exec $NS_A timeout 600 $PEER send 198.18.0.2 9 "$BYTES")
veth_in_s=$(field seconds "$r")
r=$(ip netns exec $NS_A timeout 600 $PEER recv 198.18.0.2 19 "$BYTES")
veth_out_s=$(field seconds "$r")
r=$(ip netns exec $NS_A timeout 600 $PEER conns 198.18.0.2 7 "$CONNS")
veth_cps=$(awk -v n="$CONNS" -v s="$(field seconds "$r")" 'BEGIN { printf "%.0f", n / s }')

tin=$(mbps "$BYTES" "$tap_in_s")
tout=$(mbps "$BYTES" "$tap_out_s")
vin=$(mbps "$BYTES" "$veth_in_s")
vout=$(mbps "$BYTES" "$veth_out_s")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
printf '%-36s %12s %12s %8s\n' "measure ($BYTES bytes, $CONNS conns)" "tcpkit/TAP" "kernel/veth" "ratio"
printf '%-36s %12s %12s %8s\n' "goodput kernel->tcpkit (Mbit/s)" "$tin" "$vin" "$(ratio "$tin" "$vin")"
oin=$(mbps "$BYTES" "$off_in_s")
printf '%-36s %12s %12s %8s\n' "  the same, tcpkit --offload" "$oin" "$vin" "$(ratio "$oin" "$vin")"
printf '%-36s %12s %12s %8s\n' "goodput tcpkit->kernel (Mbit/s)" "$tout" "$vout" "$(ratio "$tout" "$vout")"
printf '%-36s %12s %12s %8s\n' "connections per second" "$tap_cps" "$veth_cps" "$(ratio "$tap_cps" "$veth_cps")"
printf '%-36s %12s\n' "tcpkit frames/s, kernel->tcpkit" "$tap_in_pps"
printf '%-36s %12s\n' "tcpkit frames/s, kernel->tcpkit --offload" "$off_in_fps"
printf '%-36s %12s\n' "tcpkit frames/s, tcpkit->kernel" "$tap_out_pps"
rm -rf "$WORK"
