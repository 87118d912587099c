#!/bin/bash
# Interop 21 (DT-8, DT-12): a path that reorders and loses nothing
# (`--impair delay=20ms,reorder=2%`: each reordered frame 5 ms late), with
# the kernel's CUBIC on the other side, 8 MiB each way.
# - The kernel sends: tcpkit's receiver keeps every out-of-order segment.
#   With room for 8 reassembly ranges it dropped about 2,000 of the 5,800
#   segments (the kernel resent them); now none (drop_ooo_no_room).
# - tcpkit sends: the first late segments are resent before reordering is
#   known; the first D-SACK of such a copy marks reordering seen, so the
#   later ones wait for the reordering window. Before, 5 to 117 segments
#   were resent in up to 19 recoveries per run; now 0 to 38 in 1 to 3
#   (most runs: about 4 in one, undone). Asserted: at most 6 recoveries and
#   60 segments resent.
. "$(dirname "$0")/common.sh"
tk_begin reorder
PEER="/usr/bin/python3 $TK_SRCDIR/bench/tap_peer.py"
IMPAIR="delay=20ms,reorder=2%"
BYTES=8388608
export TK_PEER_CC=cubic
TK_SERVE_NO_PCAP=1 # as measured: a capture slows tcpkit's loop

tk_serve rx --impair "$IMPAIR,seed=21" --buffers 4194304 discard
r=$(tk_ns timeout 120 $PEER send "$TK_ADDR" 9 "$BYTES") || tk_fail "the kernel's send failed: $r"
table=$(tk_serve_table)
drops=$(tk_counter "$table" drop_ooo_no_room)
tk_log "kernel -> tcpkit: $r; out of order $(tk_counter "$table" ooo_segs_in), dropped $drops"
[ "$(tk_counter "$table" bytes_in)" -ge "$BYTES" ] || tk_fail "tcpkit received $(tk_counter "$table" bytes_in) bytes"
[ "$drops" = 0 ] || tk_fail "tcpkit dropped $drops out-of-order segments of a path that loses nothing"
tk_stop_serve

tk_ns ip link del "$TK_IF" 2>/dev/null
tk_serve tx --impair "$IMPAIR,seed=22" --buffers 4194304 chargen
r=$(tk_ns timeout 120 $PEER recv "$TK_ADDR" 19 "$BYTES") || tk_fail "the kernel's receive failed: $r"
table=$(tk_serve_table)
rtx=$(tk_counter "$table" retransmits)
rec=$(tk_counter "$table" fast_retransmits)
undone=$(tk_counter "$table" spurious_undos)
tk_log "tcpkit -> kernel: $r; retransmits $rtx, recoveries $rec, undone $undone"
[ "$rtx" -le 60 ] || tk_fail "tcpkit resent $rtx segments on a path that loses nothing"
[ "$rec" -le 6 ] || tk_fail "$rec recoveries ($undone undone) on a path that loses nothing"
tk_stop_serve
echo PASS
