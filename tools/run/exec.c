/* The script runner's event loop: virtual time, captured frames, inbound
 * injection and outbound matching (see runner.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/packetdrill/pkt_frame.h"
#include "runner.h"
#include "tcpkit/socket.h"

#define MAX_POLLS_PER_ADVANCE 1000000
#define LATE_LOOKAHEAD        TK_SEC(10)              /* how far to look for a late packet */
#define ANY_TIME_LIMIT        ((int64_t)TK_SEC(3600)) /* how long `*` waits for a packet */

static const uint8_t local_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t remote_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};

int tk_run_fail(tk_run *r, int line, const char *fmt, ...) {
    if (r->failed)
        return 1;
    r->failed = true;
    r->fail_line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->fail_msg, sizeof r->fail_msg, fmt, ap);
    va_end(ap);
    for (char *c = r->fail_msg; *c; c++)
        if (*c == '\n' || *c == '\t')
            *c = ' '; /* one line per script */
    return 1;
}

int tk_run_mismatch(tk_run *r, int line, const char *fmt, ...) {
    char msg[sizeof r->fail_msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!r->sc->hdr.non_fatal_syscall)
        return tk_run_fail(r, line, "%s", msg);
    if (r->nmismatch++ == 0) {
        r->mismatch_line = line;
        memcpy(r->mismatch_msg, msg, sizeof msg);
    }
    return 0;
}

int64_t tk_run_script_now(const tk_run *r) {
    return (int64_t)(r->now - TK_RUN_EPOCH);
}

static int on_output(void *ctx, const uint8_t *frame, size_t len) {
    tk_run *r = ctx;
    if (r->ip_version == TK_PKT_IPV6 && tk_run_nd_frame(r, frame, len))
        return 0; /* the link's, not the script's */
    if (r->qn == TK_RUN_QUEUE || len > TK_RUN_MAX_FRAME) {
        tk_run_fail(r, r->line,
                    "the stack sent more than %d frames without the script expecting them",
                    TK_RUN_QUEUE);
        return 0;
    }
    tk_run_frame *f = &r->q[r->qn++];
    f->at = r->now;
    f->len = len;
    memcpy(f->data, frame, len);
    return 0;
}

static uint32_t on_random(void *ctx) {
    tk_run *r = ctx;
    r->rng ^= r->rng << 13;
    r->rng ^= r->rng >> 17;
    r->rng ^= r->rng << 5;
    return r->rng;
}

int tk_run_stack(tk_run *r, int line) {
    if (r->stack)
        return 0;
    tk_stack_io io = {.output = on_output, .random = on_random, .ctx = r};
    if (r->opts.verbose || r->opts.pcap || r->opts.report || r->opts.json)
        io.trace = tk_run_trace;
    int rc = tk_stack_create(&r->stack, &r->cfg, &io);
    if (rc < 0)
        return tk_run_fail(r, line, "cannot create the stack: error %d", rc);
    if (r->ip_version == TK_PKT_IPV6)
        return tk_run_md5_apply(r, line); /* the peer answers solicitations (nd_peer.c) */
    /* The peer, or the gateway the script named when the peer is off-link. */
    uint32_t next_hop = r->cfg.gateway ? r->cfg.gateway : r->conn.raddr;
    rc = tk_stack_add_neighbor(r->stack, next_hop, remote_mac);
    if (rc < 0)
        return tk_run_fail(r, line, "cannot add the static neighbour: error %d", rc);
    return tk_run_md5_apply(r, line);
}

enum { STOP_ON_FRAME = 1, STOP_WHEN_UNBLOCKED = 2 };

static bool stop_now(const tk_run *r, int stop) {
    return ((stop & STOP_ON_FRAME) && r->qn > 0) ||
           ((stop & STOP_WHEN_UNBLOCKED) && !r->pending.active);
}

/* Runs due timers up to `target`, returning early as `stop` asks: as soon as
 * a frame has been captured, or once the pending blocking call returned. */
