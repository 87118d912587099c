#!/bin/bash
# Interop 9 (NET-1, RFC 1122 4.2.3.9, RFC 5927): ICMP errors from a real
# router. The kernel side forwards for tcpkit (its default gateway); a
# "prohibit" route makes it answer tcpkit's SYN with destination unreachable,
# communication administratively prohibited (a hard error: connect fails
# with EHOSTUNREACH at once), and an "unreachable" route with host
# unreachable (a soft error: connect keeps retrying).
. "$(dirname "$0")/common.sh"
tk_begin icmperr
tk_precreate_tap
tk_ns sysctl -qw net.ipv4.ip_forward=1 || tk_fail "cannot enable forwarding in the namespace"
tk_ns ip route add prohibit 198.18.1.0/24
tk_ns ip route add unreachable 198.18.2.0/24

t0=$(date +%s.%N)
rc=0
tk_ns timeout 20 "$TK_BIN" connect --tap "$TK_IF" --addr "$TK_ADDR/24" --gw "$TK_KERNEL" \
    --pcap "$TK_PCAPS/icmperr-hard.pcap" 198.18.1.5 80 </dev/null 2>"$TK_WORK/hard.err" || rc=$?
secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
[ "$rc" = 113 ] || tk_fail "hard error: exit $rc, want 113: $(cat "$TK_WORK/hard.err")"
grep -q 'No route to host' "$TK_WORK/hard.err" || tk_fail "no message: $(cat "$TK_WORK/hard.err")"
n=$(tshark -r "$TK_PCAPS/icmperr-hard.pcap" -Y 'icmp.type == 3 && icmp.code == 13' 2>/dev/null | wc -l)
[ "$n" -ge 1 ] || tk_fail "no administratively-prohibited message in the capture"
tk_log "prohibited: exit $rc after $secs s: $(head -1 "$TK_WORK/hard.err")"
tk_tshark_check "$TK_PCAPS/icmperr-hard.pcap"

rc=0
tk_ns timeout 4 "$TK_BIN" connect --tap "$TK_IF" --addr "$TK_ADDR/24" --gw "$TK_KERNEL" \
    --pcap "$TK_PCAPS/icmperr-soft.pcap" 198.18.2.5 80 </dev/null 2>"$TK_WORK/soft.err" || rc=$?
[ "$rc" = 124 ] || tk_fail "soft error ended the connect: exit $rc: $(cat "$TK_WORK/soft.err")"
n=$(tshark -r "$TK_PCAPS/icmperr-soft.pcap" -Y 'icmp.type == 3 && icmp.code == 1' 2>/dev/null | wc -l)
syns=$(tshark -r "$TK_PCAPS/icmperr-soft.pcap" -Y 'tcp.flags.syn == 1 && !icmp' 2>/dev/null | wc -l)
[ "$n" -ge 1 ] && [ "$syns" -ge 2 ] || tk_fail "want host-unreachable and a retransmitted SYN: $n, $syns"
tk_log "host unreachable ($n) is soft: still connecting after 4 s, $syns SYNs sent"
tk_tshark_check "$TK_PCAPS/icmperr-soft.pcap"
echo PASS
