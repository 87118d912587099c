#!/bin/bash
# Interop 20 (SEC-5, CM-3): connection churn from 16 kernel clients at once
# against `tcpkit serve close` (accept, close at once: tcpkit sends the first
# FIN and keeps the TIME_WAIT) with a TIME_WAIT table of 16 entries. 3000
# connections all complete (bench/tap_conns: connect, wait for tcpkit's FIN,
# close); the table stays bounded, and the connections that find it full
# end without one and are counted; no connection is reset.
. "$(dirname "$0")/common.sh"
tk_begin churn
[ -x "${TK_CONNS:-}" ] || tk_fail "TK_CONNS (bench/tap_conns) is not built"

tk_serve churn --sockets 128 --time-wait 16 close
r=$(tk_ns timeout 120 "$TK_CONNS" connect "$TK_ADDR" 7 3000 16) || tk_fail "churn client: $r"
tk_log "$r"
grep -q 'conns=3000 failed=0' <<<"$r" || tk_fail "not every connection completed: $r"

table=$(tk_serve_table)
[ "$(tk_counter "$table" passive_opens)" = 3000 ] ||
    tk_fail "passive opens $(tk_counter "$table" passive_opens), want 3000"
[ "$(tk_counter "$table" time_wait_entered)" = 3000 ] ||
    tk_fail "TIME_WAIT entered $(tk_counter "$table" time_wait_entered) times, want 3000"
full=$(tk_counter "$table" time_wait_pool_full)
[ "$full" -gt 0 ] || tk_fail "the 16-entry TIME_WAIT table never filled"
[ "$(tk_counter "$table" rsts_sent)" = 0 ] || tk_fail "tcpkit sent $(tk_counter "$table" rsts_sent) RSTs"
tw=$(awk '$1 == "TIME_WAIT"' <<<"$table" | wc -l)
[ "$tw" -le 16 ] || tk_fail "$tw connections in TIME_WAIT, the table holds 16"
tk_log "TIME_WAIT table full $full times, $tw entries held"
tk_stop_serve
echo PASS
