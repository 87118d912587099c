# Shared by the interop tests. Each test sources this file, calls tk_begin
# NAME, and then uses the helpers. The kernel side is 198.18.0.1/24 on the
# TAP device tk0 inside a namespace made for this run; tcpkit is 198.18.0.2.
# Everything runs under `timeout`, and the namespace is removed on exit,
# failure included. TK_OFFLOAD=1 in the environment runs tcpkit with the TAP
# offloads (checksum offload and TSO both ways, NET-7; docs/offloads.md):
# `TK_OFFLOAD=1 ctest -L interop`. Unset or 0: without them.
set -u

TK_KERNEL=198.18.0.1
TK_ADDR=198.18.0.2
TK_IF=tk0
TK_MAC=02:74:6b:12:00:02 # tcpkit's default MAC for 198.18.0.2
TK_PIDS=()

tk_log() { printf '[%s] %s\n' "${TK_NAME:-interop}" "$*" >&2; }
tk_fail() {
    tk_log "FAIL: $*"
    exit 1
}

tk_skip_unless_root() {
    if [ "$(id -u)" != 0 ]; then
        echo "SKIP: interop tests need root (network namespaces and TAP devices)" >&2
        exit 77
    fi
    [ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun" >&2; exit 77; }
    [ -x "${TK_BIN:-}" ] || { echo "SKIP: TK_BIN not set to the tcpkit binary" >&2; exit 77; }
}

tk_cleanup() {
    local rc=$?
    for pid in "${TK_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in "${TK_PIDS[@]}"; do
        wait "$pid" 2>/dev/null
    done
    ip netns del "$TK_NS" 2>/dev/null
    if [ "$rc" = 0 ]; then
        rm -rf "$TK_WORK"
    else
        tk_log "work files kept in $TK_WORK"
    fi
    exit "$rc"
}

# tk_begin NAME: a fresh namespace tk-NAME-PID and a work directory.
tk_begin() {
    TK_NAME=$1
    tk_skip_unless_root
    TK_NS="tk-$1-$$"
    TK_WORK=$(mktemp -d "/tmp/tk-$1.XXXXXX")
    TK_PCAPS=${TK_INTEROP_OUT:-/tmp/tk-interop}/pcaps
    mkdir -p "$TK_PCAPS"
    trap tk_cleanup EXIT
    trap 'exit 1' INT TERM
    ip netns add "$TK_NS" || tk_fail "cannot create namespace $TK_NS"
    case "${TK_OFFLOAD:-0}" in
    0 | off) tk_log "TAP offloads off (TK_OFFLOAD)" ;;
    *) tk_log "TAP offloads on: checksums and TSO both ways (TK_OFFLOAD)" ;;
    esac
    tk_ns ip link set lo up
}

tk_ns() { ip netns exec "$TK_NS" "$@"; }

# Gives the kernel side of tk0 its address once tcpkit created the device.
tk_kernel_side() {
    local i
    for i in $(seq 1 100); do
        tk_ns ip link show "$TK_IF" >/dev/null 2>&1 && break
        sleep 0.05
    done
    tk_ns ip link show "$TK_IF" >/dev/null 2>&1 || tk_fail "tcpkit did not create $TK_IF"
    tk_ns ip addr add "$TK_KERNEL/24" dev "$TK_IF" || tk_fail "cannot address $TK_IF"
    tk_ns ip link set "$TK_IF" up
}

# A persistent tk0 configured before tcpkit attaches to it (for clients).
tk_precreate_tap() {
    tk_ns ip tuntap add dev "$TK_IF" mode tap || tk_fail "cannot create $TK_IF"
    tk_ns ip addr add "$TK_KERNEL/24" dev "$TK_IF"
    tk_ns ip link set "$TK_IF" up
}

# tk_serve TAG ARGS...: tcpkit serve in the background with a capture
# $TK_PCAPS/NAME-TAG.pcap; its stdout/stderr go to $TK_WORK/serve.{out,err}.
tk_serve() {
    local tag=$1
    shift
    TK_SERVE_PCAP="$TK_PCAPS/$TK_NAME-$tag.pcap"
    local pcap=(--pcap "$TK_SERVE_PCAP")
    [ -n "${TK_SERVE_NO_PCAP:-}" ] && pcap=() # e.g. --threads, which takes no capture
    ip netns exec "$TK_NS" timeout --preserve-status 280 "$TK_BIN" serve --tap "$TK_IF" --addr "$TK_ADDR/24" \
        "${pcap[@]}" "$@" >"$TK_WORK/serve.out" 2>"$TK_WORK/serve.err" &
    TK_SERVE_PID=$!
    TK_PIDS+=("$TK_SERVE_PID")
    tk_kernel_side
    # timeout forwards TERM and INT but not USR1: signal tcpkit itself.
    TK_SERVE_CHILD=$(pgrep -P "$TK_SERVE_PID" | head -1)
    [ -n "$TK_SERVE_CHILD" ] || tk_fail "tcpkit serve is not running"
    TK_PIDS+=("$TK_SERVE_CHILD")
    tk_wait_reachable
}

# Waits until tcpkit answers ARP (a ping gets through).
tk_wait_reachable() {
    local i
    for i in $(seq 1 50); do
        tk_ns ping -c 1 -W 1 "$TK_ADDR" >/dev/null 2>&1 && return 0
        kill -0 "$TK_SERVE_PID" 2>/dev/null || tk_fail "tcpkit serve exited: $(cat "$TK_WORK/serve.err")"
    done
    tk_fail "tcpkit at $TK_ADDR does not answer"
}

