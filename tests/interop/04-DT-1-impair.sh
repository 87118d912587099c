#!/bin/bash
# Interop 4 (DT-1 over a real link): with tcpkit's fault injector on both
# directions (loss, delay, reordering, duplication, corruption) the 10 MiB
# download and upload still match exactly, and the kernel's own counters
# (nstat in the namespace) show that it retransmitted and recovered.
. "$(dirname "$0")/common.sh"
tk_begin impair
IMPAIR=${TK_IMPAIR:-loss=5%,delay=20ms,reorder=10%,dup=1%,corrupt=0.5%}
mkdir -p "$TK_WORK/www"
tk_random_file "$TK_WORK/www/big.bin" 10
tk_random_file "$TK_WORK/www/one.bin" 1
echo small >"$TK_WORK/www/small.txt"
want=$(tk_sha "$TK_WORK/www/big.bin")
tk_ns nstat -n >/dev/null 2>&1

tk_serve main --impair "$IMPAIR,seed=4" http "$TK_WORK/www"
t0=$(date +%s)
tk_ns timeout 280 curl -sS --fail -o "$TK_WORK/got.bin" \
    "http://$TK_ADDR/big.bin" || tk_fail "curl under impairment failed"
[ "$(tk_sha "$TK_WORK/got.bin")" = "$want" ] || tk_fail "download differs under impairment"
tk_log "download 10 MiB under $IMPAIR matches ($(($(date +%s) - t0)) s)"
ok=0
for i in $(seq 1 30); do
    tk_ns timeout 30 curl -sS --fail -H 'Connection: close' -o /dev/null \
        "http://$TK_ADDR/small.txt" && ok=$((ok + 1))
done
[ "$ok" = 30 ] || tk_fail "$ok of 30 short requests succeeded under impairment"
tk_log "30 of 30 short sequential requests succeeded"
table=$(tk_serve_table)
tk_log "tcpkit: $(for c in retransmits fast_retransmits rto_timeouts dupacks_in ooo_segs_in \
    drop_ip_bad_csum drop_tcp_bad_csum; do printf '%s=%s ' $c "$(tk_counter "$table" $c)"; done)"
tk_stop_serve

# The kernel as the sender: 1 MiB through tcpkit's echo and back.
tk_ns ip link del "$TK_IF" 2>/dev/null
tk_serve echo --impair "$IMPAIR,seed=5" echo
t0=$(date +%s)
tk_ns timeout 200 nc -N "$TK_ADDR" 7 <"$TK_WORK/www/one.bin" >"$TK_WORK/echoed.bin" ||
    tk_fail "echo under impairment failed"
[ "$(tk_sha "$TK_WORK/echoed.bin")" = "$(tk_sha "$TK_WORK/www/one.bin")" ] ||
    tk_fail "echoed stream differs under impairment"
tk_log "echo of 1 MiB (kernel sends, tcpkit returns) matches ($(($(date +%s) - t0)) s)"
tk_stop_serve

# tcpkit as the sender to a python server.
tk_ns ip link del "$TK_IF" 2>/dev/null
tk_precreate_tap
ip netns exec "$TK_NS" timeout 290 /usr/bin/python3 "$(dirname "$0")/sink_server.py" \
    "$TK_KERNEL" 9000 "$TK_WORK/server.sha" &
TK_PIDS+=($!)
sleep 0.5
t0=$(date +%s)
tk_ns timeout 280 "$TK_BIN" connect --tap "$TK_IF" --addr "$TK_ADDR/24" \
    --impair "$IMPAIR,seed=6" --pcap "$TK_PCAPS/impair-connect.pcap" "$TK_KERNEL" 9000 \
    <"$TK_WORK/www/big.bin" >"$TK_WORK/reply.txt" 2>"$TK_WORK/connect.err" ||
    tk_fail "tcpkit connect under impairment failed: $(cat "$TK_WORK/connect.err")"
[ "$(cut -d' ' -f1 "$TK_WORK/server.sha")" = "$want" ] || tk_fail "upload differs under impairment"
[ "$(head -1 "$TK_WORK/reply.txt")" = "$want" ] || tk_fail "reply differs under impairment"
tk_log "upload 10 MiB under impairment matches on both sides ($(($(date +%s) - t0)) s)"

counters=$(tk_ns nstat -az TcpRetransSegs TcpExtTCPOFOQueue TcpExtTCPSACKRecovery \
    TcpExtTCPLossProbes TcpExtTCPTimeouts TcpInErrs TcpInCsumErrors 2>/dev/null)
tk_log "kernel counters: $(awk 'NR > 1 && $1 ~ /^Tcp/ { printf "%s=%s ", $1, $2 }' <<<"$counters")"
retrans=$(awk '$1 == "TcpRetransSegs" { print $2 }' <<<"$counters")
[ "${retrans:-0}" -gt 0 ] || tk_fail "the kernel retransmitted nothing: $counters"
ofo=$(awk '$1 == "TcpExtTCPOFOQueue" { print $2 }' <<<"$counters")
[ "${ofo:-0}" -gt 0 ] || tk_fail "the kernel queued nothing out of order: $counters"
for p in "$TK_PCAPS"/impair-*.pcap; do tk_tshark_check "$p"; done
# OBS-5, OBS-7 on the kernel's real lossy traffic: `tcpkit analyze --html`
# draws one arrow per packet, marks exactly the retransmissions tshark marks,
# and lists exactly the text report's notes.
/usr/bin/python3 "$(dirname "$0")/../pictures/check_tool_pictures.py" "$TK_BIN" \
    "$TK_WORK/pictures" capture "$TK_PCAPS"/impair-*.pcap ||
    tk_fail "the pictures of the impaired captures disagree with tshark or the text report"
echo PASS