static void advance(tk_run *r, tk_time target, int stop) {
    if (!r->stack) {
        if (target > r->now)
            r->now = target;
        return;
    }
    for (int i = 0; i < MAX_POLLS_PER_ADVANCE; i++) {
        if (stop_now(r, stop))
            return;
        tk_time d = tk_stack_next_deadline(r->stack);
        if (r->pending.active && r->pending.deadline < d)
            d = r->pending.deadline; /* a poll()'s timeout */
        if (d > target)
            break;
        tk_time before = r->now;
        if (d > r->now)
            r->now = d;
        tk_stack_poll(r->stack, r->now);
        tk_run_nd_answer(r);
        (void)tk_run_retry_pending(r);
        if (d <= before && tk_stack_next_deadline(r->stack) <= before)
            break; /* a deadline in the past that poll did not clear */
    }
    if (stop_now(r, stop))
        return;
    if (target > r->now)
        r->now = target;
    tk_stack_poll(r->stack, r->now);
    tk_run_nd_answer(r);
    (void)tk_run_retry_pending(r);
}

int tk_run_await_pending(tk_run *r, int64_t t_script) {
    if (!r->pending.active)
        return r->failed;
    advance(r, TK_RUN_EPOCH + (tk_time)(t_script < 0 ? 0 : t_script), STOP_WHEN_UNBLOCKED);
    return r->failed;
}

void tk_run_advance(tk_run *r, int64_t t_script) {
    advance(r, t_script < 0 ? TK_RUN_EPOCH : TK_RUN_EPOCH + (tk_time)t_script, STOP_ON_FRAME);
}

static double secs(int64_t usecs) {
    return (double)usecs / 1e6;
}

static void pop_frame(tk_run *r) {
    memmove(r->q, r->q + 1, (r->qn - 1) * sizeof *r->q);
    r->qn--;
}

static void render_frame(tk_run *r, const tk_run_frame *f, char *buf, size_t cap) {
    tk_pkt_seen seen;
    int icmp6 = tk_run_icmp6_type(f->data, f->len);
    if (tk_pkt_decode(f->data, f->len, &seen) == 0)
        tk_pkt_render(&r->conn, &seen, buf, cap);
    else if (icmp6 >= 0)
        snprintf(buf, cap, "an ICMPv6 message of type %d (%zu bytes)", icmp6, f->len);
    else
        snprintf(buf, cap, "a non-TCP frame of %zu bytes", f->len);
}

/* Nothing may leave the stack before a non-outbound event runs. */
static int no_frames_before(tk_run *r, const tk_pkt_event *ev, int64_t at) {
    tk_run_advance(r, at);
    if (r->qn == 0)
        return r->failed;
    char got[300];
    render_frame(r, &r->q[0], got, sizeof got);
    return tk_run_fail(r, ev->line, "expected no packet before this event, got %s at %.6f", got,
                       secs((int64_t)(r->q[0].at - TK_RUN_EPOCH)));
}

static int check_ports(tk_run *r, const tk_pkt_event *ev, const tk_pkt_seen *got) {
    if (got->sport == r->conn.lport && got->dport == r->conn.rport)
        return 0;
    return tk_run_fail(r, ev->line, "expected ports %u > %u, got %u > %u", r->conn.lport,
                       r->conn.rport, got->sport, got->dport);
}

/* Nothing came in time: look a little further to tell "late" from "never". */
static int missing_packet(tk_run *r, const tk_pkt_event *ev, int64_t lo) {
    int64_t gave_up = tk_run_script_now(r);
    advance(r, r->now + LATE_LOOKAHEAD, STOP_ON_FRAME);
    if (r->qn == 0)
        return tk_run_fail(r, ev->line, "expected a packet at %.6f, got none by %.6f", secs(lo),
                           secs(gave_up));
    char text[300];
    render_frame(r, &r->q[0], text, sizeof text);
    return tk_run_fail(r, ev->line, "expected a packet at %.6f, got %s late at %.6f", secs(lo),
                       text, secs((int64_t)(r->q[0].at - TK_RUN_EPOCH)));
}

