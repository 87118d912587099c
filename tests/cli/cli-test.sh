#!/bin/sh
# The command-line contract of every `tcpkit` subcommand (docs/cli.md):
# --help exits 0 with the usage on stdout; an unknown option exits 2 and the
# message names it; `tcpkit --version` exits 0; a count that is not a number
# or is negative is a usage error (exit 2) naming the value.
# usage: cli-test.sh TCPKIT
T=$1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# expect STATUS WORD ARGS...: exit status STATUS; WORD (if not empty) in stderr.
expect() {
    want=$1 word=$2
    shift 2
    "$T" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
    got=$?
    [ "$got" -eq "$want" ] || fail "tcpkit $*: exit $got, want $want ($(head -1 "$TMP/err"))"
    if [ -n "$word" ] && ! grep -qF -- "$word" "$TMP/err"; then
        fail "tcpkit $*: stderr does not name '$word': $(head -1 "$TMP/err")"
    fi
}

help_ok() {
    "$T" "$@" --help >"$TMP/out" 2>"$TMP/err" </dev/null
    got=$?
    [ "$got" -eq 0 ] || fail "tcpkit $* --help: exit $got"
    grep -q "usage" "$TMP/out" || fail "tcpkit $* --help: no usage on stdout"
}

# Every subcommand main.c lists, and both benchmarks.
cmds=$("$T" --help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p')
[ -n "$cmds" ] || fail "tcpkit --help lists no command"
for c in $cmds "bench sim" "bench attack" "bench memory" "bench shards" "bench loss" "bench cc"; do
    # shellcheck disable=SC2086 # word splitting of "bench sim" is intended
    help_ok $c
    # shellcheck disable=SC2086
    expect 2 "--no-such-option" $c --no-such-option
done

"$T" --version >"$TMP/out" 2>&1 || fail "tcpkit --version: exit $?"
grep -q '^tcpkit [0-9]' "$TMP/out" || fail "tcpkit --version printed: $(cat "$TMP/out")"
expect 2 ""
expect 2 "--no-such-option" --no-such-option
expect 2 "no-such-command" no-such-command

# Counts: not a number, negative, missing value.
expect 2 "abc" bench sim --bytes abc
expect 2 "-5" bench sim --conns -5
expect 2 "-1" bench sim --time-wait=-1
expect 2 "--bytes" bench sim --bytes
expect 2 "1" bench shards --shards 1
expect 2 "--conns" bench shards --shards 3 --conns 64
expect 2 "x7" sim --seed x7
expect 2 "-3" sim lifecycle --bytes -3
expect 2 "150" sim --loss 150
expect 2 "--pcap" sim --pcap
expect 2 "bbr" sim --cc bbr
expect 2 "abc" sim --rate abc
expect 2 "-1" sim --queue-bytes -1
expect 2 "2" bench sim --pacing 2
expect 2 "reno" bench sim --cc reno
expect 2 "0" bench cc --seeds 0
expect 2 "200" bench cc --loss 200
expect 2 "-2" decode --tcp-offset -2
expect 2 "70000" decode --udp-tunnel-port 70000
expect 2 "-1" run --remote-isn=-1 x.pkt
expect 2 "--sysctl" run --sysctl
expect 2 "abc" serve --tap tk0 --addr 198.18.0.2/24 --port abc echo
expect 2 "100" serve --tap tk0 --addr 198.18.0.2/24 --buffers 100 echo
expect 2 "--buffers" connect --tap tk0 --addr 198.18.0.2/24 --buffers
expect 2 "--addr" serve --tap tk0 echo
expect 2 "--tap" connect --addr 198.18.0.2/24 198.18.0.1 7
expect 2 "-7" connect --tap tk0 --addr 198.18.0.2/24 198.18.0.1 -7
expect 2 "bad address" connect --tap tk0 --addr 198.18.0.2/24 198.18.0.x 7
expect 1 "bad --addr" serve --tap tk0 --addr 2001:2::zz/64 echo # as a bad IPv4 --addr
# NET-4: an IPv6 HOST that does not parse is a usage error, before any device
# is made (a good one connects: interop 16).
expect 2 "bad address" connect --tap tk0 --addr 2001:2::2/64 2001:2::zz::1 7

if [ "$failures" -ne 0 ]; then
    echo "$failures CLI contract failure(s)"
    exit 1
fi
echo "CLI contract: ok ($(echo $cmds | wc -w) commands)"
