#!/bin/bash
# Interop 16 (NET-4, NET-6, SEC-4): scapy sends 10,000 malformed IPv6,
# extension-header, fragment, ICMPv6 and NDP frames at tcpkit's IPv6
# address (garbage6.py); tcpkit survives, still answers ping -6, and its
# counters account for every malformed frame, class by class.
. "$(dirname "$0")/common.sh"
TK_KERNEL6=2001:2::1
TK_ADDR6=2001:2::2
FRAMES=10000
tk_begin garbage6
/usr/bin/python3 -c 'import scapy' 2>/dev/null || { echo "SKIP: python3-scapy missing" >&2; exit 77; }
tk_serve main --addr "$TK_ADDR6/64" echo
tk_ns ip -6 addr add "$TK_KERNEL6/64" dev "$TK_IF" nodad || tk_fail "cannot add $TK_KERNEL6"
for i in $(seq 1 50); do
    [ -z "$(tk_ns ip -6 addr show dev "$TK_IF" tentative)" ] && break
    sleep 0.1
done
sleep 1.2 # tcpkit's DAD (RFC 4862 5.4)
out=$(tk_ns timeout 20 ping -6 -c 1 -W 2 "$TK_ADDR6") || tk_fail "ping -6 before the flood failed: $out"
kmac=$(tk_ns cat /sys/class/net/$TK_IF/address)
before=$(tk_serve_table)
tk_ns timeout 200 /usr/bin/python3 "$(dirname "$0")/garbage6.py" "$TK_IF" "$TK_MAC" "$kmac" \
    "$TK_KERNEL6" "$TK_ADDR6" "$FRAMES" 12 >"$TK_WORK/sent.txt" 2>"$TK_WORK/scapy.err" ||
    tk_fail "scapy failed: $(tail -3 "$TK_WORK/scapy.err")"
sleep 1
kill -0 "$TK_SERVE_CHILD" || tk_fail "tcpkit died: $(tail "$TK_WORK/serve.err")"
out=$(tk_ns timeout 20 ping -6 -c 3 -i 0.2 -W 2 "$TK_ADDR6") || tk_fail "ping -6 after the flood failed: $out"
grep -q '3 received' <<<"$out" || tk_fail "not every echo answered after the flood: $out"
tk_log "after the flood: $(grep 'received' <<<"$out")"
after=$(tk_serve_table)

# Expected counts per counter (classes sharing a counter add up).
declare -A want
sent=0
while read -r cls n counters; do
    sent=$((sent + n))
    [ "$counters" = - ] && continue
    for kv in ${counters//,/ }; do
        want[${kv%%:*}]=$((${want[${kv%%:*}]:-0} + ${kv##*:}))
    done
done <"$TK_WORK/sent.txt"
bad=0
counted=0
for counter in $(printf '%s\n' "${!want[@]}" | sort); do
    got=$(($(tk_counter "$after" "$counter") - $(tk_counter "$before" "$counter")))
    tk_log "$(printf '%-24s expected %5d  counted %5d' "$counter" "${want[$counter]}" "$got")"
    [ "$got" -ge "${want[$counter]}" ] || bad=1
    [ "$counter" = ip6_frags_in ] || counted=$((counted + got))
done
fin=$(($(tk_counter "$after" frames_in) - $(tk_counter "$before" frames_in)))
mutated=$(awk '$1 == "mutated" { print $2 }' "$TK_WORK/sent.txt")
held=$(awk '$1 == "frag_held" { print $2 }' "$TK_WORK/sent.txt")
tk_log "frames_in grew by $fin for $FRAMES frames sent; drops and ignores counted $counted," \
    "fragments held $held, mutated $mutated"
[ "$bad" = 0 ] || tk_fail "a counter missed malformed frames"
[ "$fin" -ge "$FRAMES" ] || tk_fail "tcpkit saw only $fin of $FRAMES frames"
tk_stop_serve
tk_tshark_check "$TK_SERVE_PCAP" ours
echo PASS
