#!/bin/bash
# Interop 11 (SEC-2): 3,000 SYNs from spoofed addresses (198.19.0.0/16,
# behind the kernel side, which forwards nothing) fill tcpkit serve's
# syncache; SYN cookies answer the rest, and 5 echo connections from the
# kernel each complete within 3 s and echo their line.
. "$(dirname "$0")/common.sh"
tk_begin synflood
/usr/bin/python3 -c 'import scapy' 2>/dev/null || { echo "SKIP: python3-scapy missing" >&2; exit 77; }
tk_serve main --gw "$TK_KERNEL" echo
mac=$(tk_ns ip neigh show "$TK_ADDR" | awk '{ print $5 }')
kmac=$(tk_ns cat /sys/class/net/$TK_IF/address)
tk_ns timeout 120 /usr/bin/python3 "$(dirname "$0")/synflood.py" "$TK_IF" "$mac" "$kmac" \
    "$TK_ADDR" 7 3000 11 >"$TK_WORK/sent.txt" 2>"$TK_WORK/scapy.err" ||
    tk_fail "scapy failed: $(tail -3 "$TK_WORK/scapy.err")"
during=$(tk_serve_table)
half=$(grep -c SYN_RCVD <<<"$during")
tk_log "after 3000 spoofed SYNs: $half in SYN_RCVD, $(tk_counter "$during" syncookies_sent) cookies sent"
[ "$half" -le 128 ] || tk_fail "$half half-open connections, above the syncache's 128"
[ "$(tk_counter "$during" syncookies_sent)" -gt 0 ] || tk_fail "no SYN cookie was sent"
for i in 1 2 3 4 5; do
    out=$(tk_ns timeout 10 /usr/bin/python3 - "$TK_ADDR" "$i" <<'PY'
import socket, sys, time
t0 = time.monotonic()
s = socket.create_connection((sys.argv[1], 7), timeout=3)
took = time.monotonic() - t0
s.sendall(b"line %s\n" % sys.argv[2].encode())
print("%.3f %s" % (took, s.recv(64).decode().strip()))
PY
    ) || tk_fail "echo connect $i failed during the flood"
    tk_log "connect $i: $out"
    took=${out%% *}
    awk -v t="$took" 'BEGIN { exit !(t <= 3.0) }' || tk_fail "connect $i took $took s"
    [ "${out#* }" = "line $i" ] || tk_fail "echo $i returned '${out#* }'"
done
after=$(tk_serve_table)
tk_log "cookies accepted: $(tk_counter "$after" syncookies_accepted), syncache entries made: $(tk_counter "$after" syncache_added)"
kill -0 "$TK_SERVE_CHILD" || tk_fail "tcpkit died: $(tail "$TK_WORK/serve.err")"
tk_stop_serve
echo PASS
