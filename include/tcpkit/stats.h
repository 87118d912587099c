/* Introspection (SPEC API-2): counters like `netstat -s`, a connection table
 * like `ss -tan`, and per-state counts like `netstat | grep SYN_RECV`. */
#ifndef TCPKIT_STATS_H
#define TCPKIT_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "opts.h"
#include "stack.h"
#include "tcp_state.h"
#include "types.h"

/* Every counter, in order. Names starting with "drop_" count inbound frames
 * dropped for that reason; the trace hook's DROP reason is the same name.
 * ecn_connections: connections established with ECN; ecn_ce_rcvd: data
 * segments that arrived with CE; ecn_cwnd_reductions: ECN-Echoes that
 * reduced a congestion window (docs/ecn.md). orphan_persist_timeouts:
 * orphans aborted (RST) on a window that stayed closed for orphan_retries
 * probes; orphan_rexmit_timeouts: orphans that gave up retransmitting after
 * min(retries2, orphan_retries) timeouts; persist_idle_timeouts: open
 * connections aborted after persist_max_idle of closed window (SEC-10,
 * docs/security-net.md). Each also counts in conn_timeouts.
 * arp_gratuitous_refused: gratuitous ARP packets that would have changed a
 * cached MAC, refused (arp_accept_gratuitous false, SEC-11).
 * ip_frag_evicted: incomplete datagrams evicted to make room for a new one
 * when every reassembly slot was taken (SEC-12). */
