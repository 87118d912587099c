/* The default of every run-time setting, each overridable at compile time:
 * define TK_DEFAULT_<FIELD> (the tk_config field in capitals) in the
 * embedder's tk_opts.h (tcpkit/opts.h) or on the command line that builds
 * the core. tk_config_default() applies them; the run-time setting stays.
 *
 * The tables sized by the number of connections follow
 * TK_DEFAULT_MAX_SOCKETS unless set themselves (the SPEC's values are those
 * for 64 sockets): TIME_WAIT entries 16 per socket, half-open entries 2,
 * SYN-rate sources 1, ARP entries 1 per 2 sockets, frames queued for ARP
 * 1 per 4, MD5 keys 1 per 8 (each at least 1). A device that says
 * TK_DEFAULT_MAX_SOCKETS 4 gets no TIME_WAIT table of 1,024 entries. */
#ifndef TK_CONFIG_DEFAULTS_H
#define TK_CONFIG_DEFAULTS_H

#include <stdbool.h>

#include "tcpkit/opts.h"
#include "tcpkit/types.h"

#ifndef TK_DEFAULT_MTU
#define TK_DEFAULT_MTU (1500)
#endif
#ifndef TK_DEFAULT_LINK_CAPS
#define TK_DEFAULT_LINK_CAPS (0u)
#endif
#ifndef TK_DEFAULT_LINK_TSO_MAX
#define TK_DEFAULT_LINK_TSO_MAX (65535u)
#endif
#ifndef TK_DEFAULT_MAX_SOCKETS
#define TK_DEFAULT_MAX_SOCKETS (64)
#endif
/* n per socket, or one per n sockets (at least 1). */
#define TK_DEFAULT_PER_SOCKET(n) ((TK_DEFAULT_MAX_SOCKETS) * (n))
#define TK_DEFAULT_PER_SOCKETS(n)                                                                  \
    ((TK_DEFAULT_MAX_SOCKETS) >= (n) ? (TK_DEFAULT_MAX_SOCKETS) / (n) : 1)
