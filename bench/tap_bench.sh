#!/bin/bash
# The TAP benchmark: goodput kernel->tcpkit and tcpkit->kernel (BYTES each)
# and connections per second (CONNS connections from a kernel client,
# bench/tap_conns.c, with 1 and with 16 in flight at once; TK_BENCH_PARALLEL
# lists the values), for tcpkit over TAP without and with --offload (NET-7:
# checksum offload and TSO both ways), and the same between two kernel
# namespaces over veth, measured interleaved: every repetition runs each
# tcpkit binary in each mode and then the kernels. Connections are measured
# twice: "cpsP", the server closes first (tcpkit's `serve close`, the
# kernel's `tap_conns serve`: accept and close at once, the server keeps the
# TIME_WAIT), and "cpsPc", the client closes first (tcpkit's echo, the
# kernel's `tap_conns serve PORT wait-eof`; the client keeps the TIME_WAIT).
# The ratios are taken within a repetition against its own veth figure;
# min/median/max over the repetitions are printed. Everything runs in
# namespaces this script creates (198.18.0.0/24) and removes on exit. Needs
# root and Release builds:
#   cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release -DTK_TESTS=OFF
#   cmake --build build-rel --target tcpkit_cli
#   bench/tap_bench.sh build-rel/tcpkit [BYTES] [CONNS]
# BYTES 0 measures connections only. Environment: TK_BENCH_REPS (3),
# TK_BENCH_MODES ("plain offload"; "busy" is --offload with --busy-poll 200:
# the loop spins instead of sleeping; "xdp" and "dpdk" run tcpkit's drivers
# for real NICs on one end of a veth pair instead of TAP: AF_XDP in generic
# mode, DPDK over its af_packet device without hugepages, the kernel's end
# sending plain frames as a NIC's wire carries them: no TSO, GSO, GRO or
# checksum offload), and TK_BENCH_OTHER=NAME=BINARY to compare a second
# binary (an older build) in the same run.
set -u
BIN=${1:?usage: tap_bench.sh TCPKIT_BINARY [BYTES] [CONNS]}
BYTES=${2:-1073741824}
CONNS=${3:-2000}
REPS=${TK_BENCH_REPS:-3}
MODES=${TK_BENCH_MODES:-plain offload}
BINS=("new=$BIN")
[ -n "${TK_BENCH_OTHER:-}" ] && BINS=("${TK_BENCH_OTHER}" "new=$BIN")
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/tap_lib.sh"
PEER="/usr/bin/python3 $HERE/tap_peer.py"
PARALLEL=${TK_BENCH_PARALLEL:-1 16}
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
cps() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }

# The veth pair of the NIC modes: the kernel's end tk-k (198.18.0.1), tcpkit's
# tk-t (no address; tcpkit answers with its own MAC on it).
nic_veth() {
    ip netns exec $NS_T ip link add tk-k type veth peer name tk-t || exit 1
    for i in tk-k tk-t; do
        ip netns exec $NS_T sysctl -qw "net.ipv6.conf.$i.disable_ipv6=1"
        ip netns exec $NS_T ethtool -K $i tso off gso off gro off tx off rx off >/dev/null 2>&1
    done
    ip netns exec $NS_T ip link set tk-t address 02:74:6b:12:00:02
    ip netns exec $NS_T ip addr add 198.18.0.1/24 dev tk-k
    ip netns exec $NS_T ip link set tk-k up
    ip netns exec $NS_T ip link set tk-t up
}

# tcpkit: TK_RUN DEVICE-ARGS... -- SERVE-ARGS... serves in the background
# on TAP (--tap tk0) or on the NIC modes' veth; sets SPID.
tk_serve() {
    local dev=()
    while [ "$1" != "--" ]; do dev+=("$1"); shift; done
    shift
    [ "${dev[0]}" = --tap ] || nic_veth
    ip netns exec $NS_T timeout --preserve-status 900 "$TK_RUN" serve "${dev[@]}" \
        --addr 198.18.0.2/24 "$@" >"$WORK/serve.out" 2>"$WORK/serve.err" &
    local tpid=$!
    PIDS+=($tpid)
    [ "${dev[0]}" = --tap ] && tap_wait_up $NS_T
    sleep 0.2
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
    ip netns exec $NS_T ip link del tk-k 2>/dev/null
}