static int expect_packet(tk_run *r, const tk_pkt_event *ev, int64_t lo, int64_t hi) {
    const tk_pkt_packet *p = &ev->pkt;
    int64_t tol = r->sc->hdr.tolerance_usecs;
    if (p->is_icmp)
        return tk_run_fail(r, ev->line, "outbound ICMP packets are not supported");
    if (r->qn == 0 && hi + tol >= 0)
        advance(r, TK_RUN_EPOCH + (tk_time)(hi + tol), STOP_ON_FRAME);
    if (r->failed)
        return 1;
    if (r->qn == 0)
        return missing_packet(r, ev, lo);
    tk_run_frame *f = &r->q[0];
    int64_t at = (int64_t)(f->at - TK_RUN_EPOCH);
    tk_pkt_seen got;
    char msg[300], text[300];
    if (tk_pkt_decode(f->data, f->len, &got) != 0) {
        render_frame(r, f, text, sizeof text);
        return tk_run_fail(r, ev->line, "expected a TCP packet, got %s", text);
    }
    if (at < lo - tol) {
        tk_pkt_render(&r->conn, &got, text, sizeof text);
        return tk_run_fail(r, ev->line, "expected a packet at %.6f, got %s early at %.6f", secs(lo),
                           text, secs(at));
    }
    if (check_ports(r, ev, &got))
        return 1;
    tk_pkt_match_cfg cfg = {.relax_options = r->opts.relax_options,
                            .relax_win = r->opts.relax_win,
                            .ts_slack = r->sc->hdr.ts_tick_usecs == 0
                                            ? UINT32_MAX /* --tcp_ts_tick_usecs=0 */
                                            : (uint32_t)(tol / 1000 + 1)};
    if (tk_pkt_match(&r->conn, p, &got, &cfg, msg, sizeof msg)) {
        tk_pkt_render(&r->conn, &got, text, sizeof text);
        return tk_run_fail(r, ev->line, "%s (packet %s at %.6f)", msg, text, secs(at));
    }
    pop_frame(r);
    if (ev->time.kind == TK_PKT_TIME_ANY || ev->time.kind == TK_PKT_TIME_RANGE)
        r->prev = at;
    return 0;
}

static int inject(tk_run *r, const tk_pkt_event *ev) {
    uint8_t frame[TK_RUN_MAX_FRAME + 65536];
    char msg[200] = "";
    int len = tk_pkt_build(&r->conn, &ev->pkt, frame, sizeof frame, msg, sizeof msg);
    if (len < 0)
        return tk_run_fail(r, ev->line, "cannot build the packet: %s", msg);
    (void)tk_stack_input(r->stack, frame, (size_t)len, r->now);
    tk_run_nd_answer(r);
    (void)tk_run_retry_pending(r);
    return r->failed;
}

/* An inbound packet is delivered before a timer due at the same instant:
 * the script injects it at that time, and the stack's own timers started
 * from the same instants fire at the earliest then too; packetdrill on a
 * real kernel sees the packet first (the timer fires at the next tick). */
static int inbound_packet(tk_run *r, const tk_pkt_event *ev, int64_t lo) {
    if (no_frames_before(r, ev, lo - 1))
        return 1;
    tk_time at = TK_RUN_EPOCH + (tk_time)(lo < 0 ? 0 : lo);
    if (at > r->now)
        r->now = at;
    return inject(r, ev);
}

static void event_window(const tk_run *r, const tk_pkt_event *ev, int64_t *lo, int64_t *hi) {
    const tk_pkt_time *t = &ev->time;
    int64_t base = r->prev;
    *lo = *hi = base;
    if (ev->untimed)
        return;
    switch (t->kind) {
    case TK_PKT_TIME_ABS:
        *lo = *hi = t->t0;
        break;
    case TK_PKT_TIME_REL:
        *lo = *hi = base + t->t0;
        break;
    case TK_PKT_TIME_ANY:
        *lo = tk_run_script_now(r);
        *hi = *lo + ANY_TIME_LIMIT;
        break;
    case TK_PKT_TIME_RANGE:
    case TK_PKT_TIME_WINDOW:
        *lo = t->rel0 ? base + t->t0 : t->t0;
        *hi = t->rel1 ? base + t->t1 : t->t1;
        break;
    }
}

