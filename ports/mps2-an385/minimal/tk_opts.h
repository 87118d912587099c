/* The board's "minimal" profile (make footprint): what the echo and HTTP
 * services need (IPv4, ARP, ICMP echo, TCP with window scaling, timestamps
 * and SACK as a receiver), every other feature compiled out
 * (tcpkit/opts.h), and defaults sized for 2 listeners and 4 connections
 * with 4 KiB buffers each way.
 *
 * The host tests of this profile (make check-minimal) define
 * TK_PROFILE_HOST_TESTS: they assert the SPEC's default values and read
 * the stack through the trace hook and the counter names, so those stay
 * as built in; the protocol features are left out all the same. */
#ifndef TK_BOARD_MINIMAL_OPTS_H
#define TK_BOARD_MINIMAL_OPTS_H

#define TK_WITH_IPFRAG      0
#define TK_WITH_MD5         0
#define TK_WITH_SYNCOOKIE   0
#define TK_WITH_ENCAP       0
#define TK_WITH_ECN         0
#define TK_WITH_FASTOPEN    0
#define TK_WITH_SACK_SENDER 0
#define TK_WITH_KEEPALIVE   0
#define TK_WITH_SHARDS      0
#define TK_WITH_IPV6        0
#define TK_WITH_CUBIC       0 /* NewReno */
#define TK_WITH_PACING      0
#define TK_WITH_RACK        0

#ifndef TK_PROFILE_HOST_TESTS
#define TK_WITH_TRACE         0
#define TK_WITH_COUNTER_NAMES 0
#define TK_WITH_STATS64       0 /* 32-bit counters */
#define TK_STATS_TRIM         1 /* no counters for the features left out */
#define TK_LISTEN_BUCKETS     4 /* two listeners */
#define TK_NEIGH_MAX          2 /* static neighbours */
#define TK_TCB_ALIGN          8 /* no data cache: TCBs need no line alignment */
#define TK_HASH_MIN_BUCKETS   4 /* hash heads: as many as entries */
#define TK_REASS_MAX_RANGES   8 /* out-of-order ranges of the one tracker */

/* 2 listeners + 4 connections; the tables sized from it (TIME_WAIT 96,
 * syncache 12, ARP 3) are then cut to what 4 connections need. */
#define TK_DEFAULT_MAX_SOCKETS      6
#define TK_DEFAULT_MAX_TIME_WAIT    4
#define TK_DEFAULT_MAX_SYN_BACKLOG  2 /* half-open: a third SYN waits for its retry */
#define TK_DEFAULT_SYN_RATE_SOURCES 0 /* no per-source SYN limit (syn_rate_limit 0) */
#define TK_DEFAULT_ARP_CACHE_SIZE   4
/* No frame waits for ARP: a server learns its peers from their own ARP
 * requests; a first SYN to an unknown neighbour is dropped (counted) while
 * the address resolves, and its retransmission goes out. */
#define TK_DEFAULT_ARP_QUEUE_FRAMES  0
#define TK_DEFAULT_TX_BACKLOG_FRAMES 1
/* 4 KiB each way in 512-byte chunks from one pool of 4 x (4 + 4) KiB:
 * listeners hold none, and when every connection has its buffers full a
 * window shrinks by the chunk it straddles rather than the pool growing. */
#define TK_DEFAULT_RCVBUF           4096u
#define TK_DEFAULT_SNDBUF           4096u
#define TK_DEFAULT_OOO_BUDGET_BYTES 4096u
#define TK_DEFAULT_BUF_CHUNK_SIZE   512u
#define TK_DEFAULT_BUF_POOL_BYTES   (4u * (4096u + 4096u))
/* One out-of-order tracker, taken by the connection that sees a hole. */
#define TK_DEFAULT_REASS_QUEUES 1u
#define TK_DEFAULT_MD5_KEYS     0
#define TK_DEFAULT_IPFRAG_SLOTS 0
#define TK_DEFAULT_ECN          0
#define TK_DEFAULT_SYN_COOKIES  false
#endif

#endif
