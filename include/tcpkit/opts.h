/* Compile-time options, the counterpart of lwIP's lwipopts.h. An embedder
 * who wants other defaults writes a tk_opts.h and builds the core with
 * -DTK_OPTS and that file's directory on the include path:
 *
 *   #define TK_DEFAULT_MAX_SOCKETS   6      // any tk_config field, in capitals
 *   #define TK_DEFAULT_RCVBUF        4096
 *   #define TK_DEFAULT_MAX_TIME_WAIT 8
 *
 * Every TK_DEFAULT_<FIELD> changes what tk_config_default() fills in; the
 * run-time setting stays, so a program may still change the field before
 * tk_stack_init. The list with the built-in values is src/config_defaults.h.
 * Without TK_OPTS the built-in defaults (the SPEC table) apply.
 *
 * TK_WITH_<FEATURE> 0 leaves a feature's code out of the build; its
 * settings then act as if off:
 *   TK_WITH_IPFRAG        IPv4 and IPv6 fragment reassembly (as ipfrag_slots
 *                         0: every fragment is dropped and counted in
 *                         drop_ip_fragment or drop_ip6_fragment)
 *   TK_WITH_MD5           TCP-MD5 signatures (RFC 2385): the key store stays
 *                         empty (tk_stack_md5_add answers -ENOPROTOOPT), so
 *                         signed segments are dropped as for a pair with no key
 *   TK_WITH_SYNCOOKIE     SYN cookies (as syn_cookies false: a SYN that finds
 *                         the syncache full is dropped, drop_syn_backlog_full)
 *   TK_WITH_ENCAP         TCP over UDP (as udp_tunnel_port 0: no UDP input,
 *                         every datagram a counted drop in the IP layer)
 *   TK_WITH_ECN           ECN (as ecn 0: no ECN-setup SYN or SYN-ACK)
 *   TK_WITH_FASTOPEN      TCP Fast Open (as fastopen 0: the option is ignored,
 *                         TCP_FASTOPEN and tk_send_fastopen answer
 *                         -ENOPROTOOPT / -EOPNOTSUPP)
 *   TK_WITH_SACK_SENDER   the sender's SACK scoreboard (as sack_boards with
 *                         none free: SACK is still negotiated and sent by the
 *                         receiver, recovery is NewReno's, RFC 6582)
 *   TK_WITH_KEEPALIVE     keep-alive probes (SO_KEEPALIVE, TCP_KEEPIDLE,
 *                         TCP_KEEPINTVL, TCP_KEEPCNT answer -ENOPROTOOPT;
 *                         keepalive_always has no effect)
 *   TK_WITH_TRACE         the trace hook (tk_stack_io.trace is never called;
 *                         drops are still counted)
 *   TK_WITH_COUNTER_NAMES the names of the counters (tk_stats_name returns
 *                         NULL; tk_stats_value and the tk_stats fields stay)
 *   TK_WITH_STATS64       64-bit counters (0: tk_counter is 32 bits and wraps)
 *   TK_STATS_TRIM         1: the counters of features compiled out (SYN cookies,
 *                         Fast Open, ECN, TCP over UDP, IPv6) are left out of
 *                         tk_stats too (their RAM; the other counters keep their
 *                         index). Default 0: every counter is there, read as 0.
 *   TK_WITH_SHARDS        one stack per core (tcpkit/shard.h: shard_count must
 *                         stay 1; connect() picks ports without RSS steering)
 *   TK_WITH_IPV6          IPv6, ND, MLD, ICMPv6 (no IPv6 state in the stack;
 *                         IPv6 frames are dropped as an unknown EtherType,
 *                         drop_eth_type, as with ipv6 false; a configuration
 *                         with ipv6 true is refused by tk_config_valid)
 *   TK_WITH_CUBIC         CUBIC with HyStart++ (NewReno is the only
 *                         controller and the default; TCP_CONGESTION "cubic"
 *                         answers -ENOENT; cc_algorithm CUBIC is refused)
 *   TK_WITH_PACING        pacing (nothing is paced; TCP_PACING answers
 *                         -ENOPROTOOPT; the pacing setting has no effect)
 *   TK_WITH_RACK          RACK-TLP loss detection and PRR (the rack setting
 *                         is forced off: duplicate-ACK recovery, RFC 5681 /
 *                         RFC 6582 and the SACK scoreboard's, RFC 6675)
 * Each defaults to 1. */
