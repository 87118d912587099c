#!/bin/bash
# Interop 16 (NET-4, NET-5): TCP over IPv6 against the Linux kernel. curl -6
# downloads 10 MiB from `tcpkit serve http` (SHA-256 matches); an IPv4 and an
# IPv6 download run at once against the one dual-stack listener; the kernel
# lists tcpkit REACHABLE; a Packet Too Big for 1280 (scapy, as a router on
# the path) lowers tcpkit's segments to fit while the transfer goes on;
# `tcpkit connect` uploads 10 MiB to a kernel IPv6 server. tshark finds
# nothing malformed and no bad checksum from tcpkit.
. "$(dirname "$0")/common.sh"
TK_KERNEL6=2001:2::1
TK_ADDR6=2001:2::2
tk_begin tcp6
mkdir -p "$TK_WORK/www"
tk_random_file "$TK_WORK/www/big.bin" 10
tk_serve main --addr "$TK_ADDR6/64" http "$TK_WORK/www"
tk_ns ip -6 addr add "$TK_KERNEL6/64" dev "$TK_IF" nodad || tk_fail "cannot add $TK_KERNEL6"
for i in $(seq 1 50); do
    [ -z "$(tk_ns ip -6 addr show dev "$TK_IF" tentative)" ] && break
    sleep 0.1
done
sleep 1.2 # tcpkit's DAD (one second, RFC 4862 5.4)
want=$(tk_sha "$TK_WORK/www/big.bin")
url6="http://[$TK_ADDR6]/big.bin"

start=$(date +%s.%N)
tk_ns timeout 120 curl -6 -sS --fail -o "$TK_WORK/got6.bin" "$url6" || tk_fail "curl -6 of 10 MiB failed"
end=$(date +%s.%N)
[ "$(tk_sha "$TK_WORK/got6.bin")" = "$want" ] || tk_fail "SHA-256 of the IPv6 download differs"
tk_log "curl -6: 10 MiB match ($(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f s", b - a }'))"

neigh=$(tk_ns ip -6 neigh show dev "$TK_IF")
grep -q "^$TK_ADDR6 lladdr $TK_MAC .*REACHABLE" <<<"$neigh" ||
    tk_fail "kernel does not list $TK_ADDR6 REACHABLE: $(tr '\n' ';' <<<"$neigh")"
tk_log "kernel: $(grep "^$TK_ADDR6 " <<<"$neigh")"

# Dual stack: both families at once on the one listener.
tk_ns timeout 120 curl -4 -sS --fail -o "$TK_WORK/both4.bin" "http://$TK_ADDR/big.bin" &
p4=$!
tk_ns timeout 120 curl -6 -sS --fail -o "$TK_WORK/both6.bin" "$url6" &
p6=$!
wait "$p4" || tk_fail "IPv4 download beside IPv6 failed"
wait "$p6" || tk_fail "IPv6 download beside IPv4 failed"
[ "$(tk_sha "$TK_WORK/both4.bin")" = "$want" ] || tk_fail "IPv4 download (dual stack) differs"
[ "$(tk_sha "$TK_WORK/both6.bin")" = "$want" ] || tk_fail "IPv6 download (dual stack) differs"
tk_log "dual stack: an IPv4 and an IPv6 10 MiB download at once, both match"

# NET-5 (RFC 8201): a Packet Too Big for 1280 in the middle of a download.
# The kernel drops what does not fit 1280 bytes, as a narrower link on the
# path would (nftables, inside the namespace); scapy, seeing such a packet
# at the TAP device, answers it as that link's router.
command -v nft >/dev/null || tk_fail "nft missing (scripts/install-deps.sh installs nftables)"
tk_ns nft add table ip6 tkptb
tk_ns nft add chain ip6 tkptb in '{ type filter hook input priority 0; }'
tk_ns nft add rule ip6 tkptb in iifname "$TK_IF" meta length gt 1280 counter drop ||
    tk_fail "cannot add the nftables rule"
tk_ns timeout 120 curl -6 -sS --fail --limit-rate 2M -o "$TK_WORK/ptb.bin" "$url6" &
pc=$!
quoted=$(tk_ns timeout 30 /usr/bin/python3 "$(dirname "$0")/ptb6.py" "$TK_IF" "$TK_ADDR6" \
    "$TK_KERNEL6" 1280) || tk_fail "Packet Too Big not sent: $quoted"