static int run_event(tk_run *r, const tk_pkt_event *ev) {
    int64_t lo, hi;
    r->line = ev->line;
    event_window(r, ev, &lo, &hi);
    if (ev->kind != TK_PKT_EV_COMMAND && r->unsupported.line)
        return tk_run_fail(r, r->unsupported.line, "%s", r->unsupported.msg);
    if (ev->kind != TK_PKT_EV_COMMAND && tk_run_stack(r, ev->line))
        return 1;
    if (ev->kind == TK_PKT_EV_PACKET && !ev->pkt.inbound) {
        r->prev = lo;
        return expect_packet(r, ev, lo, hi);
    }
    r->prev = lo;
    if (ev->kind == TK_PKT_EV_PACKET)
        return inbound_packet(r, ev, lo);
    if (no_frames_before(r, ev, lo))
        return 1;
    switch (ev->kind) {
    case TK_PKT_EV_PACKET:
        return inject(r, ev);
    case TK_PKT_EV_SYSCALL:
        return tk_run_syscall(r, ev, lo, hi);
    case TK_PKT_EV_COMMAND:
        return tk_run_command(r, ev);
    case TK_PKT_EV_CODE:
        return tk_run_code(r, ev);
    }
    return 0;
}
/* --local_ip, --remote_ip, --netmask_ip, --gateway_ip: the stack gets the
 * local address; a peer outside its subnet is reached through the gateway
 * (packetdrill's default: the subnet's .2), whose neighbour entry carries
 * the peer's MAC. */
static void set_addresses(tk_run *r, const tk_pkt_headers *h) {
    r->cfg.addr = h->local_ip ? h->local_ip : TK_RUN_LOCAL_ADDR;
    r->cfg.netmask = h->netmask_ip ? h->netmask_ip : h->local_ip ? 0xffff0000u : 0xfffe0000u;
    uint32_t remote = h->remote_ip ? h->remote_ip : TK_RUN_REMOTE_ADDR;
    bool on_link = (remote & r->cfg.netmask) == (r->cfg.addr & r->cfg.netmask);
    r->cfg.gateway = h->gateway_ip ? h->gateway_ip
                     : on_link     ? 0
                                   : (r->cfg.addr & r->cfg.netmask) | 2u;
}

/* The length of the prefix a and b share (0..128). */
static uint8_t common_prefix(const uint8_t a[16], const uint8_t b[16]) {
    uint8_t n = 0;
    for (int i = 0; i < 16 && a[i] == b[i]; i++)
        n = (uint8_t)(n + 8);
    for (int i = n / 8, bit = 7; n < 128 && bit >= 0; bit--, n++)
        if (((a[i] ^ b[i]) >> bit) & 1)
            break;
    return n;
}

/* --ip_version=ipv6: the stack gets a static IPv6 address, usable at once
 * (no duplicate address detection: no NDP traffic the script does not
 * expect), with the peer on-link inside packetdrill's /48 (or the longest
 * prefix both addresses share). */
static int set_addresses6(tk_run *r, const tk_pkt_headers *h) {
    static const uint8_t local[16] = TK_RUN_LOCAL_ADDR6, remote[16] = TK_RUN_REMOTE_ADDR6;
    tk_pkt_conn *c = &r->conn;
    memcpy(c->laddr6, h->has_local_ip6 ? h->local_ip6 : local, 16);
    memcpy(c->raddr6, h->has_remote_ip6 ? h->remote_ip6 : remote, 16);
    uint8_t shared = common_prefix(c->laddr6, c->raddr6);
    if (shared == 0 || shared == 128)
        return tk_run_fail(r, 1, "--local_ip and --remote_ip must differ and share a prefix");
    r->cfg.ipv6 = true;
    memcpy(r->cfg.addr6, c->laddr6, 16);
    r->cfg.prefix6_len = shared < TK_RUN_PREFIX6 ? shared : TK_RUN_PREFIX6;
    r->cfg.dad_transmits = 0;
    return 0;
}

/* The IP version, from the command line or the script; the headers must
 * fit it. Returns 0 or 1 (failed). */
