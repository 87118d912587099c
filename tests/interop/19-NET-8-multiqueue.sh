#!/bin/bash
# Interop 19 (NET-8): one stack per thread on a multiqueue TAP interface.
# `tcpkit serve --threads 2 echo` opens two queues of tk0 (IFF_MULTI_QUEUE),
# a stack on each; the kernel spreads connections over the queues by a hash
# of their addresses and ports and keeps each on the queue tcpkit answers
# from. 16 kernel connections each echo 64 KiB intact; both stacks accepted
# some, 16 in all; every byte in came back out.
. "$(dirname "$0")/common.sh"
tk_begin mq

TK_SERVE_NO_PCAP=1 tk_serve mq --threads 2 echo
tk_ns ip -d link show "$TK_IF" | grep -q 'multi_queue numqueues 2' ||
    tk_fail "tk0 is not a two-queue TAP: $(tk_ns ip -d link show "$TK_IF")"

cat >"$TK_WORK/echo16.py" <<'PY'
import os, socket, sys
ok = 0
for i in range(16):
    data = os.urandom(65536)
    s = socket.create_connection((sys.argv[1], 7), timeout=10)
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    got = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        got += b
    s.close()
    ok += got == data
print(ok)
PY
ok=$(tk_ns timeout 120 /usr/bin/python3 "$TK_WORK/echo16.py" "$TK_ADDR") || tk_fail "echo client failed"
[ "$ok" = 16 ] || tk_fail "$ok of 16 connections echoed intact"
tk_log "16 of 16 connections echoed 64 KiB intact"

before=$(wc -c <"$TK_WORK/serve.out")
kill -USR1 "$TK_SERVE_CHILD" || tk_fail "tcpkit serve is gone"
sleep 1
table=$(tail -c +$((before + 1)) "$TK_WORK/serve.out")
a=$(awk '/^shard 0 of 2/{s=0} /^shard 1 of 2/{s=1} $1=="passive_opens" && s==0 {print $2}' <<<"$table")
b=$(awk '/^shard 0 of 2/{s=0} /^shard 1 of 2/{s=1} $1=="passive_opens" && s==1 {print $2}' <<<"$table")
tk_log "passive opens: shard 0 ${a:-0}, shard 1 ${b:-0}"
[ "${a:-0}" -gt 0 ] && [ "${b:-0}" -gt 0 ] || tk_fail "one stack served nothing: ${a:-0} / ${b:-0}"
[ $((a + b)) = 16 ] || tk_fail "passive opens ${a} + ${b}, want 16"
tk_stop_serve
grep -q '2 threads on 2 queues' "$TK_WORK/serve.err" || tk_fail "$(cat "$TK_WORK/serve.err")"
echo PASS
