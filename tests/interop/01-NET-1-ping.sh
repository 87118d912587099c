#!/bin/bash
# Interop 1 (NET-1): the kernel's ping gets echo replies from tcpkit.
. "$(dirname "$0")/common.sh"
tk_begin ping
tk_serve main echo
out=$(tk_ns timeout 20 ping -c 3 -i 0.2 -W 2 "$TK_ADDR") || tk_fail "ping failed: $out"
grep -q '3 received' <<<"$out" || tk_fail "not every echo answered: $out"
tk_log "$(grep 'received' <<<"$out")"
tk_stop_serve
tk_tshark_check "$TK_SERVE_PCAP"
echo PASS
