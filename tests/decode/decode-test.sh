#!/bin/sh
# One `tcpkit decode` check (SPEC OBS-3). usage: decode-test.sh TCPKIT SRCDIR CASE
# Exit 0 pass, 1 fail, 77 skipped (a tool the case needs is not installed).
set -u
TCPKIT=$1
DIR=$2
CASE=$3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

fail() {
    echo "FAIL ($CASE): $*" >&2
    for f in "$TMP"/out "$TMP"/err; do [ -s "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }; done
    exit 1
}

need() { command -v "$1" >/dev/null 2>&1 || { echo "skip: $1 not installed"; exit 77; }; }

# run ARGS...: runs tcpkit decode, keeping stdout, stderr and the status.
run() {
    "$TCPKIT" decode "$@" >"$TMP/out" 2>"$TMP/err"
    STATUS=$?
}

expect_status() { [ "$STATUS" -eq "$1" ] || fail "exit status $STATUS, want $1"; }

# The role lines and the order lines, which must match expected/lifecycle.roles.
expect_lifecycle_roles() {
    grep -E '^  role|^handshake|^teardown' "$TMP/out" >"$TMP/roles"
    diff -u "$DIR/expected/lifecycle.roles" "$TMP/roles" >&2 || fail "roles differ"
}

# expect_bad FILE MESSAGE: exit status 2, that message on stderr, nothing on stdout.
expect_bad() {
    run "$DIR/bad/$1"
    expect_status 2
    printf '%s\n' "$2" | diff -u - "$TMP/err" >&2 || fail "stderr differs"
    [ ! -s "$TMP/out" ] || fail "printed something for a bad packet"
}

# A JSON Lines check: every line parses, then the python snippet runs on them.
json_check() {
    python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
pkts, summary = lines[:-1], lines[-1]
'"$1" "$TMP/out" >&2 || fail "json check failed"
}

make_pcap() {
    need text2pcap
    text2pcap -q "$DIR/lifecycle.txt" "$TMP/l.pcap" >/dev/null 2>&1 || fail "text2pcap failed"
}

case $CASE in
seed)
    run "$DIR/seed-handshake.txt"
    expect_status 0
    diff -u "$DIR/expected/seed-handshake.out" "$TMP/out" >&2 || fail "output differs"
    ;;
seed-json)
    need python3
    run --json "$DIR/seed-handshake.txt"
    expect_status 0
    json_check '
assert [p["index"] for p in pkts] == [1, 2, 3]
assert [p["role"] for p in pkts] == ["handshake 2/3 (SYN-ACK)", "handshake 1/3 (SYN)",
                                     "handshake 3/3 (ACK)"], pkts
assert [p["flags"] for p in pkts] == ["S.", "S", "."]
assert all(p["src"] is None and p["dst"] is None for p in pkts)
assert (pkts[0]["sport"], pkts[0]["dport"]) == (80, 33706)
assert (pkts[1]["seq"], pkts[1]["ack"]) == (0x339637a2, 0)
assert pkts[0]["win"] == 5792 and pkts[0]["payload_len"] == 0
assert pkts[0]["options"] == [{"kind": "mss", "value": 1460}, {"kind": "sackOK"},
                              {"kind": "ts", "val": 3617284791, "ecr": 5655082},
                              {"kind": "nop"}, {"kind": "wscale", "value": 2}], pkts[0]
assert summary == {"handshake": [2, 1, 3]}, summary
'
    ;;
stdin)
    "$TCPKIT" decode - <"$DIR/seed-handshake.txt" >"$TMP/out" 2>"$TMP/err" || fail "status $?"
    diff -u "$DIR/expected/seed-handshake.out" "$TMP/out" >&2 || fail "output differs"
    ;;
format-*)
    name=${CASE#format-}
    file=$DIR/lifecycle-$name.txt
    [ "$name" = wireshark ] && file=$DIR/lifecycle.txt
    run "$file"
    expect_status 0
    expect_lifecycle_roles
    [ "$(grep -c 'csum 0x[0-9a-f]* (correct)' "$TMP/out")" -eq 18 ] || fail "checksums not all verified"
    ;;
pcap)
    make_pcap
    run "$TMP/l.pcap"
    expect_status 0
    expect_lifecycle_roles
    grep -q '^  summary   IP 198.18.0.1.49152 > 198.18.0.2.80: Flags \[S\], seq 4294967295' \
        "$TMP/out" || fail "no tcpdump-style summary"
    ;;
