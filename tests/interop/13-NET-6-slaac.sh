#!/bin/bash
# Interop 13 (NET-6): tcpkit configures itself by SLAAC. It solicits a
# router; a scripted router advertisement from the kernel's namespace
# (tests/interop/ra.py: prefix 2001:2:0:1::/64, autonomous and on-link)
# gives it an address formed by RFC 7217, checked by DAD, which then
# answers the kernel's ping -6; tshark finds nothing malformed.
. "$(dirname "$0")/common.sh"
TK_PREFIX=2001:2:0:1::
tk_begin slaac
tk_serve main --addr slaac echo
tk_ns ip -6 addr add "${TK_PREFIX}1/64" dev "$TK_IF" nodad || tk_fail "cannot add ${TK_PREFIX}1"
for i in $(seq 1 50); do
    [ -z "$(tk_ns ip -6 addr show dev "$TK_IF" tentative)" ] && break
    sleep 0.1
done
sleep 1.2 # tcpkit's own DAD, then its first router solicitation
kmac=$(tk_ns cat /sys/class/net/$TK_IF/address)
tk_ns python3 "$(dirname "$0")/ra.py" "$TK_IF" "$TK_PREFIX" "$kmac" || tk_fail "cannot send the RA"
sleep 1.5 # DAD of the new address
table=$(tk_serve_table)
addr=$(awk '$1 == "ipv6" && $3 == "slaac" && $4 == "preferred" { print $2 }' <<<"$table")
[ -n "$addr" ] || tk_fail "no SLAAC address: $(grep ipv6 <<<"$table")"
case "$addr" in 2001:2:0:1:*) ;; *) tk_fail "SLAAC address $addr not in ${TK_PREFIX}/64" ;; esac
tk_log "tcpkit SLAAC address $addr"
[ "$(tk_counter "$table" nd_rs_sent)" -ge 1 ] || tk_fail "tcpkit sent no router solicitation"
out=$(tk_ns timeout 20 ping -6 -c 3 -i 0.2 -W 2 "$addr") || tk_fail "ping -6 $addr failed: $out"
grep -q '3 received' <<<"$out" || tk_fail "not every echo answered: $out"
tk_log "slaac: $(grep 'received' <<<"$out")"
tk_stop_serve
tk_tshark_check "$TK_SERVE_PCAP"
n=$(tshark -n -r "$TK_SERVE_PCAP" -Y "icmpv6.type == 133 && eth.src == $TK_MAC" 2>/dev/null | wc -l)
[ "$n" -ge 1 ] || tk_fail "no router solicitation from tcpkit in the capture"
echo PASS
