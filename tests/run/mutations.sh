#!/bin/sh
# The runner must not be lenient: base.pkt passes, and every script in
# mutations/ (base.pkt with one thing wrong) fails on the line and with the
# message its "// expect: line N: TEXT" comment names. A syntax error exits 2.
# usage: mutations.sh TCPKIT_BINARY DIR
set -u
tcpkit=$1
dir=$2
status=0

fail() {
    echo "not ok: $*"
    status=1
}

for good in base.pkt restored-setting.pkt running-sysctl.pkt same-instant.pkt blocking.pkt \
    blocking-wait.pkt non-fatal.pkt tcp-info.pkt tcp-info-options.pkt ecn.pkt udp-encap.pkt \
    msg-flags.pkt shell-linux.pkt shell-multiline.pkt packet-forms.pkt headers.pkt io-calls.pkt \
    tcp-info-linux.pkt bind-wildcard.pkt ipv6.pkt ipv6-closed.pkt; do
    out=$("$tcpkit" run "$dir/$good")
    rc=$?
    [ "$rc" -eq 0 ] || fail "$good: exit $rc, output: $out"
    [ "$(printf '%s\n' "$out" | tail -n 1)" = "1 passed, 0 failed" ] || fail "$good summary: $out"
done

# --non_fatal=syscall lets result mismatches through but names them.
out=$("$tcpkit" run "$dir/non-fatal.pkt")
case "$out" in
"PASS $dir/non-fatal.pkt (--non_fatal=syscall: 2 system call results differed; first: line 10: expected SO_RCVBUF 1234, got 65536)"*) ;;
*) fail "non-fatal.pkt: $out" ;;
esac

# --local_ip, --remote_ip, --bind_port: the packets carry those addresses.
case "$("$tcpkit" run -v "$dir/headers.pkt")" in
*"< IP 192.0.2.1.50000 > 192.168.0.1.9090: Flags [S]"*) ;;
*) fail "headers.pkt: the addresses of the header are not used" ;;
esac

# --non_fatal: a sysctl without a tcpkit setting is reported and skipped.
out=$("$tcpkit" run "$dir/shell-non-fatal.pkt")
case "$out" in
"PASS $dir/shell-non-fatal.pkt (--non_fatal=syscall: 1 system call results differed; first: line 6: sysctl net.ipv4.tcp_no_such_knob has no tcpkit setting)"*) ;;
*) fail "shell-non-fatal.pkt: $out" ;;
esac

