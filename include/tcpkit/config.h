/* Run-time configuration of a stack. Every default of the SPEC table is a
 * field here; tk_config_default() fills them. Compile-time overrides of the
 * defaults: TK_DEFAULT_<FIELD> in the embedder's tk_opts.h, seen when the
 * core is compiled (tcpkit/opts.h). */
#ifndef TCPKIT_CONFIG_H
#define TCPKIT_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "link.h"
#include "types.h"

typedef struct tk_config {
    /* Addressing (IPv4, host order) and link. */
    uint32_t addr;
    uint32_t netmask;
    uint32_t gateway; /* 0: none */
    uint8_t mac[6];
    uint16_t mtu; /* 1500; 68 (RFC 791) to 65535 */
    /* Link capabilities (SPEC NET-7, tcpkit/link.h), as FreeBSD's
     * if_hwassist: the TK_LINK_* offloads the driver performs. 0 (the
     * default) is the switch that turns them all off. Any bit needs
     * tk_stack_io.output_offload; TK_LINK_TSO4 needs TK_LINK_CSUM_TCP. A
     * running stack may drop bits (tk_stack_set_config), never gain any. */
    uint32_t link_caps;
    /* Largest IPv4 packet of a TSO super-segment: 65535; mtu to 65535
     * (0 reads as 65535). */
    uint32_t link_tso_max;

    /* Pools (SPEC SEC-5): every object comes from one of these. */
    uint32_t max_sockets;     /* 64 */
    uint32_t max_time_wait;   /* 1024 TIME_WAIT entries */
    uint32_t max_syn_backlog; /* 128 syncache entries (half-open, not sockets; SEC-2) */
    /* SACK scoreboards: a connection takes one at the first SACK block it
     * is sent, and recovers from loss as without SACK when none is free
     * (counted in sack_board_full). 0 (the default): one per socket. At
     * most max_sockets. */
    uint32_t sack_boards;
    /* Reassembly trackers: a connection holds one while out-of-order data
     * waits for a hole to fill; when none is free, such data is dropped
     * (counted in drop_ooo_no_reass) and the peer resends it. 0 (the
     * default): one per socket. At most max_sockets. */
    uint32_t reass_queues;
    uint32_t ooo_budget_bytes; /* out-of-order bytes kept per connection: 64 KiB */
    uint32_t rcvbuf;           /* 64 KiB */
    uint32_t sndbuf;           /* 64 KiB */
    /* Buffers on demand: send and receive data live in chunks of
     * buf_chunk_size bytes (2048; 64 to 32768) from one pool shared by all
     * sockets (a power of two), taken when data is queued and returned when
     * it is consumed.
     * buf_pool_bytes bounds the pool (rounded up to whole chunks); 0 (the
     * default): room for every socket's full buffers, so no socket ever
     * waits for the pool. A smaller pool trades that guarantee for memory:
     * the window advertised shrinks to what the pool can still back
     * (rcv_window_pool_limited; never below a window already offered, whose
     * chunks stay reserved), and sends queue what fits (snd_pool_empty).
     * Memory of chunks never used is never touched. tk_stack_buffers()
     * shows the pool. */
    uint32_t buf_chunk_size;
    uint64_t buf_pool_bytes;
    uint32_t md5_keys; /* 8 TCP-MD5 keys (RFC 2385, tcpkit/tcp_md5.h) */

    /* Timers (SPEC defaults table). */
    tk_time msl;               /* 30 s; TIME_WAIT lasts 2*msl */
    tk_time rto_initial;       /* 1 s */
    tk_time rto_min;           /* 200 ms */
    tk_time rto_max;           /* 120 s; at most TK_RTO_LIMIT */
    uint32_t syn_retries;      /* 6 */
    uint32_t synack_retries;   /* 5 */
    uint32_t retries2;         /* 15 */
    tk_time fin_wait2_timeout; /* 60 s */
    tk_time keepalive_idle;    /* 7200 s */
    tk_time keepalive_intvl;   /* 75 s */
    uint32_t keepalive_probes; /* 9 */
    tk_time delack;            /* 40 ms */
    tk_time persist_min;       /* 200 ms: the first window probe waits max(RTO, this) */
    /* SPEC SEC-10, docs/security-net.md. An orphan (closed by the
     * application) gives up after orphan_retries (8) window probes on a
     * window that stays closed, answered or not, sending a RST (Linux's
     * tcp_orphan_retries, whose default is also 8); and after
     * min(retries2, orphan_retries) retransmission timeouts. 0: an orphan
     * gives up at its first timeout. */
    uint32_t orphan_retries;
    /* A connection the application still holds is aborted with RST and
     * ETIMEDOUT when the peer's window stays closed this long (FreeBSD's
     * tcp_maxpersistidle, applied to answered probes too). 0 (the
     * default): never, as RFC 9293 3.8.6.1 asks while probes are answered. */
    tk_time persist_max_idle;
    /* Connection-establishment limit (RFC 1122 4.2.3.5): a connection not
     * ESTABLISHED this long after connect() or its SYN is dropped with
     * ETIMEDOUT. 0 (the default): only syn_retries/synack_retries limit it. */
    tk_time keepinit;
    /* Keep-alives on every connection, as if each socket had SO_KEEPALIVE
     * (FreeBSD's net.inet.tcp.always_keepalive); getsockopt(SO_KEEPALIVE)
     * still reports the socket's own flag. false: RFC 1122 4.2.3.6 says
     * keep-alives MUST default to off. */
    bool keepalive_always;
    uint8_t ip_ttl; /* 64: TTL of outgoing IPv4 packets (per socket: TK_IP_TTL) */

    /* Ports (SPEC CM-15). */
    uint16_t ephemeral_lo; /* 49152 */
    uint16_t ephemeral_hi; /* 65535 */

    /* Options. */
    bool opt_wscale; /* offer window scaling: true */
    /* The smallest window scale announced (0..14; 0, the default: the
     * smallest shift that fits the socket's receive buffer). Linux derives
     * its shift from the largest buffer a socket may grow to (tcp_rmem's
     * maximum), so it announces a larger one than the buffer needs. */
    uint8_t wscale_min;
    /* A window update after the application reads is sent once the window
     * would at least double (Linux's rule): true. false (the default):
     * once it grows by two segments or half the buffer (RFC 1122 4.2.3.3,
     * SPEC DT-2). */
    bool window_update_double;
    bool opt_timestamps; /* offer timestamps: true */
    bool opt_sack;       /* offer SACK-permitted: true */
    /* Loss detection of SACK connections (SPEC DT-12): RACK-TLP (RFC 8985:
     * time-based, with tail loss probes, PRR and undo of spurious
     * reductions, DT-14, DT-15): true. false: the duplicate-ACK threshold
     * and RFC 6675 recovery (FreeBSD's default stack; Linux's
     * net.ipv4.tcp_recovery=0). Connections without SACK always use
     * NewReno (RFC 6582). Forced off when built with TK_WITH_RACK 0
     * (tcpkit/opts.h). */
    bool rack;
    uint16_t default_mss; /* MSS assumed without option: 536 */
    /* Initial congestion window in segments: 0 (the default) follows RFC
     * 5681 3.1 (2 to 4 segments by MSS); N > 0 gives min(N * MSS, max(2 *
     * MSS, N * 1460)) bytes, RFC 6928's IW10 for N = 10 (FreeBSD's
     * net.inet.tcp.initcwnd_segments). At most 64. */
    uint32_t initial_window;
    /* Congestion controller of new sockets (SPEC DT-13, docs/congestion.md):
     * TK_CC_ALGO_CUBIC (the default; RFC 9438 with HyStart++, RFC 9406) or
     * TK_CC_ALGO_NEWRENO (RFC 5681, RFC 6582). A socket changes its own
     * with TCP_CONGESTION (tcpkit/socket.h). Built with TK_WITH_CUBIC 0
     * (tcpkit/opts.h), NewReno is the default and CUBIC is refused. */
    uint32_t cc_algorithm;
    /* Pacing of new data (docs/congestion.md): true (the default) spaces
     * the segments of a CUBIC connection at 2 x cwnd / SRTT in slow start
     * and 1.2 x cwnd / SRTT after it (Linux's ratios), so a burst such as
     * the initial window does not leave at once; NewReno connections are
     * not paced. TCP_PACING switches it per socket. No effect when built
     * with TK_WITH_PACING 0 (tcpkit/opts.h). */
    bool pacing;
    /* Explicit Congestion Notification (RFC 3168, docs/ecn.md): 0 never;
     * 1 ask for it on connect() and accept it from a peer that asks; 2 (the
     * default, as Linux and FreeBSD) accept it only when the peer asks.
     * ecn_syn_retries (1): how many SYN retransmissions still carry ECE and
     * CWR before a plain SYN is sent (RFC 3168 6.1.1.1). */
    int ecn;
    uint32_t ecn_syn_retries;

    /* RFC 5961 7 challenge ACKs, stack-wide (SEC-3, SEC-6): 1000. The
     * budget of each one-second interval is drawn at random from
     * [limit/2, limit/2 + limit), as Linux does, so when it runs out tells
     * an off-path attacker nothing (CVE-2016-5696). 0: no challenge ACKs. */
    uint32_t challenge_ack_limit;
    /* ACKs sent in reply to invalid segments (out of window, old, an
     * unacceptable ACK field, PAWS, a SYN or RST drawing a challenge ACK),
     * per connection or syncache entry (SEC-6, SEC-8): at most invalid_ack_count of them in
     * invalid_ack_ratelimit; the others are counted (invalid_acks_limited)
     * and not sent. Defaults 500 ms and 1, Linux's tcp_invalid_ratelimit;
     * FreeBSD's ack_war_timewindow/ack_war_cnt are 1000 ms and 5.
     * invalid_ack_ratelimit 0: no limit. invalid_ack_count is at least 1. */
    tk_time invalid_ack_ratelimit;
    uint32_t invalid_ack_count;
    /* SYN cookies when the syncache is full or the socket pool nearly is
     * (SEC-2): true. A cookie ACK is checked only within the cookie
     * lifetime after the listener last sent one (SEC-7). */
    bool syn_cookies;
    /* TCP Fast Open (SPEC OP-8, RFC 7413, docs/fast-open.md), bits as
     * Linux's net.ipv4.tcp_fastopen: TK_FASTOPEN_CLIENT allows
     * tk_send_fastopen (data in the SYN, a cookie cache of 16 servers);
     * TK_FASTOPEN_SERVER lets a listener with a TCP_FASTOPEN queue hand
     * out cookies and take data in a SYN that carries a valid one. 0 (the
     * default): off, the option is ignored and SYN data waits for the
     * handshake. */
    uint8_t fastopen;
    /* Per-source connection-rate limit (SEC-13): a listener answers SYNs
     * from one IPv4 address (or one IPv6 /64) beyond syn_rate_limit per
     * second with a RST (counted drop_syn_rate_limited); other addresses
     * are not affected.
     * 0 (the default): off. syn_rate_sources (64): addresses tracked at
     * once (a slot taken by another address starts afresh). */
    uint32_t syn_rate_limit;
    uint32_t syn_rate_sources;
    /* The rules before RFC 5961, to compare with older stacks (FreeBSD's
     * net.inet.tcp.insecure_rst / insecure_syn): any in-window RST resets;
     * an in-window SYN resets the connection with a RST. false by default,
     * as SPEC RS-5, RS-6 and SEC-3 require. */
    bool insecure_rst;
    bool insecure_syn;
    /* BSD's handling of an entirely old segment (Stevens vol. 2 p. 960):
     * the data is dropped but its ACK field is still processed, so an old
     * segment can complete a handshake or acknowledge data. false (the
     * default): the segment gets an ACK and is dropped whole, RFC 9293
     * 3.10.7.4 and SPEC SEC-9, as Linux does. The conformance runner sets
     * it for the FreeBSD suite (docs/conformance.md). */
    bool bsd_old_ack;
    /* SYN+FIN in LISTEN or SYN_SENT is dropped (FreeBSD's drop_synfin):
     * true. false processes it as a SYN (RFC 9293 3.10.7.2/3.10.7.3: the
     * FIN and any text wait until the connection is established; the text
     * is kept, the FIN comes again with the peer's retransmission). */
    bool drop_synfin;
    /* The ACK of a received FIN in ESTABLISHED goes out at once (FreeBSD,
     * whose tcp_input sets ACKNOW for a FIN): true. false (the default)
     * delays it with the delayed-ACK timer so that a close() meanwhile
     * sends FIN and ACK in one segment (SPEC CM-4). */
    bool fin_ack_now;
    /* Every second data segment is ACKed at once whatever its size
     * (FreeBSD: a segment arriving while an ACK is delayed): true. false
     * (the default) counts bytes, an ACK for every second full-sized
     * segment (RFC 5681 4.2, RFC 1122 4.2.3.2). */
    bool ack_second_segment;
    /* A hard ICMP error (port or protocol unreachable, administratively
     * prohibited) fails a connect() in SYN_SENT (RFC 1122 4.2.3.9): true.
     * false treats every ICMP error as soft (FreeBSD's icmp_may_rst=0). */
    bool icmp_may_rst;
    /* A hard ICMP error that aborts a connect() reports ECONNREFUSED
     * whatever its code (FreeBSD): true. false (the default) names the
     * cause as Linux does: ECONNREFUSED for port unreachable, ENOPROTOOPT
     * for protocol unreachable, EHOSTUNREACH when prohibited. */
    bool icmp_errno_refused;
    /* Path MTU discovery (SPEC NET-5, RFC 1191, RFC 5927): the smallest
     * path MTU a "fragmentation needed" is believed down to; a smaller
     * next-hop MTU (or none) lowers the MSS to pmtu_min - 40 only, so a
     * forged error cannot shrink segments to a few bytes. 552 (Linux's
     * min_pmtu); at least 68. */
    uint16_t pmtu_min;
    /* RFC 4821 black-hole detection: when a full-sized segment times out
     * twice in a row in a synchronized state, the MSS halves (down to
     * pmtu_min - 40) for its retransmission and what follows, as if an
     * ICMP error had been lost. false (the default, as Linux's
     * tcp_mtu_probing=0). */
    bool pmtu_blackhole;
    /* TCP over UDP (FreeBSD's net.inet.tcp.udp_tunneling_port and
     * udp_tunneling_overhead; docs/udp-encapsulation.md): segments in UDP
     * datagrams to this port are TCP input, and encapsulated connections
     * send from it. 0 (the default): off, every UDP datagram is dropped. */
    uint16_t udp_tunnel_port;
    uint16_t udp_tunnel_overhead; /* 8: MSS reduction of encapsulated connections, 8..1024 */

    /* Neighbours and fragments below TCP (SPEC NET-1, SEC-5). */
    uint32_t arp_cache_size;    /* 32 dynamic entries */
    uint32_t arp_queue_frames;  /* 16 frames waiting for resolution */
    tk_time arp_ttl;            /* 60 s: a resolved entry's lifetime */
    tk_time arp_retry_interval; /* 1 s between requests */
    uint32_t arp_retries;       /* 3 requests, then queued frames are dropped */
    /* SPEC SEC-11, docs/security-net.md: a gratuitous ARP packet (sender
     * address == target address, or a reply that answers no request of
     * ours) may change the MAC of an existing entry only when true; false
     * (the default) refuses and counts it (arp_gratuitous_refused). Other
     * ARP packets follow the RFC 826 merge rule; IPv4 traffic never
     * changes an entry. */
    bool arp_accept_gratuitous;
    /* 4 datagrams reassembled at once (0: drop fragments); with all taken,
     * a new datagram evicts the oldest (of a source holding more than half,
     * if any): SPEC SEC-12, counted in ip_frag_evicted. */
    uint32_t ipfrag_slots;
    uint32_t ipfrag_max_bytes; /* 16 KiB: largest reassembled datagram */
    tk_time ipfrag_timeout;    /* 30 s (RFC 791 suggests 15 s or more) */
    /* IPv6 (cfg.ipv6) reassembles in a table of its own with the same
     * ipfrag_slots and ipfrag_max_bytes, abandoning a datagram after this
     * (60 s, RFC 8200 4.5); counted in ip6_frag_timeouts. */
    tk_time ipfrag6_timeout;

    /* Frames kept while the driver's output answers busy (tk_stack_io):
     * 2, at most 64. With none free a busy frame is dropped (counted in
     * tx_busy_drops) and TCP retransmits it. 0: busy frames are dropped.
     * 1 costs no memory: the frame waits in the stack's output buffer, is
     * offered again at each poll, and when the stack is about to build its
     * next frame there it is offered once more and, if the driver is still
     * busy, dropped (counted) to make room. */
    uint32_t tx_backlog_frames;
    /* An interface with no address of its own yet: addr 0 and a zero MAC
     * are accepted only when this is true (false by default, so a forgotten
     * address is an error at tk_stack_init instead of a silent stack). */
    bool unnumbered;

    /* One stack per core (SPEC NET-8, tcpkit/shard.h): this stack is shard
     * shard_index of shard_count stacks sharing one interface by RSS
     * steering. With shard_count > 1 connect() picks ephemeral ports whose
     * flows steer to shard_index. 1 and 0 by default; shard_count at most
     * TK_MAX_SHARDS, shard_index below it. */
    uint8_t shard_count;
    uint8_t shard_index;

    /* IPv6 (SPEC NET-4, NET-6; docs/ipv6.md). false (the default): IPv6
     * frames are dropped as an unknown EtherType. true: the interface forms
     * its link-local address from the stack's secret and the MAC (RFC
     * 7217), checks it and addr6 with duplicate address detection (RFC
     * 4862 5.4), resolves and answers neighbours (RFC 4861) and echo
     * requests. TCP does not run over IPv6 yet. Refused (tk_config_valid)
     * when built with TK_WITH_IPV6 0 (tcpkit/opts.h). */
    bool ipv6;
    uint8_t addr6[16];     /* a static global address (network order); all zero: none */
    uint8_t prefix6_len;   /* its on-link prefix, 1..128; 0: 64 */
    uint8_t dad_transmits; /* 1 (RFC 4862 DupAddrDetectTransmits); 0: addresses usable at once */

    /* For tests and simulations only: when isn_fixed, every connection
     * starts at ISS = isn_value instead of the RFC 6528 ISN (SPEC DT-10
     * tests start just below 2^32). false by default. */
    bool isn_fixed;
    uint32_t isn_value;

    /* What-if settings for the simulator only (`tcpkit sim what-if-*`,
     * docs/tcp-explained.md): each breaks TCP on purpose to show why the
     * rule exists. Never set them in a real stack. false by default.
     *   sim_no_time_wait: the end that would enter TIME_WAIT closes at
     *     once (after its last ACK), so its 4-tuple is free immediately.
     *   sim_two_way_handshake: a listener's connection is ESTABLISHED as
     *     soon as it sends its SYN-ACK, without waiting for the ACK. */
    bool sim_no_time_wait;
    bool sim_two_way_handshake;
} tk_config;

