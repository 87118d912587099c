#!/bin/bash
# Interop 10 (ECN, RFC 3168 6.1.1): the kernel with net.ipv4.tcp_ecn=1 asks
# for ECN and tcpkit serve accepts (tk_config.ecn = 2, the default): the
# kernel's SYN carries ECE and CWR, tcpkit's SYN-ACK ECE alone, then data
# goes both ways through echo with ECT(0) and tcpkit's pure ACKs and
# retransmissions with Not-ECT. tcpkit's table lists the connection with
# "ecn" and counts it. Then a kernel that does not ask gets no ECN.
. "$(dirname "$0")/common.sh"
tk_begin ecn
tk_serve main echo
tk_random_file "$TK_WORK/up.bin" 2

tk_ns sysctl -qw net.ipv4.tcp_ecn=1 || tk_fail "cannot set net.ipv4.tcp_ecn"
# The stream stays open a moment after the file, so the table shows it.
(cat "$TK_WORK/up.bin"; sleep 2) | tk_ns timeout 60 nc -N "$TK_ADDR" 7 >"$TK_WORK/echoed.bin" &
nc_pid=$!
sleep 1
table=$(tk_serve_table)
wait "$nc_pid" || tk_fail "echo with ECN failed"
[ "$(tk_sha "$TK_WORK/echoed.bin")" = "$(tk_sha "$TK_WORK/up.bin")" ] || tk_fail "echo with ECN differs"
grep -q "ESTABLISHED .*ecn" <<<"$table" || tk_fail "the table shows no ECN connection: $table"
[ "$(tk_counter "$table" ecn_connections)" = 1 ] || tk_fail "ecn_connections is not 1"

tk_ns sysctl -qw net.ipv4.tcp_ecn=0
tk_ns timeout 60 nc -N "$TK_ADDR" 7 <"$TK_WORK/up.bin" >"$TK_WORK/plain.bin" || tk_fail "plain echo failed"
[ "$(tk_sha "$TK_WORK/plain.bin")" = "$(tk_sha "$TK_WORK/up.bin")" ] || tk_fail "plain echo differs"
table=$(tk_serve_table)
[ "$(tk_counter "$table" ecn_connections)" = 1 ] || tk_fail "the plain connection used ECN"
tk_stop_serve
tk_tshark_check "$TK_SERVE_PCAP"

# Stream 0 asked for ECN, stream 1 did not.
count() { tshark -n -r "$TK_SERVE_PCAP" -Y "$1" 2>/dev/null | wc -l; }
me="ip.src == $TK_ADDR"
kern="ip.src == $TK_KERNEL"
syn="tcp.flags.syn == 1 && tcp.flags.ack == 0"
synack="tcp.flags.syn == 1 && tcp.flags.ack == 1"
[ "$(count "tcp.stream == 0 && $kern && $syn && tcp.flags.ece == 1 && tcp.flags.cwr == 1")" -ge 1 ] ||
    tk_fail "the kernel's SYN is not ECN-setup"
[ "$(count "tcp.stream == 0 && $me && $synack && tcp.flags.ece == 1 && tcp.flags.cwr == 0 && ip.dsfield.ecn == 0")" -ge 1 ] ||
    tk_fail "tcpkit's SYN-ACK is not ECN-setup"
ect=$(count "tcp.stream == 0 && $me && tcp.len > 0 && ip.dsfield.ecn == 2")
[ "$ect" -gt 0 ] || tk_fail "no data from tcpkit with ECT(0)"
n=$(count "tcp.stream == 0 && $me && tcp.len > 0 && ip.dsfield.ecn != 2 && !tcp.analysis.retransmission && !tcp.analysis.window_probe")
[ "$n" = 0 ] || tk_fail "$n new data segments from tcpkit without ECT(0)"
n=$(count "$me && tcp.len == 0 && ip.dsfield.ecn != 0")
[ "$n" = 0 ] || tk_fail "$n segments without data from tcpkit are ECN-capable"
[ "$(count "tcp.stream == 0 && $kern && tcp.len > 0 && ip.dsfield.ecn == 2")" -gt 0 ] ||
    tk_fail "the kernel sent no ECT(0) data"
[ "$(count "tcp.stream == 1 && $me && $synack && tcp.flags.ece == 0 && tcp.flags.cwr == 0")" -ge 1 ] ||
    tk_fail "the plain SYN got an ECN-setup SYN-ACK"
n=$(count "tcp.stream == 1 && ip.dsfield.ecn != 0")
[ "$n" = 0 ] || tk_fail "$n packets of the plain connection are ECN-capable"
tk_log "ECN negotiated with the kernel; $ect data segments from tcpkit with ECT(0); none without ECN"
echo PASS
