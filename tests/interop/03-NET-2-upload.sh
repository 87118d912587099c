#!/bin/bash
# Interop 3 (NET-2): `tcpkit connect` uploads 10 MiB to a python3 socket
# server in the namespace; the SHA-256 matches on both sides. tcpkit
# resolves the server's address with ARP, half-closes at the end of stdin,
# and reads the server's reply until the server closes. Then the other way
# through echo with --offload.
. "$(dirname "$0")/common.sh"
tk_begin upload
tk_precreate_tap
tk_random_file "$TK_WORK/up.bin" 10
ip netns exec "$TK_NS" timeout 120 /usr/bin/python3 "$(dirname "$0")/sink_server.py" \
    "$TK_KERNEL" 9000 "$TK_WORK/server.sha" &
TK_PIDS+=($!)
sleep 0.5
start=$(date +%s.%N)
tk_ns timeout 120 "$TK_BIN" connect --tap "$TK_IF" --addr "$TK_ADDR/24" \
    --pcap "$TK_PCAPS/upload-main.pcap" "$TK_KERNEL" 9000 \
    <"$TK_WORK/up.bin" >"$TK_WORK/reply.txt" 2>"$TK_WORK/connect.err" ||
    tk_fail "tcpkit connect failed ($?): $(cat "$TK_WORK/connect.err")"
end=$(date +%s.%N)
want=$(tk_sha "$TK_WORK/up.bin")
[ "$(cut -d' ' -f1 "$TK_WORK/server.sha")" = "$want" ] ||
    tk_fail "server received something else: $(cat "$TK_WORK/server.sha")"
[ "$(head -1 "$TK_WORK/reply.txt")" = "$want" ] || tk_fail "reply differs: $(cat "$TK_WORK/reply.txt")"
tk_log "10 MiB upload matches on both sides ($(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f s", b - a }'))"
tk_tshark_check "$TK_PCAPS/upload-main.pcap"

# The kernel uploading through tcpkit's echo with TAP receive offloads
# (--offload): the kernel's TSO segments arrive whole, with the checksum
# completed by the driver; the stream comes back intact.
tk_ns ip link del "$TK_IF" 2>/dev/null
tk_serve offload --offload echo
tk_ns timeout 60 nc -N "$TK_ADDR" 7 <"$TK_WORK/up.bin" >"$TK_WORK/echoed.bin" ||
    tk_fail "echo with --offload failed"
[ "$(tk_sha "$TK_WORK/echoed.bin")" = "$want" ] || tk_fail "echo with --offload differs"
big=$(tshark -r "$TK_SERVE_PCAP" -Y 'frame.len > 1514' 2>/dev/null | wc -l)
[ "$big" -gt 0 ] || tk_fail "no segment above the MTU arrived with --offload"
tk_log "10 MiB through echo with --offload matches ($big segments above the MTU)"
tk_stop_serve
tk_tshark_check "$TK_SERVE_PCAP"
echo PASS
