#!/bin/bash
# Interop 17 (NET-4): the kernel's own IPv6 fragments are reassembled. With
# the kernel side of tk0 at the IPv6 minimum MTU (1280), ping -6 -s 1400
# leaves the kernel in two fragments; tcpkit (MTU 1500) puts each request
# together and answers it whole. ping -6 -s 3000 is reassembled too, but
# its reply would pass tcpkit's MTU and tcpkit sends no fragments: it is
# counted (icmp6_echo_too_big), not answered. tshark finds the capture clean.
. "$(dirname "$0")/common.sh"
TK_KERNEL6=2001:2::1
TK_ADDR6=2001:2::2
tk_begin frag6
tk_serve main --addr "$TK_ADDR6/64" echo
tk_ns ip -6 addr add "$TK_KERNEL6/64" dev "$TK_IF" nodad || tk_fail "cannot add $TK_KERNEL6"
for i in $(seq 1 50); do
    [ -z "$(tk_ns ip -6 addr show dev "$TK_IF" tentative)" ] && break
    sleep 0.1
done
sleep 1.2 # tcpkit's DAD (RFC 4862 5.4)
tk_ns ip link set "$TK_IF" mtu 1280 || tk_fail "cannot set the MTU of $TK_IF"
before=$(tk_serve_table)
out=$(tk_ns timeout 20 ping -6 -c 3 -i 0.2 -W 2 -s 1400 "$TK_ADDR6") ||
    tk_fail "ping -6 -s 1400 (fragmented) failed: $out"
grep -q '3 received' <<<"$out" || tk_fail "not every fragmented echo answered: $out"
tk_log "-s 1400 in fragments: $(grep 'received' <<<"$out")"
out=$(tk_ns timeout 20 ping -6 -c 2 -i 0.2 -W 1 -s 3000 "$TK_ADDR6")
grep -q '0 received' <<<"$out" || tk_fail "a 3000-byte echo was answered: $out"
after=$(tk_serve_table)
d() { echo $(($(tk_counter "$after" "$1") - $(tk_counter "$before" "$1"))); }
tk_log "ip6_frags_in $(d ip6_frags_in), ip6_reassembled $(d ip6_reassembled)," \
    "icmp6_echo_replies $(d icmp6_echo_replies), icmp6_echo_too_big $(d icmp6_echo_too_big)"
[ "$(d ip6_frags_in)" = 12 ] || tk_fail "ip6_frags_in grew by $(d ip6_frags_in), want 12 (3 x 2 + 2 x 3)"
[ "$(d ip6_reassembled)" = 5 ] || tk_fail "ip6_reassembled grew by $(d ip6_reassembled), want 5"
[ "$(d icmp6_echo_too_big)" = 2 ] || tk_fail "icmp6_echo_too_big grew by $(d icmp6_echo_too_big), want 2"
tk_stop_serve
tk_tshark_check "$TK_SERVE_PCAP"
echo PASS
