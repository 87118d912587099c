#!/bin/sh
# Cross-checks the printer and the pcap writer against tcpdump and tshark.
#   check_capture.sh tcpdump GEN DIR MUT - our lines == tcpdump -nn -r lines
#                                       (SPEC OBS-2), for GEN's frames and for
#                                       MUT's seeded random frames
#   check_capture.sh tcpdump-ipv6 GEN DIR - the same for the IPv6 frames (NET-4)
#   check_capture.sh tshark  GEN DIR  - tshark finds no malformed packet or bad
#                                       checksum, and reads both timestamp
#                                       precisions alike (SPEC OBS-1)
# GEN is the gen_frames program; DIR receives its files.
set -eu
mode=$1 gen=$2 dir=$3 mut=${4:-}
rm -rf "$dir"
mkdir -p "$dir"
"$gen" "$dir" >/dev/null

# tcpdump drops root privileges before reading unless told otherwise.
zroot=""
[ "$(id -u)" = 0 ] && zroot="-Z root"

fail() { echo "FAIL: $*" >&2; exit 1; }

case $mode in
tcpdump)
    command -v tcpdump >/dev/null || fail "tcpdump not installed"
    for name in good odd; do
        # Full lines: the printer's time prefix must match too (TZ=UTC).
        TZ=UTC tcpdump $zroot -nn -r "$dir/$name.pcap" >"$dir/$name.tcpdump" 2>"$dir/$name.err" ||
            fail "tcpdump could not read $name.pcap: $(cat "$dir/$name.err")"
        [ -s "$dir/$name.tcpdump" ] || fail "tcpdump printed nothing for $name.pcap"
        diff -u "$dir/$name.tcpdump" "$dir/$name.txt" || fail "$name.pcap: printer differs from tcpdump"
        echo "$name: $(grep -c '^[0-9]' "$dir/$name.txt") frames identical to tcpdump"
    done
    for seed in 1 2 3; do
        "$mut" "$dir" $seed 4000 >/dev/null
        TZ=UTC tcpdump $zroot -nn -r "$dir/mutants.pcap" >"$dir/mutants.tcpdump" 2>/dev/null ||
            fail "tcpdump could not read mutants.pcap"
        diff -u "$dir/mutants.tcpdump" "$dir/mutants.txt" ||
            fail "random frames (seed $seed): printer differs from tcpdump"
    done
    echo "mutants: 3 x 4000 random frames identical to tcpdump"
    # TCP-MD5 (RFC 2385): tcpdump checks the two signed segments itself.
    valid=$(tcpdump $zroot -nn -M bgp-secret -r "$dir/good.pcap" 2>/dev/null | grep -c 'md5 valid' || true)
    [ "$valid" -eq 2 ] || fail "tcpdump -M bgp-secret finds $valid valid signatures, not 2"
    echo "md5: tcpdump -M verifies both signatures"
    # The nanosecond file reads the same (tcpdump shows microseconds).
    TZ=UTC tcpdump $zroot -nn -r "$dir/good_ns.pcap" 2>/dev/null | diff -u "$dir/good.txt" - ||
        fail "nanosecond pcap reads differently"
    ;;
tcpdump-ipv6)
    # SPEC NET-4: the IPv6 frames (extension headers, ICMPv6 types, NDP).
    command -v tcpdump >/dev/null || fail "tcpdump not installed"
    TZ=UTC tcpdump $zroot -nn -r "$dir/ipv6.pcap" >"$dir/ipv6.tcpdump" 2>"$dir/ipv6.err" ||
        fail "tcpdump could not read ipv6.pcap: $(cat "$dir/ipv6.err")"
    [ -s "$dir/ipv6.tcpdump" ] || fail "tcpdump printed nothing for ipv6.pcap"
    diff -u "$dir/ipv6.tcpdump" "$dir/ipv6.txt" || fail "ipv6.pcap: printer differs from tcpdump"
    echo "ipv6: $(grep -c '^[0-9]' "$dir/ipv6.txt") frames identical to tcpdump"
    TZ=UTC tcpdump $zroot -nn -r "$dir/ipv6_mutants.pcap" >"$dir/ipv6_mutants.tcpdump" 2>/dev/null ||
        fail "tcpdump could not read ipv6_mutants.pcap"
    diff -u "$dir/ipv6_mutants.tcpdump" "$dir/ipv6_mutants.txt" ||
        fail "ipv6_mutants.pcap: printer differs from tcpdump"
    echo "ipv6 mutants: $(grep -c '^[0-9]' "$dir/ipv6_mutants.txt") seeded random frames identical to tcpdump"
    ;;
tshark)
    command -v tshark >/dev/null || fail "tshark not installed"
    expert() {
        tshark -r "$1" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -z expert -q 2>&1
    }
    bad='Malformed|Checksum|Errors \('
    expert "$dir/good.pcap" >"$dir/good.expert"
    grep -q 'Chats' "$dir/good.expert" || fail "tshark produced no expert summary"
    if grep -E "$bad" "$dir/good.expert"; then fail "tshark flags good.pcap"; fi
    # The same check must catch the deliberately broken frames.
    expert "$dir/odd.pcap" >"$dir/odd.expert"
    grep -q 'Malformed' "$dir/odd.expert" || fail "the check does not see malformed frames"
    # The IPv6 frames (NET-4): well formed, every checksum right.
    expert "$dir/ipv6.pcap" >"$dir/ipv6.expert"
    if grep -E "$bad" "$dir/ipv6.expert"; then fail "tshark flags ipv6.pcap"; fi
    n=$(tshark -r "$dir/ipv6.pcap" -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE \
        -Y 'icmpv6.checksum.status == 0 || tcp.checksum.status == 0 || udp.checksum.status == 0' \
        2>/dev/null | wc -l)
    [ "$n" = 0 ] || fail "ipv6.pcap: $n bad checksums"
    tshark -r "$dir/good.pcap" -T fields -e frame.time_epoch >"$dir/us.times" 2>/dev/null
    tshark -r "$dir/good_ns.pcap" -T fields -e frame.time_epoch >"$dir/ns.times" 2>/dev/null
    [ -s "$dir/us.times" ] || fail "tshark read no frames"
    diff -u "$dir/us.times" "$dir/ns.times" || fail "timestamps differ between precisions"
    echo "tshark: $(wc -l <"$dir/us.times") frames, no malformed packet, no bad checksum"
    ;;
*)
    fail "unknown mode $mode"
    ;;
esac