#ifndef TK_DEFAULT_MAX_TIME_WAIT
#define TK_DEFAULT_MAX_TIME_WAIT TK_DEFAULT_PER_SOCKET(16)
#endif
#ifndef TK_DEFAULT_MAX_SYN_BACKLOG
#define TK_DEFAULT_MAX_SYN_BACKLOG TK_DEFAULT_PER_SOCKET(2)
#endif
#ifndef TK_DEFAULT_OOO_BUDGET_BYTES
#define TK_DEFAULT_OOO_BUDGET_BYTES (64u * 1024u)
#endif
#ifndef TK_DEFAULT_RCVBUF
#define TK_DEFAULT_RCVBUF (64u * 1024u)
#endif
#ifndef TK_DEFAULT_SNDBUF
#define TK_DEFAULT_SNDBUF (64u * 1024u)
#endif
#ifndef TK_DEFAULT_BUF_CHUNK_SIZE
#define TK_DEFAULT_BUF_CHUNK_SIZE (2048u)
#endif
#ifndef TK_DEFAULT_BUF_POOL_BYTES
#define TK_DEFAULT_BUF_POOL_BYTES (0u)
#endif
#ifndef TK_DEFAULT_SACK_BOARDS
#define TK_DEFAULT_SACK_BOARDS (0u)
#endif
#ifndef TK_DEFAULT_REASS_QUEUES
#define TK_DEFAULT_REASS_QUEUES (0u)
#endif
#ifndef TK_DEFAULT_MD5_KEYS
#define TK_DEFAULT_MD5_KEYS TK_DEFAULT_PER_SOCKETS(8)
#endif
#ifndef TK_DEFAULT_MSL
#define TK_DEFAULT_MSL (TK_SEC(30))
#endif
#ifndef TK_DEFAULT_RTO_INITIAL
#define TK_DEFAULT_RTO_INITIAL (TK_SEC(1))
#endif
#ifndef TK_DEFAULT_RTO_MIN
#define TK_DEFAULT_RTO_MIN (TK_MS(200))
#endif
#ifndef TK_DEFAULT_RTO_MAX
#define TK_DEFAULT_RTO_MAX (TK_SEC(120))
#endif
#ifndef TK_DEFAULT_SYN_RETRIES
#define TK_DEFAULT_SYN_RETRIES (6)
#endif
#ifndef TK_DEFAULT_SYNACK_RETRIES
#define TK_DEFAULT_SYNACK_RETRIES (5)
#endif
#ifndef TK_DEFAULT_RETRIES2
#define TK_DEFAULT_RETRIES2 (15)
#endif
#ifndef TK_DEFAULT_FIN_WAIT2_TIMEOUT
#define TK_DEFAULT_FIN_WAIT2_TIMEOUT (TK_SEC(60))
#endif
#ifndef TK_DEFAULT_KEEPALIVE_IDLE
#define TK_DEFAULT_KEEPALIVE_IDLE (TK_SEC(7200))
#endif
#ifndef TK_DEFAULT_KEEPALIVE_INTVL
#define TK_DEFAULT_KEEPALIVE_INTVL (TK_SEC(75))
#endif
#ifndef TK_DEFAULT_KEEPALIVE_PROBES
#define TK_DEFAULT_KEEPALIVE_PROBES (9)
#endif
#ifndef TK_DEFAULT_DELACK
#define TK_DEFAULT_DELACK (TK_MS(40))
#endif
#ifndef TK_DEFAULT_PERSIST_MIN
#define TK_DEFAULT_PERSIST_MIN (TK_MS(200))
#endif
#ifndef TK_DEFAULT_ORPHAN_RETRIES
#define TK_DEFAULT_ORPHAN_RETRIES (8)
#endif
#ifndef TK_DEFAULT_PERSIST_MAX_IDLE
#define TK_DEFAULT_PERSIST_MAX_IDLE (0)
#endif
#ifndef TK_DEFAULT_KEEPINIT
#define TK_DEFAULT_KEEPINIT (0)
#endif
#ifndef TK_DEFAULT_KEEPALIVE_ALWAYS
#define TK_DEFAULT_KEEPALIVE_ALWAYS false
#endif
#ifndef TK_DEFAULT_IP_TTL
#define TK_DEFAULT_IP_TTL (64)
#endif
#ifndef TK_DEFAULT_EPHEMERAL_LO
#define TK_DEFAULT_EPHEMERAL_LO (49152)
#endif
#ifndef TK_DEFAULT_EPHEMERAL_HI
#define TK_DEFAULT_EPHEMERAL_HI (65535)
#endif
#ifndef TK_DEFAULT_OPT_WSCALE
#define TK_DEFAULT_OPT_WSCALE true
#endif
#ifndef TK_DEFAULT_OPT_TIMESTAMPS
#define TK_DEFAULT_OPT_TIMESTAMPS true
#endif
#ifndef TK_DEFAULT_OPT_SACK
#define TK_DEFAULT_OPT_SACK true
#endif
#ifndef TK_DEFAULT_RACK
#define TK_DEFAULT_RACK (TK_WITH_RACK != 0) /* forced off when compiled out */
#endif
#ifndef TK_DEFAULT_DEFAULT_MSS
#define TK_DEFAULT_DEFAULT_MSS (536)
#endif
#ifndef TK_DEFAULT_INITIAL_WINDOW
#define TK_DEFAULT_INITIAL_WINDOW (0)
#endif
#ifndef TK_DEFAULT_CC_ALGORITHM
#define TK_DEFAULT_CC_ALGORITHM (TK_WITH_CUBIC ? 0 : 1) /* TK_CC_ALGO_CUBIC, else NEWRENO */
#endif
#ifndef TK_DEFAULT_PACING
#define TK_DEFAULT_PACING (1)
#endif
#ifndef TK_DEFAULT_ECN
#define TK_DEFAULT_ECN (2)
#endif
#ifndef TK_DEFAULT_ECN_SYN_RETRIES
#define TK_DEFAULT_ECN_SYN_RETRIES (1)
#endif
#ifndef TK_DEFAULT_CHALLENGE_ACK_LIMIT
#define TK_DEFAULT_CHALLENGE_ACK_LIMIT (1000)
#endif
#ifndef TK_DEFAULT_INVALID_ACK_RATELIMIT
#define TK_DEFAULT_INVALID_ACK_RATELIMIT (TK_MS(500))
#endif
#ifndef TK_DEFAULT_INVALID_ACK_COUNT
#define TK_DEFAULT_INVALID_ACK_COUNT (1)
#endif
#ifndef TK_DEFAULT_SYN_COOKIES
#define TK_DEFAULT_SYN_COOKIES true
#endif
#ifndef TK_DEFAULT_SYN_RATE_LIMIT
#define TK_DEFAULT_SYN_RATE_LIMIT (0)
#endif
#ifndef TK_DEFAULT_SYN_RATE_SOURCES
#define TK_DEFAULT_SYN_RATE_SOURCES TK_DEFAULT_PER_SOCKET(1)
#endif
#ifndef TK_DEFAULT_DROP_SYNFIN
#define TK_DEFAULT_DROP_SYNFIN true
#endif
#ifndef TK_DEFAULT_PMTU_MIN
#define TK_DEFAULT_PMTU_MIN 552
#endif
#ifndef TK_DEFAULT_PMTU_BLACKHOLE
#define TK_DEFAULT_PMTU_BLACKHOLE false
#endif
#ifndef TK_DEFAULT_ICMP_MAY_RST
#define TK_DEFAULT_ICMP_MAY_RST true
#endif
#ifndef TK_DEFAULT_UDP_TUNNEL_OVERHEAD
#define TK_DEFAULT_UDP_TUNNEL_OVERHEAD (8)
#endif
#ifndef TK_DEFAULT_ARP_CACHE_SIZE
#define TK_DEFAULT_ARP_CACHE_SIZE TK_DEFAULT_PER_SOCKETS(2)
#endif
#ifndef TK_DEFAULT_ARP_QUEUE_FRAMES
#define TK_DEFAULT_ARP_QUEUE_FRAMES TK_DEFAULT_PER_SOCKETS(4)
#endif
#ifndef TK_DEFAULT_ARP_TTL
#define TK_DEFAULT_ARP_TTL (TK_SEC(60))
#endif
#ifndef TK_DEFAULT_ARP_RETRY_INTERVAL
#define TK_DEFAULT_ARP_RETRY_INTERVAL (TK_SEC(1))
#endif
#ifndef TK_DEFAULT_ARP_RETRIES
#define TK_DEFAULT_ARP_RETRIES (3)
#endif
#ifndef TK_DEFAULT_ARP_ACCEPT_GRATUITOUS
#define TK_DEFAULT_ARP_ACCEPT_GRATUITOUS false
#endif
#ifndef TK_DEFAULT_IPFRAG_SLOTS
#define TK_DEFAULT_IPFRAG_SLOTS (4)
#endif
#ifndef TK_DEFAULT_IPFRAG_MAX_BYTES
#define TK_DEFAULT_IPFRAG_MAX_BYTES (16u * 1024u)
#endif
#ifndef TK_DEFAULT_IPFRAG_TIMEOUT
#define TK_DEFAULT_IPFRAG_TIMEOUT (TK_SEC(30))
#endif
#ifndef TK_DEFAULT_IPFRAG6_TIMEOUT
#define TK_DEFAULT_IPFRAG6_TIMEOUT (TK_SEC(60))
#endif
#ifndef TK_DEFAULT_DAD_TRANSMITS
#define TK_DEFAULT_DAD_TRANSMITS (1)
#endif
#ifndef TK_DEFAULT_TX_BACKLOG_FRAMES
#define TK_DEFAULT_TX_BACKLOG_FRAMES (2)
#endif

#endif
