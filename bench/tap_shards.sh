#!/bin/bash
# One stack per core over a multiqueue TAP interface (NET-8): `tcpkit serve
# --threads T discard` with T = 1 and T = 2 (one stack per queue of tk0),
# CONNS kernel senders at once (bench/tap_peer.py send), BYTES in all,
# interleaved, REPS repetitions; prints the aggregate goodput of each run and
# min / median / max of the ratio two threads / one. Everything runs in a
# namespace this script creates (198.18.0.0/24) and removes on exit. Needs
# root. Extra serve flags (e.g. --offload --busy-poll 200) in TK_SHARD_FLAGS.
#   bench/tap_shards.sh build/tcpkit [BYTES] [CONNS] [REPS]
set -u
BIN=${1:?usage: tap_shards.sh TCPKIT_BINARY [BYTES] [CONNS] [REPS]}
BYTES=${2:-1073741824}
CONNS=${3:-4}
REPS=${4:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
NS=tk-bench-mq-$$
WORK=$(mktemp -d /tmp/tk-mq-bench.XXXXXX)
SPID=
cleanup() {
    [ -n "$SPID" ] && kill -TERM "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
    ip netns del $NS 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
[ "$(id -u)" = 0 ] || { echo "tap_shards: needs root" >&2; exit 77; }
ip netns add $NS
ip netns exec $NS ip link set lo up

# One run: THREADS; prints the aggregate Mbit/s of CONNS senders.
run() {
    ip netns exec $NS timeout --preserve-status 600 "$BIN" serve --tap tk0 --addr 198.18.0.2/24 \
        --threads "$1" ${TK_SHARD_FLAGS:-} discard --port 9 >/dev/null 2>"$WORK/serve.err" &
    SPID=$!
    for i in $(seq 1 100); do
        ip netns exec $NS ip link show tk0 >/dev/null 2>&1 && break
        sleep 0.05
    done
    ip netns exec $NS ip addr add 198.18.0.1/24 dev tk0
    ip netns exec $NS ip link set tk0 up
    for i in $(seq 1 20); do
        ip netns exec $NS ping -c 1 -W 1 198.18.0.2 >/dev/null 2>&1 && break
    done
    local t0 t1 k
    t0=$(date +%s.%N)
    for k in $(seq 1 "$CONNS"); do
        ip netns exec $NS timeout 600 /usr/bin/python3 "$HERE/tap_peer.py" send 198.18.0.2 9 \
            $((BYTES / CONNS)) >"$WORK/peer.$k" &
    done
    wait $(jobs -p | grep -v "^$SPID\$")
    t1=$(date +%s.%N)
    kill -TERM "$SPID" 2>/dev/null
    wait "$SPID" 2>/dev/null
    SPID=
    ip netns exec $NS ip link del tk0 2>/dev/null
    awk -v b="$BYTES" -v a="$t0" -v z="$t1" 'BEGIN { printf "%.1f\n", b * 8 / (z - a) / 1e6 }'
}

printf 'rep  1 thread Mbit/s  2 threads Mbit/s  ratio\n'
: >"$WORK/all"
for r in $(seq 1 "$REPS"); do
    one=$(run 1)
    two=$(run 2)
    printf '%3d  %14s  %16s  %5.2f\n' "$r" "$one" "$two" "$(awk -v a="$one" -v b="$two" 'BEGIN { print b / a }')"
    echo "$one $two" >>"$WORK/all"
done
python3 - "$WORK/all" <<'PY'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
def mmm(v):
    return "%.2f / %.2f / %.2f" % (min(v), statistics.median(v), max(v))
print("aggregate Mbit/s, min / median / max: 1 thread %s, 2 threads %s"
      % (mmm([r[0] for r in rows]), mmm([r[1] for r in rows])))
print("ratio 2 threads / 1 per repetition: %s" % mmm([r[1] / r[0] for r in rows]))
PY
