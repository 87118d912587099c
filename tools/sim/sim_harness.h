/* The scenario harness of `tcpkit sim`: a simnet with its renderer, the
 * connection states seen through the trace hook, socket calls that print
 * what the application did, waits on virtual time, and expectations that
 * record the first one that failed. */
#ifndef TK_TOOLS_SIM_HARNESS_H
#define TK_TOOLS_SIM_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_render.h"
#include "sim_report.h"
#include "simnet.h"
#include "tcpkit/socket.h"
#include "tcpkit/tcp_state.h"

/* Command-line options; -1 (or 0 for the pointers) means "scenario default". */
typedef struct tk_sim_opts {
    uint64_t seed;
    int32_t loss_ppm, dup_ppm, reorder_ppm, corrupt_ppm;
    int64_t bytes, bytes_back;
    int32_t outages;     /* random: number of link outages */
    int32_t close_order; /* random: 0 A closes first, 1 B first, 2 both at once */
    int32_t isn_high;    /* random: 1 start ISNs just below 2^32 */
    int32_t pool_chunks; /* random: buffer pool of this many 128-byte chunks; 0: default */
    int32_t zerocopy;    /* random: 1 the applications use the zero-copy calls (API-4) */
    /* The bottleneck (both directions): --rate bits/s, --queue frames,
     * --queue-bytes, --delay one-way ms; -1: the scenario's. */
    int64_t rate_bps, queue_bytes, delay_us;
    int32_t queue_pkts;
    int32_t cc_algo; /* --cc: TK_CC_ALGO_* for both stacks; -1: the scenario's */
    int64_t seconds; /* --seconds: length of a timed scenario (cubic-vs-reno); -1: its own */
    const char *pcap;
    const char *scenario; /* the title of the pictures: its name, SPEC IDs, story */
    const char *html;     /* --html FILE: the report (docs/pictures.md) */
    const char *svg;      /* --svg FILE: one picture alone, the ladder unless... */
    const char *picture;  /* --picture: ladder, states-a|b, tseq-a|b, cc-a|b */
    bool text_ladder;     /* the ladder in text instead of the event lines */
    bool json;
    bool quiet; /* no event lines (the verdict still prints) */
    bool ipv6;  /* --ipv6: both stacks dual-stack, the harness's sockets over IPv6 */
} tk_sim_opts;

/* The sides' IPv6 addresses with --ipv6 (2001:2::/48, the benchmarking range). */
extern const uint8_t tk_sim_addr6[2][16];
struct tk_sim;
/* What a side binds to: its IPv4 address, or with --ipv6 the wildcard ::
 * (dual-stack, so IPv4 scenarios such as a spoofed flood still reach a
 * listener). */
tk_sockaddr tk_sim_local(const struct tk_sim *s, int side, uint16_t port);
/* The other side's address (IPv6 with --ipv6) and port. */
tk_sockaddr tk_sim_peer(const struct tk_sim *s, int side, uint16_t port);

void tk_sim_opts_init(tk_sim_opts *o);

/* One connection as the trace reported it (one entry per incarnation). */
typedef struct tk_sim_conn {
    int side;
    uint16_t lport, rport;
    int state;
    uint32_t visited; /* bit (1 << state) for every state entered */
    tk_time tw_enter, tw_leave;
} tk_sim_conn;

#define TK_SIM_MAX_CONNS 64

/* A TCP segment a side sent, as the link saw it. */
typedef struct tk_sim_seg {
    tk_time t;
    int side;
    uint8_t flags;
    uint16_t win;
    uint32_t seq, ack, len;
} tk_sim_seg;

#define TK_SIM_SEG_LOG 4096

/* Data segments one side sent from one port, and how many of them went
 * below the highest sequence number sent before (retransmissions). */
typedef struct tk_sim_flow {
    int side;
    uint16_t port;
    uint32_t hi; /* highest sequence number sent + 1 */
    uint64_t data_segs, rexmits;
} tk_sim_flow;

#define TK_SIM_MAX_FLOWS 8

typedef struct tk_sim {
    tk_simnet *net;
    const tk_sim_opts *opts;
    tk_sim_render *render;
    tk_sim_report *report; /* the pictures, when asked for; else NULL */
    tk_config cfg[2];      /* as the stacks were created */
    tk_sim_conn conns[TK_SIM_MAX_CONNS];
    int nconns;
    tk_sim_seg segs[TK_SIM_SEG_LOG]; /* ring: segment i is segs[i % TK_SIM_SEG_LOG] */
    uint32_t nsegs;                  /* segments sent so far */
    tk_sim_flow flows[TK_SIM_MAX_FLOWS];
    int nflows;
    char failure[256];
    bool hush; /* frames and state changes are not printed (a flood's bulk) */
    /* Frames and connections to or from this network are never printed
     * (an attacker's spoofed addresses); mask 0: none. */
    uint32_t quiet_net, quiet_mask;
    /* A frame kept for a what-if scenario: the network's old duplicate. */
    struct tk_sim_grab {
        int side;      /* the side whose next matching frame is kept */
        uint8_t flags; /* TCP flags it must have (all of them) */
        bool armed, payload;
        uint8_t buf[1600];
        size_t len;
        tk_time at; /* when it was sent */
    } grab;
} tk_sim;

