#!/bin/bash
# Interop 15 (NET-7): `tcpkit serve --dpdk` on one end of a veth pair, the
# DPDK driver over DPDK's af_packet virtual device without hugepages: ping,
# curl 10 MiB with matching SHA-256, a refused port, then the echo service
# takes a 10 MiB upload back intact, and 10 MiB into discard leave the
# kernel no reason for a loss probe.
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/nic.sh"
tk_begin dpdk
"$TK_BIN" serve --help 2>&1 | grep -q -- '--dpdk' || { echo "SKIP: built without DPDK" >&2; exit 77; }
tk_veth
TK_DPDK_ARGS="--no-huge -m 256 --no-pci --no-shconf --file-prefix tk$$ --vdev=net_af_packet0,iface=$TK_NIC_T"
mkdir -p "$TK_WORK/www"
tk_random_file "$TK_WORK/www/big.bin" 10
tk_nic_serve main --dpdk "$TK_DPDK_ARGS" -- http "$TK_WORK/www"
tk_nic_checks
tk_stop_serve
tk_tshark_check "$TK_SERVE_PCAP"
tk_nic_serve echo --dpdk "$TK_DPDK_ARGS" -- echo
tk_ns timeout 60 nc -N "$TK_ADDR" 7 <"$TK_WORK/www/big.bin" >"$TK_WORK/echoed.bin" || tk_fail "echo failed"
[ "$(tk_sha "$TK_WORK/echoed.bin")" = "$(tk_sha "$TK_WORK/www/big.bin")" ] || tk_fail "echo differs"
tk_log "10 MiB through echo matches"
tk_stop_serve
tk_nic_upload_check --dpdk "$TK_DPDK_ARGS"
echo PASS
