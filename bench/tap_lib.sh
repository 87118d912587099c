# Shared by the TAP benchmarks (sourced): tcpkit creates tk0 in a namespace;
# the kernel's end gets 198.18.0.1/24 on it.

# tap_wait_up NS: waits (5 s at most) for tcpkit's tk0 in NS, then gives the
# kernel its address on it and sets it up.
tap_wait_up() {
    local ns=$1
    for _ in $(seq 1 100); do
        ip netns exec "$ns" ip link show tk0 >/dev/null 2>&1 && break
        sleep 0.05
    done
    ip netns exec "$ns" ip addr add 198.18.0.1/24 dev tk0 2>/dev/null
    ip netns exec "$ns" ip link set tk0 up
}
