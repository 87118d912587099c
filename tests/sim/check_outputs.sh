#!/bin/sh
# SPEC OBS-1, OBS-2: `tcpkit sim --pcap` writes a capture tshark reads with
# the lifecycle's handshake and teardown in order, and `--json` writes one
# valid JSON object per line. Usage: check_outputs.sh TCPKIT
set -eu
tcpkit=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

"$tcpkit" sim lifecycle --quiet --pcap "$dir/l.pcap" >/dev/null
# One line per frame: source address and TCP flags, as tshark decodes them.
tshark -r "$dir/l.pcap" -T fields -e ip.src -e tcp.flags.str >"$dir/frames" 2>/dev/null
first=$(sed -n 1p "$dir/frames" | tr -d '\302\267')
second=$(sed -n 2p "$dir/frames" | tr -d '\302\267')
last=$(tail -n 1 "$dir/frames" | tr -d '\302\267')
fins=$(grep -c 'F' "$dir/frames" || true)
fail() { echo "check_outputs: $*" >&2; cat "$dir/frames" >&2; exit 1; }
[ "$(printf '%s' "$first" | tr -s '\t ' ' ')" = "198.18.0.1 S" ] || fail "frame 1 is not A's SYN: $first"
[ "$(printf '%s' "$second" | tr -s '\t ' ' ')" = "198.18.0.2 AS" ] || fail "frame 2 is not B's SYN-ACK: $second"
[ "$(printf '%s' "$last" | tr -s '\t ' ' ')" = "198.18.0.1 A" ] || fail "last frame is not A's ACK: $last"
[ "$fins" -eq 2 ] || fail "$fins frames with FIN, want 2"
tshark -r "$dir/l.pcap" -z expert,error -q 2>/dev/null | grep -q 'Malformed' && fail "tshark found malformed frames"

"$tcpkit" sim lifecycle --json >"$dir/l.json"
python3 - "$dir/l.json" <<'PY'
import json, sys
events = [json.loads(line) for line in open(sys.argv[1])]
kinds = [e["event"] for e in events]
states = [(e["side"], e["to"]) for e in events if e["event"] == "state"]
assert ("A", "TIME_WAIT") in states and ("B", "LAST_ACK") in states, states
assert kinds[-1] == "result" and events[-1]["text"].endswith("PASS"), events[-1]
assert all(isinstance(e["t"], float) for e in events)
PY
echo "check_outputs: pcap and JSON Lines ok"