ip-text)
    run "$DIR/lifecycle-ip.txt"
    expect_status 0
    expect_lifecycle_roles
    ! grep -q '^  ethernet' "$TMP/out" || fail "an Ethernet header was invented"
    ;;
pcap-rawip)
    need text2pcap
    text2pcap -q -l 101 "$DIR/lifecycle-ip.txt" "$TMP/ip.pcap" >/dev/null 2>&1 ||
        fail "text2pcap failed"
    run "$TMP/ip.pcap"
    expect_status 0
    expect_lifecycle_roles
    [ "$(grep -c 'csum 0x[0-9a-f]* (correct)' "$TMP/out")" -eq 18 ] || fail "checksums not all verified"
    ;;
other-frames)
    need python3
    run "$DIR/other.txt"
    expect_status 0
    grep -E '^  (note|role|ipv4)' "$TMP/out" | sed 's/, header 20 bytes.*//' >"$TMP/lines"
    printf '%s\n' '  note      ARP, no TCP header' '  ipv4      198.18.0.1 > 198.18.0.2' \
        '  note      UDP, no TCP header' '  ipv4      198.18.0.1 > 198.18.0.2' '  role      RST' |
        diff -u - "$TMP/lines" >&2 || fail "lines differ"
    run --json "$DIR/other.txt"
    json_check '
assert [p.get("note") for p in pkts] == ["ARP", "UDP", None], pkts
assert [p["role"] for p in pkts] == [None, None, "RST"]
assert pkts[0]["src"] is None and pkts[1]["src"] == "198.18.0.1"
assert summary == {"handshake": None}, summary
'
    ;;
pcap-json)
    need python3
    make_pcap
    run --json "$TMP/l.pcap"
    expect_status 0
    json_check '
assert len(pkts) == 9
assert pkts[0]["src"] == "198.18.0.1" and pkts[0]["dst"] == "198.18.0.2"
assert pkts[3]["payload_len"] == 5 and pkts[3]["flags"] == "P."
assert [p["role"] for p in pkts][4:] == ["ack", "teardown (FIN)", "teardown (ACK of FIN)",
                                         "teardown (FIN)", "teardown (ACK of FIN)"]
assert summary == {"handshake": [1, 2, 3], "teardown": [6, 7, 8, 9]}, summary
'
    ;;
pcapng-stdin)
    make_pcap
    need editcap
    editcap -F pcapng "$TMP/l.pcap" "$TMP/l.pcapng" || fail "editcap failed"
    [ "$(head -c 4 "$TMP/l.pcapng" | od -An -tx1 | tr -d ' ')" = 0a0d0d0a ] || fail "not pcapng"
    "$TCPKIT" decode - <"$TMP/l.pcapng" >"$TMP/out" 2>"$TMP/err" || fail "status $?"
    expect_lifecycle_roles
    ;;
ipv6-lifecycle)
    # NET-4: the lifecycle over IPv6, a destination-options header before the
    # data segment: the exact report, the same roles as over IPv4, and every
    # TCP checksum verified over the IPv6 pseudo-header.
    run "$DIR/lifecycle6.txt"
    expect_status 0
    diff -u "$DIR/expected/lifecycle6.out" "$TMP/out" >&2 || fail "output differs"
    expect_lifecycle_roles
    [ "$(grep -c 'csum 0x[0-9a-f]* (correct)' "$TMP/out")" -eq 9 ] || fail "checksums not all verified"
    grep -qx '  ipv6      2001:2::1 > 2001:2::2, payload length 33, next header 60, hop limit 64, tclass 0x00, flow 0x00000, extension headers 1 (8 bytes)' \
        "$TMP/out" || fail "no extension header line"
    ;;
ipv6-ip-text)
    run "$DIR/lifecycle6-ip.txt"
    expect_status 0
    expect_lifecycle_roles
    ! grep -q '^  ethernet' "$TMP/out" || fail "an Ethernet header was invented"
    [ "$(grep -c 'csum 0x[0-9a-f]* (correct)' "$TMP/out")" -eq 9 ] || fail "checksums not all verified"
    ;;
