#!/bin/bash
# In one process against the kernel's loopback (issue "Speed ... one stack
# per core", acceptance 3): `tcpkit bench sim` moves BYTES between two
# tcpkit stacks in one process (copy API and zero-copy API, both printed by
# the bench), and iperf3 moves data over the Linux kernel's loopback in a
# namespace this script creates (lo only; removed on exit) with MSS 1448
# (-M 1448, the segment size of tcpkit's 1500-byte link) for SECONDS.
# Interleaved, REPS times. The figure compared is goodput per CPU-second:
# bits moved / (user + system CPU time of every process involved: tcpkit's
# one process; iperf3's client and server, whose system time includes the
# kernel's TCP/IP work on loopback). Prints each run and min / median / max
# of both and of the ratios tcpkit / Linux.
# Needs root (the namespace), iperf3 (scripts/install-deps.sh check) and a
# Release build:
#   cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release -DTK_TESTS=OFF
#   cmake --build build-rel --target tcpkit_cli
#   bench/loopback_bench.sh build-rel/tcpkit [REPS] [SECONDS] [BYTES]
set -u
BIN=${1:?usage: loopback_bench.sh TCPKIT_BINARY [REPS] [SECONDS] [BYTES]}
REPS=${2:-5}
SECS=${3:-5}
BYTES=${4:-1073741824}
NS=tk-bench-lo-$$
cleanup() {
    [ -n "${SRV:-}" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null
    ip netns del $NS 2>/dev/null
    rm -rf "${WORK:-/nonexistent}"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
[ "$(id -u)" = 0 ] || { echo "loopback_bench: needs root" >&2; exit 77; }
command -v iperf3 >/dev/null || { echo "loopback_bench: iperf3 missing" >&2; exit 2; }
WORK=$(mktemp -d /tmp/tk-lo-bench.XXXXXX)
ip netns add $NS
ip netns exec $NS ip link set lo up

# Linux: one iperf3 run; prints "GBITS_PER_CPU_S GBITS_PER_S".
linux_run() {
    ip netns exec $NS /usr/bin/time -f "%U %S" -o "$WORK/srv.time" iperf3 -s -1 -B 127.0.0.1 \
        -p 5201 >/dev/null 2>&1 &
    SRV=$!
    sleep 0.3
    ip netns exec $NS /usr/bin/time -f "%U %S" -o "$WORK/cli.time" iperf3 -c 127.0.0.1 -p 5201 \
        -M 1448 -t "$SECS" -J >"$WORK/cli.json" 2>/dev/null
    wait "$SRV"
    SRV=
    python3 - "$WORK/cli.json" "$WORK/srv.time" "$WORK/cli.time" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
s = j["end"]["sum_received"]
cpu = sum(float(x) for f in sys.argv[2:] for x in open(f).read().split()[:2])
print("%.3f %.3f" % (s["bytes"] * 8 / cpu / 1e9, s["bits_per_second"] / 1e9))
PY
}

# tcpkit: one bench run; prints "COPY_PER_CPU_S COPY_WALL ZC_PER_CPU_S ZC_WALL" in Gbit/s.
# With --loopback the simulated link is a loopback as Linux's lo is: 64 KiB
# segments pass whole and no checksum is computed (tcpkit bench sim --help).
tcpkit_run() {
    "$BIN" bench sim --bytes "$BYTES" --conns 100 --time-wait 100 "$@" 2>/dev/null |
        awk '/^  goodput/ { printf "%s %s ", $5, $2 } END { print "" }'
}

printf 'run  linux per CPU-s (wall)   tcpkit copy (wall)   zero-copy (wall)   loopback link: copy (wall)   zero-copy (wall)\n'
: >"$WORK/all"
for i in $(seq 1 "$REPS"); do
    t=$(tcpkit_run)
    o=$(tcpkit_run --loopback)
    l=$(linux_run)
    read -r tc tcw tz tzw <<<"$t"
    read -r oc ocw oz ozw <<<"$o"
    read -r lc lw <<<"$l"
    printf '%3d  %6s (%s)      %6s (%s)      %6s (%s)    %6s (%s)              %6s (%s)\n' "$i" \
        "$lc" "$lw" "$tc" "$tcw" "$tz" "$tzw" "$oc" "$ocw" "$oz" "$ozw"
    echo "$lc $tc $tz $oc $oz" >>"$WORK/all"
done
python3 - "$WORK/all" <<'PY'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
def mmm(v):
    return "%.2f / %.2f / %.2f" % (min(v), statistics.median(v), max(v))
lin = [r[0] for r in rows]
print("per CPU-second, min / median / max (Gbit/s): linux %s, tcpkit copy %s, tcpkit zero-copy %s,"
      " loopback link copy %s, zero-copy %s"
      % (mmm(lin), mmm([r[1] for r in rows]), mmm([r[2] for r in rows]),
         mmm([r[3] for r in rows]), mmm([r[4] for r in rows])))
print("ratio tcpkit / linux per run: copy %s, zero-copy %s; loopback link: copy %s, zero-copy %s"
      % (mmm([r[1] / r[0] for r in rows]), mmm([r[2] / r[0] for r in rows]),
         mmm([r[3] / r[0] for r in rows]), mmm([r[4] / r[0] for r in rows])))
PY
