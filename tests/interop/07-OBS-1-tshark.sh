#!/bin/bash
# Interop 7 (OBS-1, SEC-4): tshark over the whole capture of every other
# interop test (they leave their captures in $TK_INTEROP_OUT/pcaps): no
# malformed packet, no bad IPv4/TCP/ICMP checksum from tcpkit (checksum
# validation switched on), and no "ACKed unseen segment" caused by tcpkit.
# It also captures a fresh run of its own with tcpdump on the kernel side,
# so what the kernel saw is checked too (with TAP offloads on, TK_OFFLOAD,
# all but the TCP checksums tcpkit left to the kernel).
. "$(dirname "$0")/common.sh"
tk_begin tshark
command -v tshark >/dev/null || { echo "SKIP: tshark missing" >&2; exit 77; }
mkdir -p "$TK_WORK/www"
head -c 300000 /dev/urandom >"$TK_WORK/www/f.bin"
tk_serve main http "$TK_WORK/www"
tk_ns timeout 30 tcpdump -i "$TK_IF" -w "$TK_PCAPS/tshark-kernel.pcap" -U >/dev/null 2>&1 &
TK_PIDS+=($!)
sleep 1
for i in 1 2 3; do
    tk_ns timeout 10 curl -sS --fail -o /dev/null "http://$TK_ADDR/f.bin" || tk_fail "curl"
done
echo hi | tk_ns timeout 5 nc -N "$TK_ADDR" 81 >/dev/null 2>&1
tk_ns timeout 5 ping -c 2 -i 0.2 "$TK_ADDR" >/dev/null || tk_fail "ping"
sleep 0.5
tk_stop_serve
kill -INT "${TK_PIDS[-1]}" 2>/dev/null
wait "${TK_PIDS[-1]}" 2>/dev/null
n=0
for p in "$TK_PCAPS"/*.pcap; do
    case $(basename "$p") in
    garbage-* | garbage6-*) tk_tshark_check "$p" ours ;;
    tshark-kernel.pcap) case "${TK_OFFLOAD:-0}" in
        0 | off) tk_tshark_check "$p" ;;
        *) tk_tshark_check "$p" nocsum ;;
        esac ;;
    *) tk_tshark_check "$p" ;;
    esac
    n=$((n + 1))
done
[ "$n" -ge 2 ] || tk_fail "no captures to check"
tk_log "$n captures checked"
echo PASS
