#!/bin/bash
# Interop 2 (NET-2): curl downloads 10 MiB from `tcpkit serve http` and the
# SHA-256 matches; then 200 sequential requests with Connection: close all
# succeed (each one a whole connection life: handshake, data, close).
. "$(dirname "$0")/common.sh"
tk_begin http
mkdir -p "$TK_WORK/www"
tk_random_file "$TK_WORK/www/big.bin" 10
echo "hello from tcpkit" >"$TK_WORK/www/small.txt"
tk_serve main http "$TK_WORK/www"

start=$(date +%s.%N)
tk_ns timeout 120 curl -sS --fail -o "$TK_WORK/got.bin" "http://$TK_ADDR/big.bin" ||
    tk_fail "curl of 10 MiB failed"
end=$(date +%s.%N)
[ "$(tk_sha "$TK_WORK/got.bin")" = "$(tk_sha "$TK_WORK/www/big.bin")" ] ||
    tk_fail "SHA-256 of the download differs"
tk_log "10 MiB download matches ($(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f s", b - a }'))"

ok=0
for i in $(seq 1 200); do
    body=$(tk_ns timeout 10 curl -sS --fail -H 'Connection: close' "http://$TK_ADDR/small.txt") &&
        [ "$body" = "hello from tcpkit" ] && ok=$((ok + 1))
done
[ "$ok" = 200 ] || tk_fail "only $ok of 200 sequential requests succeeded"
tk_log "200 of 200 sequential Connection: close requests succeeded"

# HEAD, 404, 400 and a path escape.
code() { tk_ns timeout 10 curl -s -o /dev/null -w '%{http_code}' "$@"; }
[ "$(code -I "http://$TK_ADDR/small.txt")" = 200 ] || tk_fail "HEAD"
[ "$(code "http://$TK_ADDR/missing")" = 404 ] || tk_fail "404"
[ "$(code --path-as-is "http://$TK_ADDR/../../etc/passwd")" = 400 ] || tk_fail "path escape"
[ "$(code --path-as-is "http://$TK_ADDR/%2e%2e/%2e%2e/etc/passwd")" = 400 ] || tk_fail "encoded escape"
bad=$(printf 'BLAH\r\n\r\n' | tk_ns timeout 5 nc -N "$TK_ADDR" 80 | head -1)
[[ "$bad" == "HTTP/1.1 400"* ]] || tk_fail "malformed request: '$bad'"
# Keep-alive: two requests on one connection.
n=$(tk_ns timeout 10 curl -sS -v "http://$TK_ADDR/small.txt" "http://$TK_ADDR/small.txt" 2>&1 |
    grep -c 'Re-using existing connection\|Reusing existing')
[ "$n" -ge 1 ] || tk_fail "keep-alive connection not reused"
tk_stop_serve
tk_tshark_check "$TK_SERVE_PCAP"
echo PASS
