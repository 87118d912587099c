#!/bin/sh
# Runs every IPv4 script of the FreeBSD TCP test suite (read in place, never
# copied) through `tcpkit run --relax-options --relax-win`, on FreeBSD's
# defaults where tcpkit has the setting.
# usage: conformance.sh TCPKIT SUITE_DIR [BASELINE_FILE]
# With BASELINE_FILE, fails when fewer scripts pass than the number in it.
# Without the suite directory there is nothing to run: exit 77 (skipped).
set -u
tcpkit=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
suite=$2
baseline=${3:-}
if [ -n "$baseline" ]; then
    baseline=$(cd "$(dirname "$baseline")" && pwd)/$(basename "$baseline")
fi
if [ ! -d "$suite" ]; then
    echo "conformance: no suite at $suite"
    exit 77
fi
cd "$suite" || exit 2
scripts=$(find state-event-engine snippets snd-syn socket-api rcv-icmp -name '*ipv4*.pkt' | sort)
# The suite assumes a FreeBSD host with its default sysctls. Where tcpkit's
# default differs and tcpkit has the setting, the script starts with
# FreeBSD's value (docs/conformance.md, "The host the suite assumes").
freebsd_defaults="--sysctl net.inet.tcp.always_keepalive=1 --sysctl net.inet.tcp.initcwnd_segments=10"
# BSD's rule for the ACK field of an entirely old segment, built into
# FreeBSD (tcpkit's default is RFC 9293's, SPEC SEC-9).
freebsd_defaults="$freebsd_defaults --sysctl tcpkit.bsd_old_ack=1"
# FreeBSD's limit on ACKs to invalid segments: 5 per connection per second
# (tcpkit's default is Linux's, 1 per 500 ms; SPEC SEC-8).
freebsd_defaults="$freebsd_defaults --sysctl net.inet.tcp.ack_war_timewindow=1000"
freebsd_defaults="$freebsd_defaults --sysctl net.inet.tcp.ack_war_cnt=5"
out=$("$tcpkit" run --relax-options --relax-win $freebsd_defaults $scripts)
rc=$?
printf '%s\n' "$out"
[ "$rc" -le 1 ] || exit "$rc"
passed=$(printf '%s\n' "$out" | tail -n 1 | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
failed=$(printf '%s\n' "$out" | tail -n 1 | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
[ -n "$passed" ] || exit 2
total=$((passed + failed))
echo "conformance: $passed of $total IPv4 scripts pass ($((passed * 1000 / total / 10)).$((passed * 1000 / total % 10))%)"
if [ -n "$baseline" ]; then
    want=$(tr -dc '0-9' < "$baseline")
    [ -n "$want" ] || { echo "conformance: no number in $baseline"; exit 2; }
    if [ "$passed" -lt "$want" ]; then
        echo "conformance: $passed passed, below the recorded baseline of $want"
        exit 1
    fi
    echo "conformance: at or above the recorded baseline of $want"
fi
exit 0
