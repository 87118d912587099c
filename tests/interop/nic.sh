# Shared by the tests of the drivers for real NICs (NET-7: AF_XDP, DPDK),
# sourced after common.sh. tcpkit drives one end of a veth pair inside the
# test's namespace: tk-t (no kernel address, tcpkit's MAC, IPv6 off) while
# the kernel has 198.18.0.1/24 on tk-k. The kernel end sends plain frames
# (no TSO/GSO, checksums complete) as a NIC's wire would carry them.
TK_NIC_K=tk-k
TK_NIC_T=tk-t
# Loss probes the kernel may send in a 10 MiB upload (tk_nic_upload_check).
TK_NIC_MAX_PROBES=${TK_NIC_MAX_PROBES:-4}

tk_veth() {
    tk_ns ip link add "$TK_NIC_K" type veth peer name "$TK_NIC_T" || tk_fail "cannot create the veth pair"
    for i in "$TK_NIC_K" "$TK_NIC_T"; do
        tk_ns sysctl -qw "net.ipv6.conf.$i.disable_ipv6=1"
        tk_ns ethtool -K "$i" tso off gso off gro off tx off rx off >/dev/null 2>&1 ||
            tk_fail "ethtool -K $i failed"
    done
    tk_ns ip link set "$TK_NIC_T" address "$TK_MAC"
    tk_ns ip addr add "$TK_KERNEL/24" dev "$TK_NIC_K"
    tk_ns ip link set "$TK_NIC_K" up
    tk_ns ip link set "$TK_NIC_T" up
}

# tk_nic_serve TAG DEVICE-OPTIONS... -- SERVE-ARGS...: tcpkit serve on the
# veth through a NIC driver, captured to $TK_PCAPS/NAME-TAG.pcap.
tk_nic_serve() {
    local tag=$1 dev=()
    shift
    while [ "$1" != "--" ]; do dev+=("$1"); shift; done
    shift
    TK_SERVE_PCAP="$TK_PCAPS/$TK_NAME-$tag.pcap"
    ip netns exec "$TK_NS" timeout --preserve-status 280 "$TK_BIN" serve "${dev[@]}" \
        --addr "$TK_ADDR/24" --pcap "$TK_SERVE_PCAP" "$@" \
        >"$TK_WORK/serve.out" 2>"$TK_WORK/serve.err" &
    TK_SERVE_PID=$!
    TK_PIDS+=("$TK_SERVE_PID")
    sleep 0.5
    TK_SERVE_CHILD=$(pgrep -P "$TK_SERVE_PID" | head -1)
    [ -n "$TK_SERVE_CHILD" ] || tk_fail "tcpkit serve is not running: $(cat "$TK_WORK/serve.err")"
    TK_PIDS+=("$TK_SERVE_CHILD")
    tk_wait_reachable
}

# The checks every NIC driver passes: ping, a 10 MiB download with matching
# SHA-256, a 10 MiB upload through echo, a refused port; then the capture.
tk_nic_checks() {
    tk_ns ping -c 3 -i 0.2 -W 1 "$TK_ADDR" >/dev/null || tk_fail "ping"
    tk_log "ping answered"
    local t0 t1
    t0=$(date +%s.%N)
    tk_ns timeout 120 curl -sS --fail -o "$TK_WORK/got.bin" "http://$TK_ADDR/big.bin" ||
        tk_fail "curl of 10 MiB failed"
    t1=$(date +%s.%N)
    [ "$(tk_sha "$TK_WORK/got.bin")" = "$(tk_sha "$TK_WORK/www/big.bin")" ] ||
        tk_fail "SHA-256 of the download differs"
    tk_log "10 MiB download matches ($(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f s, %.0f Mbit/s", b - a, 83.886 / (b - a) }'))"
    local code
    code=$(tk_ns timeout 10 curl -s -o /dev/null -w '%{http_code}' "http://$TK_ADDR:81/" 2>/dev/null)
    [ "$code" = 000 ] || tk_fail "port 81 answered $code instead of refusing"
    tk_log "a closed port refuses"
}

# tk_kernel_counter NAME: the kernel's counter NAME (nstat) in the test's
# namespace, absolute (the namespace is the test's own).
tk_kernel_counter() {
    tk_ns nstat -saz "$1" | awk -v n="$1" '$1 == n { print $2 }'
}

# tk_nic_upload_check DEVICE-OPTIONS...: 10 MiB from the kernel into
# tcpkit's discard service; the kernel's sender must not have waited for
# tcpkit's ACKs until its tail loss probe fired (NET-7: a driver that holds
# frames back until its next flush, as AF_XDP's copy mode did when it sent
# one batch of 32 per kick, makes the kernel probe dozens of times here).
tk_nic_upload_check() {
    local p0 p1
    tk_nic_serve discard "$@" -- discard --port 9
    p0=$(tk_kernel_counter TcpExtTCPLossProbes)
    tk_ns timeout 60 nc -N "$TK_ADDR" 9 <"$TK_WORK/www/big.bin" || tk_fail "upload to discard failed"
    p1=$(tk_kernel_counter TcpExtTCPLossProbes)
    tk_log "10 MiB uploaded; the kernel's loss probes: $((p1 - p0))"
    [ $((p1 - p0)) -le "$TK_NIC_MAX_PROBES" ] || tk_fail "the kernel sent $((p1 - p0)) loss probes (at most $TK_NIC_MAX_PROBES)"
    tk_stop_serve
}