for script in "$dir"/mutations/*.pkt; do
    expect=$(sed -n 's|^// expect: ||p' "$script")
    want_rc=1
    case "$expect" in *"syntax error"*) want_rc=2 ;; esac
    line=${expect%%: *}
    text=${expect#*: }
    out=$("$tcpkit" run "$script")
    rc=$?
    first=$(printf '%s\n' "$out" | head -n 1)
    last=$(printf '%s\n' "$out" | tail -n 1)
    [ "$rc" -eq "$want_rc" ] || fail "$script: exit $rc, want $want_rc: $first"
    case "$first" in
    "FAIL $script: $line: "*"$text"*) echo "ok: $(basename "$script"): $first" ;;
    *) fail "$script: want 'FAIL $script: $line: ...$text...', got '$first'" ;;
    esac
    [ "$last" = "0 passed, 1 failed" ] || fail "$script summary: $last"
done

# --sysctl NAME=N: the script starts as if the sysctl had run before it.
out=$("$tcpkit" run --sysctl net.inet.tcp.initcwnd_segments=5 "$dir/preset-iw.pkt")
[ "$?" -eq 0 ] || fail "preset-iw.pkt with --sysctl: $out"
out=$("$tcpkit" run "$dir/preset-iw.pkt")
rc=$?
case "$(printf '%s\n' "$out" | head -n 1)" in
"FAIL $dir/preset-iw.pkt: line 20: expected a packet at 0.100000, got . 1:1001(1000)"*) ;;
*) fail "preset-iw.pkt without --sysctl: exit $rc: $out" ;;
esac
for bad in net.inet.tcp.no_such_setting=1 net.inet.tcp.blackhole=0 net.inet.tcp.initcwnd_segments \
    net.inet.tcp.initcwnd_segments=ten net.inet.tcp.initcwnd_segments=65; do
    out=$("$tcpkit" run --sysctl "$bad" "$dir/preset-iw.pkt" 2>&1)
    rc=$?
    [ "$rc" -eq 2 ] || fail "--sysctl $bad: exit $rc, want 2: $out"
    case "$out" in *"tcpkit run: --sysctl"*) ;; *) fail "--sysctl $bad: message: $out" ;; esac
done

# --host freebsd: FreeBSD's defaults; without them the script fails where
# tcpkit's own default differs. An unknown host is a usage error.
out=$("$tcpkit" run --host freebsd "$dir/host-freebsd.pkt")
[ "$?" -eq 0 ] || fail "host-freebsd.pkt with --host freebsd: $out"
out=$("$tcpkit" run "$dir/host-freebsd.pkt")
case "$(printf '%s\n' "$out" | head -n 1)" in
"FAIL $dir/host-freebsd.pkt: line 16: expected a packet at 0.100000, got . 1:1(0) ack 4"*) ;;
*) fail "host-freebsd.pkt without --host: $out" ;;
esac
# -v prints the packets as tcpdump does and the state changes; --pcap
# writes the run (10 frames: a 24-byte file header, 10 16-byte record
# headers, 567 frame bytes).
out=$("$tcpkit" run -v --host freebsd "$dir/host-freebsd.pkt")
case "$out" in
*"0.100000 > IP 198.18.0.1.8080 > 198.18.0.2.50000: Flags [.], ack 4, win 32998, length 0"*) ;;
*) fail "-v: no tcpdump line for the ACK: $out" ;;
esac
case "$out" in
*"0.200000 state ESTABLISHED -> CLOSE_WAIT (rcv FIN)"*) ;;
*) fail "-v: no state change: $out" ;;
esac
pcap=$(mktemp)
"$tcpkit" run --host freebsd --pcap "$pcap" "$dir/host-freebsd.pkt" >/dev/null
size=$(wc -c < "$pcap")
rm -f "$pcap"
[ "$size" -eq 751 ] || fail "--pcap: $size bytes"
out=$("$tcpkit" run --host plan9 "$dir/host-freebsd.pkt" 2>&1)
[ "$?" -eq 2 ] || fail "--host plan9: want exit 2: $out"

# The relaxations leave the encapsulation strict.
out=$("$tcpkit" run --relax-options --relax-win "$dir/mutations/udp-dport.pkt")
case "$out" in
"FAIL $dir/mutations/udp-dport.pkt: line 14: expected UDP 9811 > 4001, got UDP 9811 > 4000"*) ;;
*) fail "udp-dport.pkt relaxed: $out" ;;
esac

# --ip_version (SPEC NET-4). ipv4-mapped-ipv6: AF_INET6 sockets, IPv4 on
# the wire; a header given an IPv6 value where the script is IPv4 fails.
out=$("$tcpkit" run --ip_version=ipv4-mapped-ipv6 "$dir/base.pkt" "$dir/bind-wildcard.pkt")
[ "$?" -eq 0 ] || fail "base.pkt, bind-wildcard.pkt as ipv4-mapped-ipv6: $out"
# The command line's version wins over the script's header.
out=$("$tcpkit" run -v --ip_version=ipv4 "$dir/ipv6-closed.pkt")
case "$out" in
*"0.100000 > IP 198.18.0.1.8080 > 198.18.0.2.50000: Flags [R.]"*"PASS $dir/ipv6-closed.pkt"*) ;;
*) fail "ipv6-closed.pkt run as IPv4: $out" ;;
esac
out=$("$tcpkit" run --ip_version=ipv7 "$dir/base.pkt" 2>&1)
[ "$?" -eq 2 ] || fail "--ip_version=ipv7: want exit 2: $out"
# ipv6: the peer answers the stack's neighbour solicitation at once, and
# no NDP or MLD frame reaches the script (the reply to the SYN does).
out=$("$tcpkit" run -v "$dir/ipv6-closed.pkt")
case "$out" in
*"0.100000 > IP6 fd3d:fa7b:d17d:: > ff02::1:ff00:0: ICMP6, neighbor solicitation, who has fd3d:fa7b:d17d:8888::, length 32"*) ;;
*) fail "ipv6-closed.pkt: no neighbour solicitation: $out" ;;
esac
case "$out" in
*"0.100000 < IP6 fd3d:fa7b:d17d:8888:: > fd3d:fa7b:d17d::: ICMP6, neighbor advertisement, tgt is fd3d:fa7b:d17d:8888::, length 32"*) ;;
*) fail "ipv6-closed.pkt: the solicitation was not answered: $out" ;;
esac
case "$out" in
*"multicast listener report"*"router solicitation"*) ;;
*) fail "ipv6-closed.pkt: the interface's MLD report and RS were not seen: $out" ;;
esac
case "$out" in
*"0.100000 > IP6 fd3d:fa7b:d17d::"*"fd3d:fa7b:d17d:8888::"*) ;;
*) fail "ipv6-closed.pkt: no answer to the SYN after resolution: $out" ;;
esac
case "$out" in
*"ICMPv6 message of type 13"[0-7]*|*"ICMPv6 message of type 143"*|*"line 9: expected no packet"*)
    fail "ipv6-closed.pkt: NDP or MLD frames reached the script: $out" ;;
esac
# The reset reaches the script, after the resolution.
case "$out" in
*"0.100000 > IP6 fd3d:fa7b:d17d::.8080 > fd3d:fa7b:d17d:8888::.50000: Flags [R.]"*"PASS $dir/ipv6-closed.pkt"*) ;;
*) fail "ipv6-closed.pkt: no reset: $out" ;;
esac

# Several scripts: one line each, the summary counts both, exit 1.
out=$("$tcpkit" run "$dir/base.pkt" "$dir/mutations/ack.pkt")
rc=$?
[ "$rc" -eq 1 ] || fail "two scripts: exit $rc"
[ "$(printf '%s\n' "$out" | wc -l)" -eq 3 ] || fail "two scripts: want 3 lines, got: $out"
[ "$(printf '%s\n' "$out" | tail -n 1)" = "1 passed, 1 failed" ] || fail "two scripts: $out"

exit $status