#define TK_STATS_FIELDS_CORE(X)                                                                    \
    X(frames_in)                                                                                   \
    X(frames_out)                                                                                  \
    X(tx_busy)          /* output answered busy: the frame waits in the backlog */                 \
    X(tx_busy_drops)    /* a busy answer with the backlog full: frame dropped */                   \
    X(tx_errors)        /* output failed otherwise: frame dropped */                               \
    X(tso_frames_out)   /* NET-7: TSO super-segments handed to the link */                         \
    X(csum_offload_out) /* NET-7: TCP segments whose checksum the link completes */                \
    X(rx_csum_trusted)  /* NET-7: TCP segments taken on the link's TK_RX_CSUM_VALID */             \
    X(segs_in)                                                                                     \
    X(segs_out)                                                                                    \
    X(data_segs_in)                                                                                \
    X(data_segs_out)                                                                               \
    X(bytes_in)                                                                                    \
    X(bytes_out)                                                                                   \
    X(retransmits)                                                                                 \
    X(syn_retransmits)                                                                             \
    X(fast_retransmits)                                                                            \
    X(rto_timeouts)                                                                                \
    X(tlp_probes)     /* DT-12: tail loss probes sent (RFC 8985 7) */                              \
    X(tlp_recoveries) /* DT-12: losses a retransmitted probe repaired */                           \
    X(rack_losses)    /* DT-12: segments RACK marked lost */                                       \
    X(spurious_undos) /* DT-15: window reductions undone (D-SACK, Eifel, F-RTO) */                 \
    X(rsts_sent)                                                                                   \
    X(rsts_rcvd)                                                                                   \
    X(active_opens)                                                                                \
    X(passive_opens)                                                                               \
    X(established)                                                                                 \
    X(attempt_fails)                                                                               \
    X(estab_resets)                                                                                \
    X(conn_timeouts)                                                                               \
    X(orphan_persist_timeouts)                                                                     \
    X(orphan_rexmit_timeouts)                                                                      \
    X(persist_idle_timeouts)                                                                       \
    X(delayed_acks)                                                                                \
    X(dupacks_in)                                                                                  \
    X(paws_disordered_acks) /* OP-4: reordered duplicate ACKs taken despite an old TSval */        \
    X(challenge_acks)                                                                              \
    X(challenge_acks_limited)                                                                      \
    X(invalid_acks_limited)                                                                        \
    X(persist_probes)                                                                              \
    X(keepalive_probes)                                                                            \
    X(ooo_segs_in)                                                                                 \
    X(ooo_fins_in)                                                                                 \
    X(ooo_fins_ignored)                                                                            \
    X(time_wait_entered)                                                                           \
    X(time_wait_expired)                                                                           \
    X(time_wait_reused)                                                                            \
    X(time_wait_pool_full)                                                                         \
    X(sack_board_full)         /* connections refused a SACK scoreboard: recovery without SACK */  \
    X(rcv_window_pool_limited) /* windows offered smaller: the buffer pool backed no more */       \
    X(snd_pool_empty)          /* sends cut short by an empty buffer pool (not SO_SNDBUF) */       \
    X(syncache_added)          /* half-open entries made (SEC-2) */                                \
    X(syn_data_discarded)      /* text on a SYN, not acknowledged (the peer resends it) */         \
    X(md5_out_no_key)                                                                              \
    X(icmp_echo_replies)                                                                           \
    X(out_no_neighbor)                                                                             \
    X(arp_requests_sent)                                                                           \
    X(arp_queued)                                                                                  \
    X(arp_queue_drops)                                                                             \
    X(arp_gratuitous_refused)                                                                      \
    X(ip_frags_in)                                                                                 \
    X(ip_reassembled)                                                                              \
    X(ip_frag_timeouts)                                                                            \
    X(ip_frag_evicted)                                                                             \
    X(icmp_errors_in)                                                                              \
    X(icmp_errors_ignored)                                                                         \
    X(icmp_hard_errors)                                                                            \
    X(pmtu_lowered)   /* MSS lowered by a believed "fragmentation needed" (NET-5) */               \
    X(pmtu_clamped)   /* of those, next-hop MTU below pmtu_min (or 0): floor taken */              \
    X(pmtu_blackhole) /* MSS halved after repeated timeouts (RFC 4821) */                          \
    X(drop_eth_short)                                                                              \
    X(drop_eth_not_for_us)                                                                         \
    X(drop_eth_type)                                                                               \
    X(drop_arp_bad)                                                                                \
    X(drop_ip_bad_header)                                                                          \
    X(drop_ip_bad_csum)                                                                            \
    X(drop_ip_not_for_us)                                                                          \
    X(drop_ip_fragment)                                                                            \
    X(drop_ip_proto)                                                                               \
    X(drop_encap_mismatch)                                                                         \
    X(drop_icmp_bad)                                                                               \
    X(drop_tcp_bad_header)                                                                         \
    X(drop_tcp_bad_csum)                                                                           \
    X(drop_tcp_bad_options)                                                                        \
    X(drop_tcp_bad_flags)                                                                          \
    X(drop_md5_missing)                                                                            \
    X(drop_md5_bad)                                                                                \
    X(drop_md5_no_key)                                                                             \
    X(drop_md5_unexpected)                                                                         \
    X(drop_no_socket)                                                                              \
    X(drop_rst_no_socket)                                                                          \
    X(drop_listen_rst)                                                                             \
    X(drop_listen_ack)                                                                             \
    X(drop_listen_no_syn)                                                                          \
    X(drop_listen_overflow)                                                                        \
    X(drop_syn_backlog_full)                                                                       \
    X(drop_syn_rate_limited)                                                                       \
    X(drop_no_memory)                                                                              \
    X(drop_syn_sent_bad_ack)                                                                       \
    X(drop_syn_sent_no_syn)                                                                        \
    X(drop_syn_rcvd_bad_ack)                                                                       \
    X(drop_out_of_window)                                                                          \
    X(drop_old_segment)                                                                            \
    X(drop_paws)                                                                                   \
    X(drop_rst_out_of_window)                                                                      \
    X(drop_rst_challenged)                                                                         \
    X(drop_syn_challenged)                                                                         \
    X(drop_no_ack)                                                                                 \
    X(drop_ack_unsent)                                                                             \
    X(drop_ack_too_old)                                                                            \
    X(drop_ooo_no_room)                                                                            \
    X(drop_rcv_pool_empty) /* in-window data beyond what the buffer pool backed: not acknowledged  \
                            */                                                                     \
    X(drop_ooo_no_reass)   /* out-of-order data while every reassembly tracker was in use */       \
    X(drop_after_close)                                                                            \
    X(drop_time_wait)                                                                              \
    X(drop_time_wait_rst)

/* IPv6's counters (SPEC NET-4, NET-6; docs/ipv6.md): the last ones; left
 * out with IPv6 when TK_STATS_TRIM (tcpkit/opts.h). */