wait "$pc" || tk_fail "download after the Packet Too Big failed"
[ "$(tk_sha "$TK_WORK/ptb.bin")" = "$want" ] || tk_fail "download after the Packet Too Big differs"
dropped=$(tk_ns nft list chain ip6 tkptb in | sed -n 's/.*packets \([0-9]*\).*/\1/p')
tk_ns nft delete table ip6 tkptb
table=$(tk_serve_table)
lowered=$(tk_counter "$table" pmtu_lowered)
[ "$lowered" -ge 1 ] || tk_fail "pmtu_lowered $lowered after a Packet Too Big"
tk_log "Packet Too Big (quoting a $quoted-byte packet, $dropped dropped): pmtu_lowered $lowered, download matches"
tk_stop_serve

if command -v tshark >/dev/null; then
    opts=(-n -o tcp.check_checksum:TRUE $TK_TSHARK_DATA -r "$TK_SERVE_PCAP")
    n=$(tshark "${opts[@]}" -Y "_ws.malformed" 2>/dev/null | wc -l)
    [ "$n" = 0 ] || tk_fail "$n malformed packets in $TK_SERVE_PCAP"
    n=$(tshark "${opts[@]}" -Y "ipv6.src == $TK_ADDR6 && tcp && !icmpv6 && tcp.checksum.status != 1" 2>/dev/null | wc -l)
    [ "$n" = 0 ] || tk_fail "$n TCP segments from tcpkit with a bad checksum"
    # After the Packet Too Big every segment of the stream it quoted fits 1280.
    t=$(tshark "${opts[@]}" -Y "icmpv6.type == 2" -T fields -e frame.time_relative 2>/dev/null | head -1)
    late=$(tshark "${opts[@]}" -Y "ipv6.src == $TK_ADDR6 && tcp.len > 0 && frame.time_relative > $t + 0.05 && ipv6.plen > 1240" \
        -T fields -e tcp.stream 2>/dev/null | sort -u)
    ptb_stream=$(tshark "${opts[@]}" -Y "icmpv6.type == 2" -T fields -e tcp.stream 2>/dev/null | head -1)
    grep -qx "$ptb_stream" <<<"$late" && tk_fail "segments above 1280 bytes after the Packet Too Big"
    segs=$(tshark "${opts[@]}" -Y "ipv6.src == $TK_ADDR6 && tcp" 2>/dev/null | wc -l)
    tk_log "tshark: $segs IPv6 segments from tcpkit, none malformed, every checksum good"
fi

# tcpkit connect uploads 10 MiB to a kernel IPv6 server.
tk_ns ip link del "$TK_IF" 2>/dev/null
tk_precreate_tap
tk_ns ip -6 addr add "$TK_KERNEL6/64" dev "$TK_IF" nodad
tk_random_file "$TK_WORK/up.bin" 10
ip netns exec "$TK_NS" timeout 120 /usr/bin/python3 "$(dirname "$0")/sink_server.py" \
    "$TK_KERNEL6" 9000 "$TK_WORK/server.sha" &
TK_PIDS+=($!)
sleep 0.5
tk_ns timeout 120 "$TK_BIN" connect --tap "$TK_IF" --addr "$TK_ADDR/24" --addr "$TK_ADDR6/64" \
    --pcap "$TK_PCAPS/tcp6-upload.pcap" "$TK_KERNEL6" 9000 \
    <"$TK_WORK/up.bin" >"$TK_WORK/reply.txt" 2>"$TK_WORK/connect.err" ||
    tk_fail "tcpkit connect over IPv6 failed ($?): $(cat "$TK_WORK/connect.err")"
up=$(tk_sha "$TK_WORK/up.bin")
[ "$(cut -d' ' -f1 "$TK_WORK/server.sha")" = "$up" ] ||
    tk_fail "kernel server received something else: $(cat "$TK_WORK/server.sha")"
[ "$(head -1 "$TK_WORK/reply.txt")" = "$up" ] || tk_fail "reply differs: $(cat "$TK_WORK/reply.txt")"
tk_log "tcpkit connect: 10 MiB upload over IPv6 matches on both sides"
echo PASS
