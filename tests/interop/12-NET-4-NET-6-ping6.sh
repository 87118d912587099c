#!/bin/bash
# Interop 12 (NET-4, NET-6): the kernel's ping -6 gets echo replies from
# tcpkit's link-local address (RFC 7217, after DAD) and from its static
# address 2001:2::2/64; the kernel learns tcpkit's MAC from its neighbour
# advertisements; tshark finds nothing malformed in the capture.
. "$(dirname "$0")/common.sh"
TK_KERNEL6=2001:2::1
TK_ADDR6=2001:2::2
tk_begin ping6
tk_serve main --addr "$TK_ADDR6/64" echo
tk_ns ip -6 addr add "$TK_KERNEL6/64" dev "$TK_IF" nodad || tk_fail "cannot add $TK_KERNEL6"
ll=$(awk '$1 == "ipv6" && $3 == "link-local" { print $2 }' "$TK_WORK/serve.err")
[ -n "$ll" ] || tk_fail "tcpkit printed no link-local address: $(cat "$TK_WORK/serve.err")"
case "$ll" in fe80::*) ;; *) tk_fail "link-local $ll is not in fe80::/64" ;; esac
tk_log "tcpkit link-local $ll"
# The kernel's own link-local must have finished its DAD, and tcpkit's too
# (one second, RFC 4862 5.4).
for i in $(seq 1 50); do
    [ -z "$(tk_ns ip -6 addr show dev "$TK_IF" tentative)" ] && break
    sleep 0.1
done
sleep 1.2
out=$(tk_ns timeout 20 ping -6 -c 3 -i 0.2 -W 2 "$ll%$TK_IF") || tk_fail "ping -6 $ll failed: $out"
grep -q '3 received' <<<"$out" || tk_fail "not every link-local echo answered: $out"
tk_log "link-local: $(grep 'received' <<<"$out")"
out=$(tk_ns timeout 20 ping -6 -c 3 -i 0.2 -W 2 -s 1000 "$TK_ADDR6") || tk_fail "ping -6 $TK_ADDR6 failed: $out"
grep -q '3 received' <<<"$out" || tk_fail "not every echo to $TK_ADDR6 answered: $out"
tk_log "static: $(grep 'received' <<<"$out")"
neigh=$(tk_ns ip -6 neigh show dev "$TK_IF")
tk_log "kernel neighbours: $(tr '\n' ';' <<<"$neigh")"
grep -q "^$TK_ADDR6 lladdr $TK_MAC" <<<"$neigh" || tk_fail "kernel did not learn $TK_ADDR6 -> $TK_MAC"
grep -q "^$ll lladdr $TK_MAC" <<<"$neigh" || tk_fail "kernel did not learn $ll -> $TK_MAC"
table=$(tk_serve_table)
grep -q "ipv6 $ll link-local preferred" <<<"$table" || tk_fail "link-local not preferred: $table"
replies=$(tk_counter "$table" icmp6_echo_replies)
[ "$replies" -ge 6 ] || tk_fail "icmp6_echo_replies $replies, want >= 6"
tk_log "icmp6_echo_replies $replies, nd_na_sent $(tk_counter "$table" nd_na_sent)"
tk_stop_serve
tk_tshark_check "$TK_SERVE_PCAP"
# Every ICMPv6 message tcpkit sent (DAD and solicitations, advertisements,
# echo replies) carries a checksum tshark verifies.
if command -v tshark >/dev/null; then
    st=$(tshark -n -r "$TK_SERVE_PCAP" -Y "eth.src == $TK_MAC && icmpv6" -T fields \
        -e icmpv6.checksum.status 2>/dev/null)
    good=$(grep -c '^1$' <<<"$st")
    [ "$good" -ge 10 ] && [ "$good" = "$(wc -l <<<"$st")" ] ||
        tk_fail "ICMPv6 checksums from tcpkit: $good good of $(wc -l <<<"$st")"
    tk_log "ICMPv6 from tcpkit: $good messages, every checksum good"
fi
echo PASS
