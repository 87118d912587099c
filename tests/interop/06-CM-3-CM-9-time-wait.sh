#!/bin/bash
# Interop 6 (CM-3, CM-9): whoever closes first keeps TIME_WAIT.
#  a. tcpkit closes first (HTTP Connection: close): tcpkit's connection
#     table shows TIME_WAIT for the 4-tuple;
#  b. the kernel closes first (nc -N half-closes at the end of stdin):
#     `ss -tan` shows the kernel side in TIME-WAIT and tcpkit's side is gone.
. "$(dirname "$0")/common.sh"
tk_begin timewait
mkdir -p "$TK_WORK/www"
echo "bye" >"$TK_WORK/www/x.txt"
tk_serve main http "$TK_WORK/www"

tk_ns timeout 10 curl -sS --fail --local-port 40000 -H 'Connection: close' \
    "http://$TK_ADDR/x.txt" >/dev/null || tk_fail "curl failed"
sleep 0.3
table=$(tk_serve_table)
grep -Eq "^TIME_WAIT +[0-9]+ +[0-9]+ +$TK_ADDR:80 +$TK_KERNEL:40000 " <<<"$table" ||
    tk_fail "no TIME_WAIT for $TK_ADDR:80 $TK_KERNEL:40000 in: $table"
tk_log "tcpkit: $(grep "$TK_KERNEL:40000" <<<"$table" | tr -s ' ')"
tk_ns ss -tan | grep -q "$TK_KERNEL:40000" && tk_fail "kernel still holds $TK_KERNEL:40000"
tk_stop_serve
tk_tshark_check "$TK_SERVE_PCAP"

tk_ns ip link del "$TK_IF" 2>/dev/null
tk_serve echo echo
out=$(echo hello | tk_ns timeout 10 nc -N -p 40001 "$TK_ADDR" 7) || tk_fail "nc failed"
[ "$out" = hello ] || tk_fail "echo returned '$out'"
sleep 0.3
ss_out=$(tk_ns ss -tan)
grep -Eq "^TIME-WAIT +0 +0 +$TK_KERNEL:40001 +$TK_ADDR:7 *$" <<<"$ss_out" ||
    tk_fail "kernel not in TIME-WAIT: $ss_out"
tk_log "kernel: $(grep 40001 <<<"$ss_out" | tr -s ' ')"
table=$(tk_serve_table)
grep -q "$TK_KERNEL:40001" <<<"$table" && tk_fail "tcpkit still holds the connection: $table"
tk_stop_serve
tk_tshark_check "$TK_SERVE_PCAP"
echo PASS
