#!/bin/sh
# Rewrites tests/analyze/expected/SCENARIO.txt from the simulator's captures,
# after a deliberate change to the stack or to the analyzer. Review the diff:
# every changed line is a changed behaviour. usage: update-expected.sh TCPKIT
set -eu
TCPKIT=$1
DIR=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
for s in lifecycle refused linger-abort unread-close half-open stale-reconnect \
    time-wait-reuse zero-window keepalive-alive cable-unplug simultaneous-open \
    simultaneous-close; do
    "$TCPKIT" sim "$s" --pcap "$TMP/$s.pcap" >/dev/null
    "$TCPKIT" analyze "$TMP/$s.pcap" >"$DIR/expected/$s.txt"
done