ipv6-pcap)
    # The summaries equal tcpdump's own lines (absolute sequence numbers).
    need text2pcap
    need tcpdump
    text2pcap -q "$DIR/lifecycle6.txt" "$TMP/l6.pcap" >/dev/null 2>&1 || fail "text2pcap failed"
    run "$TMP/l6.pcap"
    expect_status 0
    expect_lifecycle_roles
    tcpdump -S -nn -r "$TMP/l6.pcap" 2>/dev/null | cut -d' ' -f2- >"$TMP/tcpdump"
    [ "$(wc -l <"$TMP/tcpdump")" -eq 9 ] || fail "tcpdump read no packets"
    grep '^  summary' "$TMP/out" | sed 's/^  summary   //' | diff -u "$TMP/tcpdump" - >&2 ||
        fail "summaries differ from tcpdump -S -nn"
    ;;
ipv6-rawip)
    # Raw IPv6 captures: LINKTYPE_IPV6 (229) and DLT_RAW (101) with version 6.
    need text2pcap
    for lt in 229 101; do
        text2pcap -q -l $lt "$DIR/lifecycle6-ip.txt" "$TMP/ip6.pcap" >/dev/null 2>&1 ||
            fail "text2pcap failed"
        run "$TMP/ip6.pcap"
        expect_status 0
        expect_lifecycle_roles
        [ "$(grep -c 'csum 0x[0-9a-f]* (correct)' "$TMP/out")" -eq 9 ] ||
            fail "checksums not all verified (linktype $lt)"
        grep -q '^  summary   IP6 2001:2::1.49152 > 2001:2::2.80: Flags \[S\], seq 4294967295' \
            "$TMP/out" || fail "no IPv6 summary (linktype $lt)"
    done
    ;;
ipv6-json)
    need python3
    run --json "$DIR/lifecycle6.txt"
    expect_status 0
    json_check '
assert len(pkts) == 9
assert pkts[0]["src"] == "2001:2::1" and pkts[0]["dst"] == "2001:2::2", pkts[0]
assert pkts[1]["src"] == "2001:2::2" and pkts[1]["sport"] == 80
assert pkts[3]["payload_len"] == 5 and pkts[3]["flags"] == "P."
assert [p["role"] for p in pkts][4:] == ["ack", "teardown (FIN)", "teardown (ACK of FIN)",
                                         "teardown (FIN)", "teardown (ACK of FIN)"]
assert summary == {"handshake": [1, 2, 3], "teardown": [6, 7, 8, 9]}, summary
'
    ;;
ipv6-other)
    # Not TCP (echo request, UDP), a fragment (not reassembled), a bad TCP
    # checksum, and a SYN behind hop-by-hop options and a routing header.
    run "$DIR/other6.txt"
    expect_status 0
    grep -E '^  (note|role|ipv6|tcp)' "$TMP/out" |
        sed -e 's/, hop limit.*extension headers/, ext/' -e 's/, data offset.*csum/, csum/' >"$TMP/lines"
    cat >"$TMP/want" <<'EOF'
  ipv6      2001:2::1 > 2001:2::2, payload length 12, next header 58, ext 0 (0 bytes)
  note      ICMPv6, no TCP header
  ipv6      2001:2::1 > 2001:2::2, payload length 24, next header 44, ext 1 (8 bytes)
  note      IPv6 fragment (not reassembled), no TCP header
  ipv6      2001:2::1 > 2001:2::2, payload length 12, next header 17, ext 0 (0 bytes)
  note      UDP, no TCP header
  ipv6      2001:2::1 > 2001:2::2, payload length 20, next header 6, ext 0 (0 bytes)
  tcp       sport 49152, dport 80, seq 3, ack 0, flags [S], csum 0xa584 (BAD), urg 0
  role      handshake 1/3 (SYN) (unconfirmed: no SYN-ACK in the input answers it)
  ipv6      2001:2::1 > 2001:2::2, payload length 36, next header 0, ext 2 (16 bytes)
  tcp       sport 49152, dport 80, seq 9, ack 0, flags [S], csum 0xb48f (correct), urg 0
  role      handshake 1/3 (SYN) (unconfirmed: no SYN-ACK in the input answers it)
