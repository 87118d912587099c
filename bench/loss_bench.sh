#!/bin/bash
# The lossy-link benchmark (SPEC DT-12..DT-15): tcpkit's sender against the
# Linux kernel's sender on the same impaired link. tcpkit runs on TAP in a
# namespace this script creates (198.18.0.0/24, removed on exit) with
# `--impair loss=P,delay=20ms[,reorder=2%]` (applied both ways at tcpkit's
# boundary, so 20 ms each way); the kernel's sockets use congestion control
# CC (cubic by default; bench/tap_peer.py sets it per socket). For every point, interleaved, REPS
# times: Linux -> tcpkit (the kernel sends BYTES to tcpkit's discard) and
# tcpkit -> Linux (tcpkit's chargen sends BYTES to the kernel). Prints
# goodput for both and the ratio tcpkit / Linux, min / median / max, then each
# run's figures with the sender's RTOs, tail loss probes, fast recoveries and
# retransmitted segments (the kernel's from nstat in the namespace, tcpkit's
# from its counters) and the machine's load average.
# Needs root and a Release build:
#   cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release -DTK_TESTS=OFF
#   cmake --build build-rel --target tcpkit_cli
#   bench/loss_bench.sh build-rel/tcpkit [BYTES] [REPS] [CC] [POINTS]
# POINTS: space-separated loss percentages (default "0.1 1 5"); each runs
# without and with 2 % reordering. BUFFERS (environment, default 4194304):
# tcpkit's `--buffers`, its send and receive buffers and out-of-order budget,
# as large as the kernel's own grow here (tcp_wmem's and tcp_rmem's maxima:
# 4 MiB and 6 MiB), so neither sender is held back by its own buffer or the
# other's receiver. REORDERS (environment, default "0 2"): the reordering
# percentages each point runs with.
set -u
BIN=${1:?usage: loss_bench.sh TCPKIT_BINARY [BYTES] [REPS] [CC] [POINTS]}
BYTES=${2:-33554432}
REPS=${3:-3}
CC=${4:-cubic}
POINTS=${5:-0.1 1 5}
BUFFERS=${BUFFERS:-4194304}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/tap_lib.sh"
PEER="/usr/bin/python3 $HERE/tap_peer.py"
NS=tk-bench-loss-$$
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    ip netns del $NS 2>/dev/null
    rm -rf "${WORK:-/nonexistent}"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
[ "$(id -u)" = 0 ] || { echo "loss_bench: needs root" >&2; exit 77; }
WORK=$(mktemp -d /tmp/tk-loss-bench.XXXXXX)
ip netns add $NS
ip netns exec $NS ip link set lo up
# Per socket (TCP_CONGESTION as root), so the host's allowed list stays.
export TK_PEER_CC=$CC
grep -qw "$CC" /proc/sys/net/ipv4/tcp_available_congestion_control ||
    { echo "loss_bench: the kernel has no $CC" >&2; exit 1; }

