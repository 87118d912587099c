#!/usr/bin/env bash
# SPEC EMB-2: the mps2-an385 firmware (ports/mps2-an385) boots in QEMU with
# a LAN9118 on a TAP device, inside a network namespace this test creates,
# and serves the Linux kernel: ping, an HTTP page, 1 MiB of TCP echo with
# the same SHA-256 back; then the board's connection table, read over its
# UART, shows the echo connection closed cleanly (gone, no RST counted).
# Run for the full firmware and for the minimal profile's (TK_BOARD_ELF).
# Addresses: 198.18.0.1 (kernel) and 198.18.0.2 (board), no route out.
# Needs root; as another user it exits 77 (CTest: skipped).
set -u
NAME=board
KERNEL=198.18.0.1
BOARD=198.18.0.2
IF=tkb0
MAC=02:74:6b:12:00:02
ELF=${TK_BOARD_ELF:-}

log() { printf '[%s] %s\n' "$NAME" "$*" >&2; }
fail() {
    log "FAIL: $*"
    [ -f "${WORK:-/nonexistent}/uart.out" ] && { log "UART:"; tail -40 "$WORK/uart.out" >&2; }
    exit 1
}

if [ "$(id -u)" != 0 ]; then
    echo "SKIP: the device test needs root (network namespace, TAP device)" >&2
    exit 77
fi
[ -c /dev/net/tun ] || fail "no /dev/net/tun"
command -v qemu-system-arm >/dev/null || fail "qemu-system-arm missing (make deps)"
[ -n "$ELF" ] && [ -f "$ELF" ] || fail "no firmware at '$ELF' (gcc-arm-none-eabi missing? make deps)"

NS="tk-$NAME-$$"
WORK=$(mktemp -d "/tmp/tk-$NAME.XXXXXX")
QEMU_PID=
cleanup() {
    local rc=$?
    [ -n "$QEMU_PID" ] && kill -TERM "$QEMU_PID" 2>/dev/null && wait "$QEMU_PID" 2>/dev/null
    exec 3>&- 2>/dev/null
    ip netns del "$NS" 2>/dev/null
    if [ "$rc" = 0 ]; then rm -rf "$WORK"; else log "work files kept in $WORK"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
ns() { ip netns exec "$NS" "$@"; }

ip netns add "$NS" || fail "cannot create namespace $NS"
ns ip link set lo up

# The UART: QEMU's standard input is a FIFO this shell keeps open (fd 3),
# its output a file.
mkfifo "$WORK/uart.in"
exec 3<>"$WORK/uart.in"
ns timeout --preserve-status 100 qemu-system-arm -M mps2-an385 -nographic -kernel "$ELF" \
    -nic "tap,ifname=$IF,script=no,downscript=no,model=lan9118,mac=$MAC" \
    <"$WORK/uart.in" >"$WORK/uart.out" 2>"$WORK/qemu.err" &
QEMU_PID=$!

# uart_wait PATTERN SECONDS: until the UART output has a line matching it.
uart_wait() {
    local i
    for i in $(seq 1 $(($2 * 10))); do
        grep -qE "$1" "$WORK/uart.out" && return 0
        kill -0 "$QEMU_PID" 2>/dev/null || fail "QEMU exited: $(cat "$WORK/qemu.err")"
        sleep 0.1
    done
    fail "no '$1' on the UART in $2 s"
}
# uart_cmd C END: sends command C, prints its answer up to the line END.
uart_cmd() {
    local before
    before=$(wc -l <"$WORK/uart.out")
    printf '%s' "$1" >&3
    local i
    for i in $(seq 1 50); do
        tail -n +$((before + 1)) "$WORK/uart.out" | grep -q "^$2" && break
        sleep 0.1
    done
    tail -n +$((before + 1)) "$WORK/uart.out" | tr -d '\r' | sed "/^$2/q"
}

for i in $(seq 1 50); do
    ns ip link show "$IF" >/dev/null 2>&1 && break
    sleep 0.1
done
ns ip addr add "$KERNEL/24" dev "$IF" || fail "QEMU did not create $IF: $(cat "$WORK/qemu.err")"
ns ip link set "$IF" up
uart_wait '^services: echo 7, http 80' 20
log "board up: $(grep '^tcpkit:' "$WORK/uart.out" | tr -d '\r')"

# Ping: the first may wait for ARP; then three of three must come back.
for i in $(seq 1 20); do
    ns ping -c 1 -W 1 "$BOARD" >/dev/null 2>&1 && break
done
out=$(ns ping -c 3 -i 0.2 -W 2 "$BOARD") || fail "ping: $out"
grep -q '3 packets transmitted, 3 received' <<<"$out" || fail "ping: $out"
log "ping: 3 of 3"

page=$(ns timeout 20 curl -s --max-time 15 "http://$BOARD/") || fail "curl failed"
[ "$page" = "hello from tcpkit on mps2-an385" ] || fail "page was '$page'"
log "http: '$page'"

head -c $((1024 * 1024)) /dev/urandom >"$WORK/send.bin"
ns timeout 60 nc -N "$BOARD" 7 <"$WORK/send.bin" >"$WORK/back.bin" || fail "echo: nc failed"
sent=$(sha256sum <"$WORK/send.bin" | cut -d' ' -f1)
back=$(sha256sum <"$WORK/back.bin" | cut -d' ' -f1)
[ "$sent" = "$back" ] || fail "echo: $(stat -c %s "$WORK/back.bin") bytes back, SHA-256 differs"
log "echo: 1048576 bytes back, SHA-256 $back"
uart_wait "^echo $KERNEL:[0-9]+ closed rx=1048576 tx=1048576" 10

# The passive close ends in LAST_ACK and then CLOSED: wait for the entry to
# leave the table, then check it and the counters.
for i in $(seq 1 20); do
    table=$(uart_cmd t 'table end')
    grep -qE "^(CLOSE_WAIT|LAST_ACK|ESTABLISHED) .*:7 " <<<"$table" || break
    sleep 0.2
done
printf '%s\n' "$table" >&2
grep -qE '^LISTEN .*0\.0\.0\.0:7 ' <<<"$table" || fail "echo listener missing from the table"
grep -qE "^[A-Z_0-9]+ .*:7 +$KERNEL:" <<<"$table" && fail "echo connection still in the table"
stats=$(uart_cmd s 'stats end')
# A firmware without counter names (TK_WITH_COUNTER_NAMES 0) prints
# "#index value": the index is the field's place in TK_STATS_FIELDS.
names=$(grep -oE '^ +X\([a-z_0-9]+\)' "$(dirname "$0")/../../include/tcpkit/stats.h" | tr -d ' X()')
stats=$(awk 'NR == FNR { name[NR - 1] = $1; next }
             /^#[0-9]+ / { i = substr($1, 2) + 0; $1 = name[i] } { print }' \
    <(printf '%s\n' "$names") <(printf '%s\n' "$stats"))
grep -qE '^(rsts_sent|rsts_rcvd|estab_resets|attempt_fails) ' <<<"$stats" &&
    fail "resets counted: $(grep -E '^(rsts|estab|attempt)' <<<"$stats")"
grep -qE '^passive_opens 2$' <<<"$stats" || fail "passive_opens is not 2: $stats"
log "closed cleanly: no RST sent or received, 2 passive opens"
exit 0