EOF
    diff -u "$TMP/want" "$TMP/lines" >&2 || fail "lines differ"
    run --json "$DIR/other6.txt"
    json_check '
assert [p.get("note") for p in pkts] == ["ICMPv6", "IPv6 fragment (not reassembled)", "UDP",
                                         None, None], pkts
assert all(p["src"] == "2001:2::1" for p in pkts)
'
    ;;
bad-nonhex) expect_bad nonhex.txt "tcpkit decode: line 2: 'zz' is not hex" ;;
bad-odd-nibble) expect_bad odd-nibble.txt "tcpkit decode: line 2: odd number of hex digits in '9'" ;;
bad-overlap)
    expect_bad overlap.txt \
        "tcpkit decode: line 2: offset 0x0008 overlaps the line before (16 bytes from 0x0000)"
    ;;
bad-doff) expect_bad doff.txt "tcpkit decode: line 1: tcp data offset below 5" ;;
bad-mixed)
    run "$DIR/bad/mixed.txt"
    expect_status 2
    echo "tcpkit decode: line 7: tcp data offset below 5" | diff -u - "$TMP/err" >&2 ||
        fail "stderr differs"
    grep -E '^packet|^  role|^handshake' "$TMP/out" >"$TMP/roles"
    printf '%s\n' 'packet 1  lines 1-5, frame bytes 0x0022-0x0049' \
        '  role      handshake 2/3 (SYN-ACK), answers packet 3' \
        'packet 3  lines 11-15, frame bytes 0x0022-0x0049' \
        '  role      handshake 1/3 (SYN), answered by packet 1' \
        'handshake: 3, 1, ? (incomplete)' | diff -u - "$TMP/roles" >&2 || fail "roles differ"
    ;;
bad-empty)
    printf '\n\n' >"$TMP/empty.txt"
    run "$TMP/empty.txt"
    expect_status 2
    grep -qx 'tcpkit decode: no packets in the input' "$TMP/err" || fail "no message"
    ;;
bad-usage)
    run --no-such-flag
    expect_status 2
    grep -q "unexpected argument '--no-such-flag'" "$TMP/err" || fail "no message"
    run "$TMP/missing.txt"
    expect_status 2
    run --tcp-offset x "$DIR/seed-handshake.txt"
    expect_status 2
    ;;
tcp-offset)
    # The seed's packets with --tcp-offset 34 decode as without it; 36 is wrong.
    run --tcp-offset 34 "$DIR/seed-handshake.txt"
    expect_status 0
    diff -u "$DIR/expected/seed-handshake.out" "$TMP/out" >&2 || fail "output differs"
    run --tcp-offset 0x24 "$DIR/seed-handshake.txt"
    [ "$STATUS" -ne 0 ] || fail "--tcp-offset 0x24 decoded"
    ;;
udp-tunnel)
    # TCP over UDP: the summary shows the segment inside only when asked to.
    run "$DIR/udp-tunnel.txt"
    expect_status 0
    grep -qx '  summary   IP 198.18.0.1.9811 > 198.18.0.2.4000: UDP, length 24' "$TMP/out" ||
        fail "plain UDP summary"
    run --udp-tunnel-port 9811 "$DIR/udp-tunnel.txt"
    expect_status 0
    grep -qx '  summary   IP 198.18.0.1.9811 > 198.18.0.2.4000: UDP, length 24: 198.18.0.1.8080 > 198.18.0.2.50000: Flags \[S.\], seq 1000, ack 2001, win 65535, options \[mss 1452\], length 0' "$TMP/out" ||
        fail "no TCP segment in the summary"
    grep -qx '  note      UDP, no TCP header' "$TMP/out" || fail "note"
    run --udp-tunnel-port 0 "$DIR/udp-tunnel.txt"
    expect_status 2
    ;;
help)
    run --help
    expect_status 0
    head -1 "$TMP/out" | grep -qx 'usage: tcpkit decode \[FILE|-\] \[--json\] \[--tcp-offset N\] \[--udp-tunnel-port N\]' ||
        fail "no usage line"
    ;;
*)
    fail "unknown case"
    ;;
esac
exit 0