static int set_version(tk_run *r, const tk_pkt_headers *h) {
    r->ip_version = r->opts.ip_version ? r->opts.ip_version : h->ip_version;
    r->conn.ip_version = r->ip_version;
    bool v6 = r->ip_version == TK_PKT_IPV6;
    if (!v6 && (h->has_local_ip6 || h->has_remote_ip6))
        return tk_run_fail(r, 1, "an IPv6 --local_ip or --remote_ip needs --ip_version=ipv6");
    if (v6 && (h->local_ip || h->remote_ip || h->gateway_ip || h->netmask_ip))
        return tk_run_fail(r, 1, "--ip_version=ipv6 takes IPv6 addresses (and no gateway)");
    return v6 ? set_addresses6(r, h) : 0;
}

static void setup(tk_run *r, const tk_pkt_script *sc, const tk_run_opts *opts) {
    memset(r, 0, sizeof *r);
    r->sc = sc;
    r->opts = *opts;
    r->q = calloc(TK_RUN_QUEUE, sizeof *r->q);
    r->now = TK_RUN_EPOCH;
    r->rng = 0x2545f491u;
    r->last_fd = -1;
    for (int i = 0; i < TK_RUN_MAX_FDS; i++)
        r->sd[i] = -1;
    for (int i = 0; i < TK_RUN_MAX_EPOLL; i++)
        r->epolls[i].fd = -1;
    tk_config_default(&r->cfg);
    /* The scripts (FreeBSD's suite and tests/scenario) expect NewReno's
     * windows and unpaced bursts; a script may still set TCP_CONGESTION. */
    r->cfg.cc_algorithm = TK_CC_ALGO_NEWRENO;
    set_addresses(r, &sc->hdr);
    tk_run_pictures_begin(r);
    memcpy(r->cfg.mac, local_mac, 6);
    if (sc->hdr.mtu)
        r->cfg.mtu = (uint16_t)sc->hdr.mtu;
    r->cfg.isn_fixed = opts->local_isn_fixed;
    r->cfg.isn_value = opts->local_isn;
    /* Checked when the options were read (cmd_run.c): cannot fail here. */
    char msg[160];
    for (size_t i = 0; i < opts->npresets; i++)
        (void)tk_run_sysctl_preset(&r->cfg, opts->presets[i], msg, sizeof msg);
    tk_pkt_conn *c = &r->conn;
    c->laddr = r->cfg.addr;
    c->raddr = sc->hdr.remote_ip ? sc->hdr.remote_ip : TK_RUN_REMOTE_ADDR;
    r->bind_port = sc->hdr.bind_port ? sc->hdr.bind_port : TK_RUN_PORT;
    r->connect_port = sc->hdr.connect_port ? sc->hdr.connect_port : TK_RUN_PORT;
    c->lport = r->bind_port;
    c->rport = TK_RUN_REMOTE_PORT;
    memcpy(c->lmac, local_mac, 6);
    memcpy(c->rmac, remote_mac, 6);
    c->remote_isn = opts->remote_isn;
    c->md5_key = sc->hdr.md5_secret ? sc->hdr.md5_key : NULL;
}

int tk_run_script(tk_run *r, const tk_pkt_script *sc, const tk_run_opts *opts) {
    setup(r, sc, opts);
    if (!r->q)
        return tk_run_fail(r, 0, "out of memory");
    if (set_version(r, &sc->hdr))
        return 1;
    for (size_t i = 0; i < sc->nevents && !r->failed; i++)
        if (run_event(r, &sc->events[i]))
            break;
    if (!r->failed && r->pending.active)
        tk_run_fail(r, r->pending.ev->line,
                    "expected the blocking call to return by %.6f, "
                    "it was still blocked at the end of the script",
                    secs(r->pending.hi));
    return r->failed ? 1 : 0;
}

void tk_run_release(tk_run *r) {
    if (r->stack) {
        r->qn = 0;
        r->failed = true;        /* frames from the final aborts are not checked */
        r->opts.verbose = false; /* nor shown or captured */
        r->opts.pcap = NULL;
        tk_stack_destroy(r->stack, r->now);
        r->stack = NULL;
    }
    free(r->q);
    r->q = NULL;
}
