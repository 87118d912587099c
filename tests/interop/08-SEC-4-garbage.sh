#!/bin/bash
# Interop 8 (SEC-4): 10,000 random and malformed frames from scapy; then a
# normal curl still succeeds, tcpkit is still running, and its drop counters
# account for every malformed frame, class by class.
. "$(dirname "$0")/common.sh"
tk_begin garbage
/usr/bin/python3 -c 'import scapy' 2>/dev/null || { echo "SKIP: python3-scapy missing" >&2; exit 77; }
mkdir -p "$TK_WORK/www"
echo "still here" >"$TK_WORK/www/ok.txt"
tk_serve main http "$TK_WORK/www"
mac=$(tk_ns ip neigh show "$TK_ADDR" | awk '{ print $5 }')
kmac=$(tk_ns cat /sys/class/net/$TK_IF/address)
before=$(tk_serve_table)
tk_ns timeout 200 /usr/bin/python3 "$(dirname "$0")/garbage.py" "$TK_IF" "$mac" "$kmac" \
    "$TK_KERNEL" "$TK_ADDR" 80 10000 7 >"$TK_WORK/sent.txt" 2>"$TK_WORK/scapy.err" ||
    tk_fail "scapy failed: $(tail -3 "$TK_WORK/scapy.err")"
sleep 1
kill -0 "$TK_SERVE_CHILD" || tk_fail "tcpkit died: $(tail "$TK_WORK/serve.err")"
body=$(tk_ns timeout 10 curl -sS --fail "http://$TK_ADDR/ok.txt") || tk_fail "curl after garbage failed"
[ "$body" = "still here" ] || tk_fail "curl after garbage got '$body'"
after=$(tk_serve_table)

# Expected drops per counter (classes sharing a counter add up).
declare -A want
while read -r cls n counter; do
    [ "$counter" = - ] && continue
    want[$counter]=$((${want[$counter]:-0} + n))
done <"$TK_WORK/sent.txt"
bad=0
for counter in "${!want[@]}"; do
    got=$(($(tk_counter "$after" "$counter") - $(tk_counter "$before" "$counter")))
    tk_log "$(printf '%-22s sent %5d  counted %5d' "$counter" "${want[$counter]}" "$got")"
    [ "$got" -ge "${want[$counter]}" ] || bad=1
    bad_total=$((${bad_total:-0} + ${want[$counter]}))
done
fin=$(($(tk_counter "$after" frames_in) - $(tk_counter "$before" frames_in)))
tk_log "frames_in grew by $fin for 10000 frames sent; malformed: $bad_total"
[ "$bad" = 0 ] || tk_fail "a drop counter missed malformed frames"
[ "$fin" -ge 10000 ] || tk_fail "tcpkit saw only $fin of 10000 frames"
tk_stop_serve
tk_tshark_check "$TK_SERVE_PCAP" ours
echo PASS