# One measurement of tcpkit: NAME MODE; appends "name mode measure value".
run_tcpkit() {
    local name=$1 mode=$2 flags=(--tap tk0) r
    [ "$mode" = offload ] && flags+=(--offload)
    [ "$mode" = busy ] && flags+=(--offload --busy-poll 200)
    [ "$mode" = xdp ] && flags=(--xdp tk-t)
    [ "$mode" = dpdk ] && flags=(--dpdk "--no-huge -m 256 --no-pci --no-shconf --file-prefix tkb$$ \
--vdev=net_af_packet0,iface=tk-t")
    flags+=(--)
    if [ "$BYTES" != 0 ]; then
        tk_serve "${flags[@]}" discard --port 9
        r=$(ip netns exec $NS_T timeout 600 $PEER send 198.18.0.2 9 "$BYTES")
        echo "$name $mode in $(mbps "$BYTES" "$(field seconds "$r")")" >>"$RES"
        tk_stop
        tk_serve "${flags[@]}" chargen --port 19
        r=$(ip netns exec $NS_T timeout 600 $PEER recv 198.18.0.2 19 "$BYTES")
        echo "$name $mode out $(mbps "$BYTES" "$(field seconds "$r")")" >>"$RES"
        tk_stop
    fi
    # As many sockets and TIME_WAIT entries as the kernel would keep
    # (tcp_max_tw_buckets 262144), so neither side skips a TIME_WAIT.
    tk_serve "${flags[@]}" --sockets 1024 --time-wait 262144 close --port 7
    conns_runs $NS_T "$name $mode" 7 ""
    tk_stop
    tk_serve "${flags[@]}" --sockets 1024 --time-wait 262144 echo --port 8
    conns_runs $NS_T "$name $mode" 8 c
    tk_stop
}

# Connections per second from NS to PORT, once per PARALLEL value; SUFFIX
# c: the client closes first. Appends "LABEL cpsP[c] value" (0 when a
# connection failed).
conns_runs() {
    local ns=$1 label=$2 port=$3 sfx=$4 p r how=()
    [ "$sfx" = c ] && how=(client-first)
    for p in $PARALLEL; do
        if r=$(ip netns exec "$ns" timeout 600 "$CONNS_BIN" connect 198.18.0.2 "$port" "$CONNS" "$p" \
            "${how[@]}"); then
            echo "$label cps$p$sfx $(cps "$CONNS" "$(field seconds "$r")")" >>"$RES"
        else
            echo "tap_bench: $label, $p in flight: $r" >&2
            echo "$label cps$p$sfx 0" >>"$RES"
        fi
    done
}

run_veth() {
    local r
    if [ "$BYTES" != 0 ]; then
        r=$(ip netns exec $NS_A timeout 600 $PEER send 198.18.0.2 9 "$BYTES")
        echo "kernel veth in $(mbps "$BYTES" "$(field seconds "$r")")" >>"$RES"
        r=$(ip netns exec $NS_A timeout 600 $PEER recv 198.18.0.2 19 "$BYTES")
        echo "kernel veth out $(mbps "$BYTES" "$(field seconds "$r")")" >>"$RES"
    fi
    conns_runs $NS_A "kernel veth" 7 ""
    conns_runs $NS_A "kernel veth" 8 c
}

