#!/bin/sh
# Runs every IPv4 script of the FreeBSD TCP test suite (read in place, never
# copied) through `tcpkit run --relax-options --relax-win --host freebsd`
# (FreeBSD's defaults where tcpkit has the setting), and prints the count
# for each directory.
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
# The IPv4 scripts: those named so, and every script of rcv-data-segments/
# (all IPv4, named by what they send).
scripts=$( (find state-event-engine snippets snd-syn socket-api rcv-icmp -name '*ipv4*.pkt'
    [ -d rcv-data-segments ] && find rcv-data-segments -name '*.pkt') | sort)
# The suite assumes a FreeBSD host with its default sysctls. Where tcpkit's
# default differs and tcpkit has the setting, `--host freebsd` starts every
# script with FreeBSD's value (docs/conformance.md, "The host the suite
# assumes").
out=$("$tcpkit" run --relax-options --relax-win --host freebsd $scripts)
rc=$?
printf '%s\n' "$out"
[ "$rc" -le 1 ] || exit "$rc"
passed=$(printf '%s\n' "$out" | tail -n 1 | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
failed=$(printf '%s\n' "$out" | tail -n 1 | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
[ -n "$passed" ] || exit 2
for dir in state-event-engine snippets snd-syn socket-api rcv-icmp rcv-data-segments; do
    p=$(printf '%s\n' "$out" | grep -c "^PASS $dir/")
    f=$(printf '%s\n' "$out" | grep -c "^FAIL $dir/")
    echo "conformance: $dir: $p of $((p + f))"
done
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