#define TK_STATS_FIELDS_IP6(X)                                                                     \
    X(ip6_in)                                                                                      \
    X(ip6_out)                                                                                     \
    X(out6_no_route) /* IPv6 output off-link with no router */                                     \
    X(icmp6_echo_replies)                                                                          \
    X(icmp6_echo_too_big) /* requests whose reply would pass the MTU: not answered */              \
    X(icmp6_errors_in)                                                                             \
    X(icmp6_errors_sent)                                                                           \
    X(icmp6_errors_limited) /* errors not sent: rate limit (RFC 4443 2.4 (f)) */                   \
    X(icmp6_ignored)        /* informational messages of types we do not handle */                 \
    X(nd_ns_in)                                                                                    \
    X(nd_na_in)                                                                                    \
    X(nd_ns_sent)                                                                                  \
    X(nd_na_sent)                                                                                  \
    X(nd_queued)              /* frames held while a neighbour is resolved */                      \
    X(nd_queue_drops)         /* frames dropped: queue full, or resolution failed */               \
    X(nd_dad_duplicates)      /* our address found on another node (RFC 4862 5.4) */               \
    X(nd_router_msgs_ignored) /* router solicitations: we are no router */                         \
    X(nd_rs_sent)                                                                                  \
    X(mld_reports_sent)                                                                            \
    X(nd_ra_in)                                                                                    \
    X(nd_slaac_addrs)      /* addresses formed from advertised prefixes (RFC 4862) */              \
    X(nd_prefixes_ignored) /* prefixes not used: not autonomous, not /64, a second one */          \
    X(ip6_frags_in)        /* IPv6 fragments received (not atomic ones) */                         \
    X(ip6_reassembled)                                                                             \
    X(ip6_frag_timeouts) /* datagrams abandoned after ipfrag6_timeout */                           \
    X(ip6_frag_evicted)  /* incomplete datagrams evicted for a new one (SEC-12) */                 \
    X(drop_ip6_bad_header)                                                                         \
    X(drop_ip6_not_for_us)                                                                         \
    X(drop_ip6_bad_src) /* multicast source, or unicast in a multicast frame */                    \
    X(drop_ip6_bad_ext) /* extension header short, option overrun */                               \
    X(drop_ip6_unknown_option)                                                                     \
    X(drop_ip6_routing) /* routing header with segments left (RFC 5095) */                         \
    X(drop_ip6_hbh_not_first)                                                                      \
    X(drop_ip6_chain_long)                                                                         \
    X(drop_ip6_fragment)     /* not reassembled: ipfrag_slots 0, or inside a reassembled packet */ \
    X(drop_ip6_frag_len)     /* not a multiple of 8 bytes and not the last (Parameter Problem) */  \
    X(drop_ip6_frag_chain)   /* first fragment without the whole header chain (RFC 7112) */        \
    X(drop_ip6_frag_too_big) /* reassembled payload over 65,535 bytes (Parameter Problem) */       \
    X(drop_ip6_frag_no_room) /* over ipfrag_max_bytes, or headers beyond the slot's room */        \
    X(drop_ip6_frag_bad)     /* contradicts the datagram's known end; ECN CE with Not-ECT */       \
    X(drop_ip6_frag_overlap) /* overlaps another fragment: the datagram is dropped (RFC 5722) */   \
    X(drop_ip6_frag_dup)     /* an exact copy of a fragment held (RFC 8200 4.5) */                 \
    X(drop_ip6_no_next)                                                                            \
    X(drop_ip6_proto)                                                                              \
    X(drop_icmp6_bad)       /* short, or checksum with the pseudo-header wrong */                  \
    X(drop_icmp6_bad_quote) /* an error quoting no packet of ours */                               \
    X(drop_nd_hop_limit)    /* RFC 4861 7.1: hop limit not 255 */                                  \
    X(drop_nd_code)                                                                                \
    X(drop_nd_short)                                                                               \
    X(drop_nd_bad_option)                                                                          \
    X(drop_nd_bad_address) /* multicast target, source or destination not allowed */               \
    X(drop_nd_fragmented)  /* Neighbor Discovery in a reassembled packet (RFC 6980) */

/* SYN cookies (SEC-2, TK_WITH_SYNCOOKIE): left out with the feature when TK_STATS_TRIM. */
#if TK_WITH_SYNCOOKIE || !TK_STATS_TRIM
#define TK_STATS_FIELDS_SYNCOOKIE(X)                                                               \
    X(syncookies_sent)                                                                             \
    X(syncookies_accepted)                                                                         \
    X(syncookies_failed)                                                                           \
    X(syncookies_ungated) /* cookie ACKs refused: no cookie sent lately (SEC-7) */
#else
#define TK_STATS_FIELDS_SYNCOOKIE(X)
#endif

/* TCP Fast Open (OP-8, TK_WITH_FASTOPEN): left out with the feature when TK_STATS_TRIM. */
#if TK_WITH_FASTOPEN || !TK_STATS_TRIM
#define TK_STATS_FIELDS_FASTOPEN(X)                                                                \
    X(fastopen_cookie_reqs)    /* OP-8: cookie requests answered with a cookie */                  \
    X(fastopen_passive)        /* OP-8: SYN data taken with a valid cookie */                      \
    X(fastopen_cookie_invalid) /* OP-8: SYN data dropped, the cookie was wrong */                  \
    X(fastopen_queue_full)     /* OP-8: valid cookie, TCP_FASTOPEN queue full: plain handshake */  \
    X(fastopen_active)         /* OP-8: our SYN data acknowledged by the SYN-ACK */                \
    X(fastopen_active_fail)    /* OP-8: our SYN data not acknowledged: sent again after it */