# The connection table and counters tcpkit serve prints on SIGUSR1.
tk_serve_table() {
    local before
    before=$(wc -c <"$TK_WORK/serve.out")
    kill -USR1 "$TK_SERVE_CHILD" || tk_fail "tcpkit serve is gone"
    sleep 0.5
    tail -c +$((before + 1)) "$TK_WORK/serve.out"
}

# A counter's value from a table dump (0 when absent).
tk_counter() { awk -v n="$2" '$1 == n { v = $2 } END { print v + 0 }' <<<"$1"; }

tk_stop_serve() {
    kill -TERM "$TK_SERVE_PID" 2>/dev/null
    wait "$TK_SERVE_PID" 2>/dev/null
    local rc=$?
    [ "$rc" = 0 ] || tk_fail "tcpkit serve exited with $rc: $(tail -5 "$TK_WORK/serve.err")"
}

# A file of n MiB of random bytes.
tk_random_file() { head -c $(($2 * 1024 * 1024)) /dev/urandom >"$1"; }

tk_sha() { sha256sum "$1" | cut -d' ' -f1; }

# Segments from tcpkit that tshark flags "ACKed unseen segment" and that
# really acknowledge bytes the capture never carried intact. tshark's flag is
# a heuristic: with reordering, re-segmented retransmissions and frames the
# fault injector corrupted (recorded, then dropped by tcpkit) it can flag an
# ACK whose data is in the capture. Such an ACK is checked against the
# highest sequence number the peer sent in frames with a good checksum
# before it, in the same stream, and only counted when it goes beyond. A
# FIN counts (its sequence number is in tcp.nxtseq) with or without data.
tk_acked_unseen() {
    local pcap=$1 opts=(-n -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE $TK_TSHARK_DATA -r "$1")
    local flagged
    flagged=$(tshark "${opts[@]}" -Y "ip.src == $TK_ADDR && tcp.analysis.ack_lost_segment" \
        -T fields -e frame.number -e tcp.stream -e tcp.ack 2>/dev/null)
    [ -z "$flagged" ] && { echo 0; return; }
    tshark "${opts[@]}" -Y "ip.src != $TK_ADDR && (tcp.len > 0 || tcp.flags.fin == 1) && tcp.checksum.status != 0" \
        -T fields -e frame.number -e tcp.stream -e tcp.nxtseq 2>/dev/null |
        awk -v flagged="$flagged" '
            { f[NR] = $1; st[NR] = $2; nx[NR] = $3 }
            END {
                n = split(flagged, lines, "\n"); bad = 0
                for (i = 1; i <= n; i++) {
                    split(lines[i], x, "\t"); max = 0
                    for (j = 1; j <= NR; j++)
                        if (f[j] < x[1] && st[j] == x[2] && nx[j] > max) max = nx[j]
                    if (x[3] > max) bad++
                }
                print bad
            }'
}

# The checks look at each packet, not at reassembled streams: tshark's
# reassembly (HTTP bodies, or a heuristic dissector such as thrift claiming
# random bytes on port 9000) calls an identical retransmission that comes
# after a message was complete "malformed" (New fragment overlaps old data).
# Without reassembly, a body segment of a lossy HTTP transfer that starts
# with CRLF reads as a broken HTTP message, so port 80 is data here too.
TK_TSHARK_DATA="-d tcp.port==9000,data -d tcp.port==80,data -o tcp.desegment_tcp_streams:FALSE"

# The checks of test 7 on one capture. With "ours" as the second argument
# only tcpkit's frames must be well formed (the garbage test's own frames
# are malformed on purpose).
tk_tshark_check() {
    local pcap=$1 scope=${2:-all} n
    command -v tshark >/dev/null || { tk_log "tshark missing: capture not checked"; return 0; }
    local opts=(-n -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE $TK_TSHARK_DATA -r "$pcap")
    # The capture is taken at tcpkit's boundary, so frames the fault
    # injector corrupted on their way in appear as received: those carry a
    # bad checksum, and tcpkit dropped them. Any other malformed frame fails.
    local bad='ip.checksum.status == 0 || tcp.checksum.status == 0 || icmp.checksum.status == 0'
    local which="ip.src == $TK_ADDR || !($bad)"
    [ "$scope" = ours ] && which="ip.src == $TK_ADDR || eth.src == $TK_MAC"
    n=$(tshark "${opts[@]}" -Y "_ws.malformed && ($which)" 2>/dev/null | wc -l)
    [ "$n" = 0 ] || tk_fail "$pcap: $n malformed packets"
    # Packets tcpkit sent (the outer header's source: an ICMP error from the
    # kernel quotes our segment, and with TAP offloads the quoted copy keeps
    # the partial checksum the kernel would have finished on the way out).
    n=$(tshark "${opts[@]}" -Y "ip.src#1 == $TK_ADDR && (ip.checksum.status == 0 || tcp.checksum.status == 0 || icmp.checksum.status == 0)" 2>/dev/null | wc -l)
    # scope nocsum: a capture on the kernel's side of the TAP device while
    # tcpkit leaves TCP checksums to the kernel (TK_OFFLOAD): they are
    # partial there by design (Linux's CHECKSUM_PARTIAL), as on any host
    # capturing its own offloaded traffic.
    [ "$scope" = nocsum ] && n=0
    [ "$n" = 0 ] || tk_fail "$pcap: $n packets from $TK_ADDR with a bad checksum"
    n=$(tk_acked_unseen "$pcap")
    [ "$n" = 0 ] || tk_fail "$pcap: $n segments from $TK_ADDR ACK unseen data"
    tk_log "capture $(basename "$pcap"): $(tshark -r "$pcap" 2>/dev/null | wc -l) packets, clean"
}