# tcpkit serve APP with the impairment; sets SPID.
serve() {
    local impair=$1
    shift
    ip netns exec $NS timeout --preserve-status 1800 "$BIN" serve --tap tk0 --addr 198.18.0.2/24 \
        --impair "$impair" --buffers "$BUFFERS" "$@" >"$WORK/serve.out" 2>"$WORK/serve.err" &
    local tpid=$!
    PIDS+=($tpid)
    tap_wait_up $NS
    SPID=$(pgrep -P $tpid | head -1)
    PIDS+=($SPID)
    for _ in $(seq 1 30); do
        ip netns exec $NS ping -c 1 -W 1 198.18.0.2 >/dev/null 2>&1 && return 0
    done
    echo "loss_bench: tcpkit does not answer: $(cat "$WORK/serve.err")" >&2
    exit 1
}
# The sender's loss events in the last transfer: RTOs, tail loss probes,
# fast recoveries, retransmitted segments ("rto/tlp/rec/rtx").
KCOUNTERS="TcpExtTCPTimeouts TcpExtTCPLossProbes TcpExtTCPSackRecovery TcpRetransSegs"
kernel_counters() {
    ip netns exec $NS nstat -asz $KCOUNTERS | awk -v names="$KCOUNTERS" '{ v[$1] = $2 }
        END { n = split(names, k); for (i = 1; i <= n; i++) printf "%d ", v[k[i]] }'
}
kernel_events() { # BEFORE AFTER (kernel_counters' output)
    awk -v a="$1" -v b="$2" 'BEGIN { n = split(a, x); split(b, y)
        for (i = 1; i <= n; i++) printf("%s%d", (i > 1 ? "/" : ""), y[i] - x[i]); print "" }'
}
tcpkit_events() {
    kill -USR1 "$SPID" 2>/dev/null
    sleep 0.3
    awk '$1 ~ /^(rto_timeouts|tlp_probes|fast_retransmits|retransmits)$/ { v[$1] = $2 }
        END { printf "%d/%d/%d/%d\n", v["rto_timeouts"], v["tlp_probes"], v["fast_retransmits"], v["retransmits"] }' "$WORK/serve.out"
}
stop() {
    kill -TERM "$SPID" 2>/dev/null
    sleep 0.5
    ip netns exec $NS ip link del tk0 2>/dev/null
}
seconds() { sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<<"$1"; }
mbps() { awk -v b="$BYTES" -v s="$1" 'BEGIN { if (s > 0) printf "%.2f", b * 8 / s / 1e6; else print 0 }'; }
# min / median / max of the numbers on stdin
mmm() { sort -g | awk '{ v[NR] = $1 } END { printf "%s / %s / %s", v[1], v[int((NR + 1) / 2)], v[NR] }'; }

echo "loss_bench: $BYTES bytes each way, $REPS runs, kernel congestion control $CC, tcpkit buffers $BUFFERS"
printf '%-22s %-26s %-26s %s\n' "impairment" "Linux -> tcpkit Mbit/s" "tcpkit -> Linux Mbit/s" "ratio tcpkit / Linux"
for loss in $POINTS; do
    for reorder in ${REORDERS:-0 2}; do
        spec="loss=$loss%,delay=20ms"
        [ "$reorder" = 0 ] || spec="$spec,reorder=$reorder%"
        : >"$WORK/lin"
        : >"$WORK/tk"
        : >"$WORK/ratio"
        : >"$WORK/runs"
        for rep in $(seq 1 "$REPS"); do
            serve "$spec,seed=$rep" discard --port 9
            k0=$(kernel_counters)
            lin=$(mbps "$(seconds "$(ip netns exec $NS timeout 1200 $PEER send 198.18.0.2 9 "$BYTES")")")
            kev=$(kernel_events "$k0" "$(kernel_counters)")
            stop
            serve "$spec,seed=$rep" chargen --port 19
            tk=$(mbps "$(seconds "$(ip netns exec $NS timeout 1200 $PEER recv 198.18.0.2 19 "$BYTES")")")
            tev=$(tcpkit_events)
            stop
            echo "  run $rep: Linux $lin Mbit/s, rto/tlp/rec/rtx $kev; tcpkit $tk Mbit/s, rto/tlp/rec/rtx $tev; load $(cut -d' ' -f1 /proc/loadavg)" >>"$WORK/runs"
            echo "$lin" >>"$WORK/lin"
            echo "$tk" >>"$WORK/tk"
            awk -v a="$tk" -v b="$lin" 'BEGIN { if (b > 0) printf "%.2f\n", a / b; else print 0 }' >>"$WORK/ratio"
        done
        printf '%-22s %-26s %-26s %s\n' "$spec" "$(mmm <"$WORK/lin")" "$(mmm <"$WORK/tk")" "$(mmm <"$WORK/ratio")"
        cat "$WORK/runs"
    done
done