WORK=$(mktemp -d /tmp/tk-bench.XXXXXX)
CONNS_BIN=$WORK/tap_conns
cc -O2 -o "$CONNS_BIN" "$HERE/tap_conns.c" || exit 1
ip netns add $NS_T
ip netns exec $NS_T ip link set lo up
ip netns add $NS_A
ip netns add $NS_B
# The kernel clients of every repetition and mode share one namespace each:
# after about 14,000 connections in a minute their ports sit in TIME_WAIT and
# connect() slows to a crawl (7-8 s for 2000, any tcpkit binary). Reusing
# TIME_WAIT ports for new connections (RFC 6191 with timestamps) keeps the
# figure about the server; set the same on both client sides. When the
# client closes first it keeps a TIME_WAIT per connection, and connect()
# searches for a free port among them (__inet_hash_connect): with the
# default 28,232 ports that search was most of the client's time and both
# servers measured the client (1.0-1.1x); all 64,512 ports make it cheap.
for ns in $NS_T $NS_A; do
    ip netns exec $ns sysctl -qw net.ipv4.tcp_tw_reuse=1
    ip netns exec $ns sysctl -qw net.ipv4.ip_local_port_range="1024 65535"
done
ip link add tkva-$$ netns $NS_A type veth peer name tkvb-$$ netns $NS_B
ip netns exec $NS_A ip addr add 198.18.0.1/24 dev tkva-$$
ip netns exec $NS_B ip addr add 198.18.0.2/24 dev tkvb-$$
for ns in $NS_A $NS_B; do
    ip netns exec $ns ip link set lo up
    ip netns exec $ns ip link set tkva-$$ up 2>/dev/null
    ip netns exec $ns ip link set tkvb-$$ up 2>/dev/null
done
for m in discard:9 chargen:19; do
    ip netns exec $NS_B timeout 3600 $PEER serve "${m%%:*}" "${m##*:}" &
    PIDS+=($!)
done
ip netns exec $NS_B timeout 3600 "$CONNS_BIN" serve 7 &
PIDS+=($!)
ip netns exec $NS_B timeout 3600 "$CONNS_BIN" serve 8 wait-eof &
PIDS+=($!)
sleep 0.5

for rep in $(seq 1 "$REPS"); do
    RES=$WORK/rep$rep
    : >"$RES"
    for b in "${BINS[@]}"; do
        TK_RUN=${b#*=}
        for mode in $MODES; do run_tcpkit "${b%%=*}" "$mode"; done
    done
    run_veth
    echo "rep $rep: $(tr '\n' ';' <"$RES")" >&2
done

# min/median/max of a list of numbers on stdin.
stats() { sort -g | awk '{ v[NR] = $1 } END { printf "%10.3f %10.3f %10.3f", v[1], v[int((NR + 1) / 2)], v[NR] }'; }
echo "TAP benchmark: $BYTES bytes, $CONNS connections, $REPS repetitions (min median max)"
printf '%-30s %-6s %32s %32s\n' "tcpkit" "meas" "value (Mbit/s, conns/s)" "ratio to kernel/veth"
MEASURES="in out"
[ "$BYTES" = 0 ] && MEASURES=
for m in $MEASURES $(for p in $PARALLEL; do echo "cps$p cps${p}c"; done); do
    for r in "$WORK"/rep*; do awk -v m=$m '$1 == "kernel" && $3 == m { print $4 }' "$r"; done |
        stats | xargs printf '%-30s %-6s %10s %10s %10s\n' "kernel/veth" "$m"
    for b in "${BINS[@]}"; do
        for mode in $MODES; do
            vals=$(for r in "$WORK"/rep*; do
                awk -v n="${b%%=*}" -v md="$mode" -v m=$m '$1 == n && $2 == md && $3 == m { print $4 }' "$r"
            done | stats)
            ratios=$(for r in "$WORK"/rep*; do
                awk -v n="${b%%=*}" -v md="$mode" -v m=$m '$3 == m && $1 == n && $2 == md { t = $4 }
                    $3 == m && $1 == "kernel" { k = $4 } END { printf "%.4f\n", t / k }' "$r"
            done | stats)
            printf '%-30s %-6s %s %s\n' "${b%%=*} $mode" "$m" "$vals" "$ratios"
        done
    done
done
rm -rf "$WORK"