/* Creates the simnet from `no` (its hooks are set here) and the renderer.
 * Returns 0 or a negative errno. */
int tk_sim_init(tk_sim *s, const tk_sim_opts *o, tk_simnet_opts *no);
void tk_sim_fini(tk_sim *s);
/* Writes the pictures asked for in the options (--html, --svg,
 * --text-ladder). Returns 0 or a negative errno (a file not written). */
int tk_sim_write_pictures(tk_sim *s);
/* Whether --picture names a picture. */
bool tk_sim_picture_known(const char *name);

/* Records the first failed expectation; returns ok. */
bool tk_sim_expect(tk_sim *s, bool ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
bool tk_sim_failed(const tk_sim *s);
void tk_sim_note(tk_sim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tk_sim_app(tk_sim *s, int side, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Keeps a copy of the next frame `side` sends with all of `flags` (and
 * payload when `payload`), for tk_sim_deliver_old. */
void tk_sim_grab(tk_sim *s, int side, uint8_t flags, bool payload);
/* Hands the kept frame to the other side now, as a network would deliver
 * a copy it held back for a long time (an old duplicate), and says so.
 * Returns false when no frame was kept. */
bool tk_sim_deliver_old(tk_sim *s);

/* Segment i (0 = the first sent), or NULL when out of range or overwritten. */
const tk_sim_seg *tk_sim_seg_at(const tk_sim *s, uint32_t i);
/* Number of segments `side` sent from index `from` on with all of `flags`
 * set (0: any segment). */
uint32_t tk_sim_count_segs(const tk_sim *s, uint32_t from, int side, uint8_t flags);
/* The data sent from side's port (NULL when it sent none, or the first
 * TK_SIM_MAX_FLOWS flows are other ones). */
const tk_sim_flow *tk_sim_flow_find(const tk_sim *s, int side, uint16_t port);
/* Time of the last segment `side` sent at or before `until` (0 if none). */
tk_time tk_sim_last_tx(const tk_sim *s, int side, tk_time until);

tk_stack *tk_sim_stack(tk_sim *s, int side);
tk_time tk_sim_now(const tk_sim *s);
void tk_sim_run_for(tk_sim *s, tk_time dt);
bool tk_sim_run_until(tk_sim *s, bool (*cond)(void *ctx), void *ctx, tk_time timeout);

/* The latest incarnation of a connection, or NULL. */
const tk_sim_conn *tk_sim_conn_find(const tk_sim *s, int side, uint16_t lport, uint16_t rport);
/* Its state, TK_TCP_CLOSED when unknown. */
int tk_sim_state(const tk_sim *s, int side, uint16_t lport, uint16_t rport);
/* Waits up to `timeout` until the connection is in `state`. */
bool tk_sim_wait_state(tk_sim *s, int side, uint16_t lport, uint16_t rport, int state,
                       tk_time timeout);
/* Waits up to `timeout` until tk_poll_events(sd) has a bit of `mask`. */
bool tk_sim_wait_events(tk_sim *s, int side, int sd, int mask, tk_time timeout);
/* Local port of a socket (0 when unknown). */
uint16_t tk_sim_lport(tk_sim *s, int side, int sd);

/* Socket calls that print "A connect(198.18.0.2:80) = -EINPROGRESS" and
 * poll the stacks so the work they queued leaves at once. */
int tk_sim_listen(tk_sim *s, int side, uint16_t port, int backlog);
int tk_sim_socket_bound(tk_sim *s, int side, uint16_t port); /* socket + bind, port 0: none */
int tk_sim_connect(tk_sim *s, int side, int sd, uint16_t rport);
int tk_sim_accept(tk_sim *s, int side, int lsd, tk_time timeout); /* waits; -EAGAIN if none */
long tk_sim_send(tk_sim *s, int side, int sd, const void *buf, size_t len);
long tk_sim_recv(tk_sim *s, int side, int sd, void *buf, size_t len);
int tk_sim_shutdown(tk_sim *s, int side, int sd, int how);
int tk_sim_close(tk_sim *s, int side, int sd);
int tk_sim_setsockopt_int(tk_sim *s, int side, int sd, int level, int name, int value);
int tk_sim_so_error(tk_sim *s, int side, int sd); /* SO_ERROR, printed */

/* A client on A connected to a listener on B (port), both ESTABLISHED and
 * accepted. Fills the three descriptors; false (with a failure) otherwise. */
bool tk_sim_open_pair(tk_sim *s, uint16_t port, int *lsd, int *asd, int *bsd);

/* Transfer of `len` pattern bytes from (tx, txsd) to (rx, rxsd), checking
 * every byte; runs until all arrived or `timeout`. Returns the bytes received
 * in order and intact. Prints one line per call, not per byte. */
uint64_t tk_sim_transfer(tk_sim *s, int tx, int txsd, int rx, int rxsd, uint64_t len,
                         tk_time timeout);

/* Reads until recv() returns 0 or an error or timeout; returns that last
 * value (bytes read are discarded and counted into *total when not NULL). */
long tk_sim_recv_until_end(tk_sim *s, int side, int sd, tk_time timeout, uint64_t *total);

/* The byte at offset i of the pattern stream. */
static inline uint8_t tk_sim_pattern(uint64_t i) {
    return (uint8_t)((i * 2654435761u) >> 13);
}

#endif