#ifndef TCPKIT_OPTS_H
#define TCPKIT_OPTS_H

#ifdef TK_OPTS
#include "tk_opts.h"
#endif

#ifndef TK_WITH_IPFRAG
#define TK_WITH_IPFRAG 1
#endif
#ifndef TK_WITH_MD5
#define TK_WITH_MD5 1
#endif

#ifndef TK_WITH_SYNCOOKIE
#define TK_WITH_SYNCOOKIE 1
#endif
#ifndef TK_WITH_ENCAP
#define TK_WITH_ENCAP 1
#endif
#ifndef TK_WITH_ECN
#define TK_WITH_ECN 1
#endif
#ifndef TK_WITH_FASTOPEN
#define TK_WITH_FASTOPEN 1
#endif
#ifndef TK_WITH_SACK_SENDER
#define TK_WITH_SACK_SENDER 1
#endif
#ifndef TK_WITH_KEEPALIVE
#define TK_WITH_KEEPALIVE 1
#endif
#ifndef TK_WITH_TRACE
#define TK_WITH_TRACE 1
#endif
#ifndef TK_WITH_COUNTER_NAMES
#define TK_WITH_COUNTER_NAMES 1
#endif
#ifndef TK_WITH_STATS64
#define TK_WITH_STATS64 1
#endif
#ifndef TK_STATS_TRIM
#define TK_STATS_TRIM 0
#endif
#ifndef TK_WITH_IPV6
#define TK_WITH_IPV6 1
#endif
#ifndef TK_WITH_CUBIC
#define TK_WITH_CUBIC 1
#endif
#ifndef TK_WITH_PACING
#define TK_WITH_PACING 1
#endif
#ifndef TK_WITH_RACK
#define TK_WITH_RACK 1
#endif

/* Table sizes a device may cut: listener hash heads (a power of two) and
 * static neighbour entries (fixed arrays in the stack object), and the
 * fewest heads of the connection, bind and TIME_WAIT hashes (a power of
 * two; more when the pools are larger). */
#ifndef TK_LISTEN_BUCKETS
#define TK_LISTEN_BUCKETS 64
#endif
#ifndef TK_NEIGH_MAX
#define TK_NEIGH_MAX 16
#endif
#ifndef TK_HASH_MIN_BUCKETS
#define TK_HASH_MIN_BUCKETS 16
#endif

/* The most out-of-order ranges one connection's receiver tracks (DT-8; at
 * most 255): a segment that would open one more is dropped
 * (drop_ooo_no_room). A tracker has one range per KiB of tk_config.rcvbuf,
 * at least 8 and at most this (tcp/reass.h). A fast sender on a reordering
 * path keeps many holes open at once: Linux's CUBIC through 2 % reordering
 * (5 ms, no loss) into 4 MiB buffers had 2,016 of 5,800 segments dropped
 * and resent with 8, 218 with 32, none with 64. Each range costs 9 bytes in
 * every reassembly tracker (reass_queues of them, by default one per
 * socket: 584 bytes each with 64 ranges, 80 with 8). */
#ifndef TK_REASS_MAX_RANGES
#define TK_REASS_MAX_RANGES 64
#endif

/* TK_WITH_SHARDS 0: no RSS-steered port choice (tcpkit/shard.h); a stack
 * configured with shard_count > 1 is refused by tk_config_valid. */
#ifndef TK_WITH_SHARDS
#define TK_WITH_SHARDS 1
#endif

#endif
