#!/bin/sh
# SPEC DT-13: `tcpkit bench cc`'s receiver keeps a whole window out of order.
# With the default 64 KiB out-of-order budget on a path whose window holds
# thousands of segments, the receiver dropped most of what followed each
# hole (1 Gbit/s, 100 ms: about 90 retransmission timeouts in 60 s for both
# controllers). On 200 Mbit/s, 100 ms, 10 s, seed 1 (deterministic), NewReno's
# receiver drops 3,165 segments, all beyond what its reassembly ranges (64,
# TK_REASS_MAX_RANGES) can hold after slow start's overshoot; 3,277 with room
# for 8 ranges, and with the 64 KiB budget it dropped 7,767.
# usage: bench-cc-test.sh TCPKIT
T=$1
out=$("$T" bench cc --rate 200000000 --rtt 100 --seconds 10 --seeds 1) || {
    echo "FAIL: bench cc exit $?"
    exit 1
}
line=$(echo "$out" | grep 'seed  1 newreno')
drops=$(echo "$line" | sed -n 's/.*  \([0-9]*\) receiver drops$/\1/p')
timeouts=$(echo "$line" | sed -n 's/.*  \([0-9]*\) timeouts .*/\1/p')
[ -n "$drops" ] && [ -n "$timeouts" ] || {
    echo "FAIL: no figures in: $line"
    exit 1
}
[ "$drops" -eq 3165 ] && [ "$timeouts" -eq 0 ] || {
    echo "FAIL: receiver drops $drops (want 3165), timeouts $timeouts (want 0): $line"
    exit 1
}
echo "ok: $line"