#else
#define TK_STATS_FIELDS_FASTOPEN(X)
#endif

/* ECN (RFC 3168, TK_WITH_ECN): left out with the feature when TK_STATS_TRIM. */
#if TK_WITH_ECN || !TK_STATS_TRIM
#define TK_STATS_FIELDS_ECN(X)                                                                     \
    X(ecn_connections)                                                                             \
    X(ecn_ce_rcvd)                                                                                 \
    X(ecn_cwnd_reductions)
#else
#define TK_STATS_FIELDS_ECN(X)
#endif

/* TCP over UDP (TK_WITH_ENCAP): left out with the feature when TK_STATS_TRIM. */
#if TK_WITH_ENCAP || !TK_STATS_TRIM
#define TK_STATS_FIELDS_ENCAP(X)                                                                   \
    X(encap_segs_in)                                                                               \
    X(encap_segs_out)                                                                              \
    X(encap_out_no_tunnel)                                                                         \
    X(drop_udp_bad_header)                                                                         \
    X(drop_udp_bad_csum)                                                                           \
    X(drop_udp_port)
#else
#define TK_STATS_FIELDS_ENCAP(X)
#endif
#if !TK_WITH_IPV6 && TK_STATS_TRIM
#undef TK_STATS_FIELDS_IP6
#define TK_STATS_FIELDS_IP6(X)
#endif

/* Every counter, in the order of tk_stats_name(): the core's, then each
 * feature's, which TK_WITH_<FEATURE> 0 with TK_STATS_TRIM 1 takes out
 * (their RAM with them) without moving any counter before them. */
#define TK_STATS_FIELDS(X)                                                                         \
    TK_STATS_FIELDS_CORE(X)                                                                        \
    TK_STATS_FIELDS_SYNCOOKIE(X)                                                                   \
    TK_STATS_FIELDS_FASTOPEN(X)                                                                    \
    TK_STATS_FIELDS_ECN(X)                                                                         \
    TK_STATS_FIELDS_ENCAP(X)                                                                       \
    TK_STATS_FIELDS_IP6(X)

/* A counter: 64 bits, or 32 with TK_WITH_STATS64 0 (tcpkit/opts.h), which
 * halves the counters' RAM and the code of every increment on a 32-bit
 * core; a 32-bit counter wraps. */
#if TK_WITH_STATS64
typedef uint64_t tk_counter;
#else
typedef uint32_t tk_counter;
#endif

typedef struct tk_stats {
#define TK_STATS_DECLARE(name) tk_counter name;
    TK_STATS_FIELDS(TK_STATS_DECLARE)
#undef TK_STATS_DECLARE
} tk_stats;

/* The stack's counters (live; copy to keep a snapshot). */
const tk_stats *tk_stack_stats(const tk_stack *s);
/* Number of counters, and the name/value of counter i (NULL / 0 past the
 * end; every name NULL when TK_WITH_COUNTER_NAMES is 0, tcpkit/opts.h). */
size_t tk_stats_count(void);
const char *tk_stats_name(size_t i);
uint64_t tk_stats_value(const tk_stats *st, size_t i);

/* The timer a connection waits on next. */
enum tk_timer_kind {
    TK_TIMER_NONE = 0,
    TK_TIMER_RETRANSMIT, /* data, SYN, SYN-ACK or FIN retransmission */
    TK_TIMER_PERSIST,    /* zero-window probe */
    TK_TIMER_DELACK,     /* delayed ACK */
    TK_TIMER_KEEPALIVE,  /* keepalive idle or probe interval */
    TK_TIMER_FIN_WAIT_2, /* orphaned FIN_WAIT_2 timeout */
    TK_TIMER_TIME_WAIT,  /* 2MSL */
    TK_TIMER_LINGER,     /* SO_LINGER timeout of a closed socket */
    TK_TIMER_KEEPINIT,   /* connection-establishment limit (TCP_KEEPINIT) */
    TK_TIMER_PACE,       /* the next paced segment's send time (docs/congestion.md) */
};
/* "retransmit", "persist", "delack", "keepalive", "fin_wait_2", "time_wait",
 * "linger", "keepinit", "pace", "-". */
const char *tk_timer_kind_name(int kind);

