#!/bin/bash
# Interop 5 (RS-1, RS-2): refusals and resets both ways.
#  a. nc to a closed port on tcpkit gets "Connection refused";
#  b. tcpkit connect to a closed kernel port exits with ECONNREFUSED (111);
#  c. a kernel client closing with SO_LINGER {1,0} makes tcpkit report
#     ECONNRESET.
. "$(dirname "$0")/common.sh"
tk_begin refuse
tk_serve main echo

out=$(tk_ns timeout 10 nc -v -w 3 "$TK_ADDR" 81 </dev/null 2>&1)
grep -q 'Connection refused' <<<"$out" || tk_fail "nc to a closed port: $out"
tk_log "nc: $(grep -o 'Connection refused' <<<"$out")"

tk_ns timeout 30 /usr/bin/python3 "$(dirname "$0")/linger_client.py" "$TK_ADDR" 7 ||
    tk_fail "linger client failed"
sleep 0.5
grep -q 'ECONNRESET' "$TK_WORK/serve.err" || tk_fail "tcpkit did not report ECONNRESET: $(cat "$TK_WORK/serve.err")"
tk_log "serve: $(grep ECONNRESET "$TK_WORK/serve.err")"
tk_stop_serve
tk_tshark_check "$TK_SERVE_PCAP"

# b: tcpkit as the client, on a second device in the same namespace.
tk_ns ip link del "$TK_IF" 2>/dev/null
tk_precreate_tap
rc=0
tk_ns timeout 30 "$TK_BIN" connect --tap "$TK_IF" --addr "$TK_ADDR/24" \
    --pcap "$TK_PCAPS/refuse-connect.pcap" "$TK_KERNEL" 9 </dev/null \
    2>"$TK_WORK/connect.err" || rc=$?
[ "$rc" = 111 ] || tk_fail "tcpkit connect to a closed port exited $rc: $(cat "$TK_WORK/connect.err")"
grep -q 'Connection refused' "$TK_WORK/connect.err" || tk_fail "no message: $(cat "$TK_WORK/connect.err")"
tk_log "connect: exit $rc, $(head -1 "$TK_WORK/connect.err")"
tk_tshark_check "$TK_PCAPS/refuse-connect.pcap"
echo PASS