/* tk_config.fastopen bits (Linux's values). */
#define TK_FASTOPEN_CLIENT 0x1
#define TK_FASTOPEN_SERVER 0x2

/* The longest RTO a configuration may allow (rto_max): one hour, so a
 * connection's RTT estimator holds its microseconds in 32 bits. */
#define TK_RTO_LIMIT TK_SEC(3600)

/* Fills every field with its default. addr/netmask/mac are zero. */
void tk_config_default(tk_config *cfg);

/* True when cfg is a configuration a stack accepts: the one check behind
 * tk_stack_mem_size(), tk_stack_init() and tk_stack_set_config() (which
 * also refuses changes to what sizes the memory block). The rules: pools
 * bounded and non-empty (max_sockets > 0, max_syn_backlog and
 * syn_rate_sources <= 65536, a syncache or SYN cookies, buffers 1 KiB..1
 * GiB); mtu >= 68; ip_ttl > 0; udp_tunnel_overhead 8..1024; 0 < rto_min <=
 * rto_max <= TK_RTO_LIMIT; invalid_ack_count >= 1; 0 < ephemeral_lo <= ephemeral_hi;
 * default_mss >= 64; initial_window <= 64; cc_algorithm < TK_CC_ALGO_COUNT; ecn 0..2;
 * tx_backlog_frames <= 64; 1 <= shard_count <= TK_MAX_SHARDS and shard_index <
 * shard_count; link_caps only TK_LINK_* bits, TSO with checksum offload, and
 * link_tso_max 0 or from mtu to 65535. Sizing needs no address, so this does
 * not look at it. */
bool tk_config_valid(const tk_config *cfg);

/* tk_config.cc_algorithm values. */
#define TK_CC_ALGO_CUBIC   0u
#define TK_CC_ALGO_NEWRENO 1u
#define TK_CC_ALGO_COUNT   2u

/* True when cfg names an interface tk_stack_init accepts: addr not 0 and
 * mac a unicast address other than 00:00:00:00:00:00, unless unnumbered
 * (then the MAC must still not be multicast). */
bool tk_config_addressed(const tk_config *cfg);

#endif