typedef struct tk_conn_info {
    int sd;    /* descriptor, or -1 (orphaned, or a compact TIME_WAIT entry) */
    int state; /* enum tk_tcp_state */
    tk_sockaddr local, remote;
    uint32_t send_q; /* bytes queued and not yet acknowledged */
    uint32_t recv_q; /* bytes received and not yet read */
    uint32_t snd_wnd, rcv_wnd, mss, cwnd, ssthresh;
    tk_time srtt, rto;    /* microseconds; rto includes backoff */
    uint32_t retransmits; /* consecutive timeouts of the current segment */
    int timer_kind;       /* enum tk_timer_kind */
    tk_time timer_deadline;
    uint32_t options;    /* TK_CONN_OPT_* negotiated with the peer */
    uint16_t encap_port; /* the peer's UDP port when carried in UDP; 0: plain TCP */
    /* Congestion control (SPEC DT-13, docs/congestion.md): the controller's
     * name ("cubic", "newreno"; static storage), or NULL before the
     * connection has one; the pacing rate in bytes per second, 0 when not
     * paced; the RACK reordering window in microseconds, 0 when none. */
    const char *cc_name;
    uint64_t pacing_rate;
    uint32_t reord_wnd;
} tk_conn_info;

#define TK_CONN_OPT_TS     0x1 /* timestamps (RFC 7323) */
#define TK_CONN_OPT_SACK   0x2 /* SACK permitted (RFC 2018) */
#define TK_CONN_OPT_WSCALE 0x4 /* window scaling (RFC 7323) */
#define TK_CONN_OPT_ECN    0x8 /* ECN (RFC 3168), docs/ecn.md */

/* Fills up to max entries (connections in the socket pool, then half-open
 * syncache entries (SYN_RCVD, sd -1), then TIME_WAIT entries oldest first); returns the number of
 * entries that exist, which may exceed max. Listening sockets are included (state LISTEN). */
int tk_stack_conn_table(const tk_stack *s, tk_conn_info *out, int max);
/* Number of connections in this state (TIME_WAIT counts both kinds). */
uint32_t tk_stack_state_count(const tk_stack *s, int state);

/* Memory per object, for sizing a deployment without private headers. */
typedef struct tk_sizes {
    /* One connection's control state: the TCB and each cold part every
     * socket has one of (sack_boards, reass_queues 0: the defaults). */
    size_t tcb;
    size_t time_wait;    /* one compact TIME_WAIT entry (sizeof) */
    size_t time_wait_ix; /* the same plus its hash heads (at most; power-of-two table) */
    size_t socket;       /* a socket: TCB plus hash and bind heads (at most), a heap slot
                          * and an event subscription (tcpkit/events.h) */
    size_t conn_buffers; /* one socket's share of the buffer pool (chunks + links; virtual) */
    size_t half_open;    /* one syncache entry with its hash heads (at most; SEC-2) */
    /* Parts of the control state, to weigh the hot/cold split; the cold
     * parts as their pools hold them. */
    size_t tcb_hot;    /* the TCB's hot part: what a data segment touches (<= 256) */
    size_t tcb_cold;   /* the rest every socket has: timers, links, options, listener */
    size_t sack_board; /* a SACK scoreboard, from a pool of its own (0: TK_WITH_SACK_SENDER 0) */
    size_t sockopts;   /* socket-option values, inside the cold part */
    size_t reass;      /* a reassembly tracker, from a pool of its own */
} tk_sizes;
/* The buffer pool of a running stack (tk_config.buf_chunk_size,
 * buf_pool_bytes): chunks queued, reserved for windows already offered,
 * the peak, and takes refused because no unreserved chunk was free. */
typedef struct tk_buf_usage {
    uint32_t chunk_size;
    uint32_t chunks;   /* in the pool */
    uint32_t used;     /* holding data now */
    uint32_t reserved; /* free, promised to receive windows */
    uint32_t peak;     /* highest `used` */
    uint32_t touched;  /* chunks whose memory was ever used */
    uint32_t refused;
} tk_buf_usage;
void tk_stack_buffers(const tk_stack *s, tk_buf_usage *out);

/* Fills *out for cfg (NULL: the defaults of tk_config_default). The stack's
 * block is about max_sockets x (socket + conn_buffers) + max_time_wait x
 * time_wait_ix + max_syn_backlog x half_open (+ sack_boards x sack_board
 * and reass_queues x reass when those are not 0) + fixed parts;
 * tk_stack_mem_size() gives the exact total. */
void tk_stack_sizes(const tk_config *cfg, tk_sizes *out);

#endif
