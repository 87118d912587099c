/* Congestion-control stories (SPEC DT-13, docs/congestion.md): CUBIC and
 * NewReno sharing one bottleneck, and a paced initial window. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sim_scenarios.h"
#include "tcpkit/stats.h"
#include "tcpkit/tcp_info.h"
#include "tcpkit/wire/tcp.h"

#define A TK_SIM_A
#define B TK_SIM_B

/* 20 Mbit/s, 40 ms RTT, one bandwidth-delay product of drop-tail buffer
 * (100 kB: 66 full frames), buffers large enough not to limit either flow. */
void tk_sim_cf_bottleneck(tk_simnet_opts *no, const tk_sim_opts *o) {
    (void)o;
    no->link.bandwidth_bps = 20000000;
    no->link.delay = TK_MS(20);
    no->link.queue_limit = 66;
    no->link_capacity = 4096;
    for (int i = 0; i < 2; i++)
        no->cfg[i].rcvbuf = no->cfg[i].sndbuf = 1u << 20;
}

typedef struct cc_flow {
    const char *name;
    int asd, bsd;
    uint16_t port;
    uint64_t sent, rcvd;
    uint64_t cwnd_sum; /* segments, one sample per 100 ms */
    uint32_t samples;
    bool corrupt;
} cc_flow;

typedef struct cc_race {
    tk_sim *s;
    cc_flow f[2];
    tk_time next_sample;
} cc_race;

static void pump_flow(tk_sim *s, cc_flow *f) {
    uint8_t buf[8192];
    for (;;) {
        for (size_t i = 0; i < sizeof buf; i++)
            buf[i] = tk_sim_pattern(f->sent + i);
        long rc = tk_send(tk_sim_stack(s, A), f->asd, buf, sizeof buf);
        if (rc <= 0)
            break;
        f->sent += (uint64_t)rc;
    }
    for (;;) {
        long rc = tk_recv(tk_sim_stack(s, B), f->bsd, buf, sizeof buf);
        if (rc <= 0)
            break;
        for (long i = 0; i < rc; i++)
            f->corrupt |= buf[i] != tk_sim_pattern(f->rcvd + (uint64_t)i);
        f->rcvd += (uint64_t)rc;
    }
}

/* Keeps both flows busy; samples cwnd every 100 ms. Never done: the run
 * ends when its time is up. */
static bool race_pump(void *ctx) {
    cc_race *r = ctx;
    for (int i = 0; i < 2; i++)
        pump_flow(r->s, &r->f[i]);
    tk_time now = tk_sim_now(r->s);
    if (now >= r->next_sample) {
        r->next_sample = now + TK_MS(100);
        for (int i = 0; i < 2; i++) {
            tk_tcp_info ti;
            if (tk_tcp_info_get(tk_sim_stack(r->s, A), r->f[i].asd, &ti) == 0) {
                r->f[i].cwnd_sum += ti.tcpi_snd_cwnd;
                r->f[i].samples++;
            }
        }
    }
    tk_simnet_poll(r->s->net);
    return false;
}

/* A socket on A with the controller `name`, connected to B and accepted. */
static bool open_flow(tk_sim *s, int lsd, cc_flow *f) {
    f->asd = tk_sim_socket_bound(s, A, 0);
    int rc = tk_setsockopt(tk_sim_stack(s, A), f->asd, TK_IPPROTO_TCP_LEVEL, TK_TCP_CONGESTION,
                           f->name, strlen(f->name));
    tk_sim_app(s, A, "setsockopt(TCP_CONGESTION, \"%s\") = %d", f->name, rc);
    if (!tk_sim_expect(s, rc == 0, "TCP_CONGESTION %s refused: %d", f->name, rc))
        return false;
    rc = tk_sim_connect(s, A, f->asd, TK_SIM_PORT);
    if (!tk_sim_expect(s, rc == -EINPROGRESS || rc == 0, "connect() = %d", rc))
        return false;
    tk_sim_wait_events(s, A, f->asd, TK_POLLOUT | TK_POLLERR, TK_SEC(10));
    f->bsd = tk_sim_accept(s, B, lsd, TK_SEC(10));
    f->port = tk_sim_lport(s, A, f->asd);
    return tk_sim_expect(s, f->bsd >= 0, "B accept() = %d", f->bsd);
}

static void report_flows(tk_sim *s, const cc_race *r, tk_time span) {
    tk_sim_note(s, "%-8s %12s %10s %10s %12s %12s", "flow", "goodput", "avg cwnd", "end cwnd",
                "ssthresh", "retransmits");
    for (int i = 0; i < 2; i++) {
        const cc_flow *f = &r->f[i];
        tk_tcp_info ti;
        memset(&ti, 0, sizeof ti);
        (void)tk_tcp_info_get(tk_sim_stack(s, A), f->asd, &ti);
        const tk_sim_flow *fl = tk_sim_flow_find(s, A, f->port);
        char ss[16];
        if (ti.tcpi_snd_ssthresh >= 0x7fffffffu)
            snprintf(ss, sizeof ss, "-");
        else
            snprintf(ss, sizeof ss, "%u", ti.tcpi_snd_ssthresh);
        tk_sim_note(s, "%-8s %7.2f Mb/s %10.1f %10u %12s %12llu", ti.tcpi_ca_name,
                    (double)f->rcvd * 8.0 / ((double)span / 1e6) / 1e6,
                    f->samples ? (double)f->cwnd_sum / f->samples : 0.0, ti.tcpi_snd_cwnd, ss,
                    (unsigned long long)(fl ? fl->rexmits : 0));
    }
}

/* One CUBIC and one NewReno flow from A to B through the same 20 Mbit/s
 * bottleneck for 30 s (--seconds N): both intact, the link kept busy,
 * neither starved; goodput, cwnd and losses side by side. */
void tk_sim_sc_cubic_vs_reno(tk_sim *s) {
    int lsd = tk_sim_listen(s, B, TK_SIM_PORT, 8);
    if (!tk_sim_expect(s, lsd >= 0, "B listen() failed: %d", lsd))
        return;
    cc_race r = {.s = s, .f = {{.name = "cubic"}, {.name = "newreno"}}};
    if (!open_flow(s, lsd, &r.f[0]) || !open_flow(s, lsd, &r.f[1]))
        return;
    tk_time span = TK_SEC(s->opts->seconds > 0 ? (uint64_t)s->opts->seconds : 30u);
    tk_sim_note(s, "both flows send as fast as they may for %llu s (events hushed)",
                (unsigned long long)(span / TK_SEC(1)));
    s->hush = true;
    tk_time t0 = tk_sim_now(s);
    tk_sim_run_until(s, race_pump, &r, span);
    s->hush = false;
    report_flows(s, &r, tk_sim_now(s) - t0);
    uint64_t total = r.f[0].rcvd + r.f[1].rcvd;
    double util = (double)total * 8.0 / ((double)span / 1e6) / 20e6;
    tk_sim_note(s, "the bottleneck carried %.1f %% of its capacity in goodput", util * 100.0);
    for (int i = 0; i < 2; i++) {
        tk_sim_expect(s, !r.f[i].corrupt, "%s's stream arrived corrupted", r.f[i].name);
        tk_sim_expect(s, r.f[i].rcvd * 10 >= total / 2, "%s was starved: %llu of %llu bytes",
                      r.f[i].name, (unsigned long long)r.f[i].rcvd, (unsigned long long)total);
    }
    tk_sim_expect(s, util >= 0.8, "the flows used only %.1f %% of the bottleneck", util * 100.0);
}

/* The initial window of 10 segments paced at 2 x cwnd / SRTT (slow start):
 * SRTT 20 ms from the handshake, so one segment per 20 ms / 20 = 1 ms, in
 * bursts of two segments (a receiver that acknowledges every second
 * segment then answers each burst at once): a pair every 2 ms. */
void tk_sim_cf_paced_start(tk_simnet_opts *no, const tk_sim_opts *o) {
    (void)o;
    for (int i = 0; i < 2; i++) {
        no->cfg[i].initial_window = 10;
        no->cfg[i].cc_algorithm = TK_CC_ALGO_CUBIC;
    }
}

/* A's data segments from index `from`: how many, and their send times. */
static uint32_t data_times(const tk_sim *s, uint32_t from, tk_time *t, uint32_t max) {
    uint32_t n = 0;
    for (uint32_t i = from; i < s->nsegs && n < max; i++) {
        const tk_sim_seg *g = tk_sim_seg_at(s, i);
        if (g && g->side == A && g->len > 0)
            t[n++] = g->t;
    }
    return n;
}

static void send_window(tk_sim *s, int a, const char *what, tk_time gap) {
    static uint8_t buf[14480];
    uint32_t mark = s->nsegs;
    long rc = tk_sim_send(s, A, a, buf, sizeof buf);
    tk_sim_expect(s, rc == (long)sizeof buf, "send() = %ld", rc);
    tk_sim_run_for(s, TK_MS(15)); /* less than one RTT: no ACK has arrived */
    tk_time t[16];
    uint32_t n = data_times(s, mark, t, 16);
    tk_sim_note(s, "%s: %u segments, the last %llu us after the first", what, n,
                n ? (unsigned long long)(t[n - 1] - t[0]) : 0ull);
    tk_sim_expect(s, n == 10, "%s: %u segments in the first RTT, want 10", what, n);
    for (uint32_t i = 1; i < n; i++)
        tk_sim_expect(s, t[i] - t[0] == (i / 2u) * 2u * gap,
                      "%s: segment %u left %llu us after the first, "
                      "want %llu",
                      what, i + 1, (unsigned long long)(t[i] - t[0]),
                      (unsigned long long)((i / 2u) * 2u * gap));
    tk_sim_run_for(s, TK_MS(200));
}

void tk_sim_sc_paced_start(tk_sim *s) {
    int lsd, a, b;
    if (!tk_sim_open_pair(s, TK_SIM_PORT, &lsd, &a, &b))
        return;
    tk_tcp_info ti;
    tk_tcp_info_get(tk_sim_stack(s, A), a, &ti);
    tk_sim_note(s, "CUBIC, SRTT %u us, cwnd %u segments: pacing at %llu bytes/s", ti.tcpi_rtt,
                ti.tcpi_snd_cwnd, (unsigned long long)ti.tcpi_pacing_rate);
    send_window(s, a, "paced", ti.tcpi_rtt / 20u);
    /* The same on a new connection with TCP_PACING off: one burst. */
    int lsd2 = tk_sim_listen(s, B, TK_SIM_PORT + 1, 8);
    int a2 = tk_sim_socket_bound(s, A, 0);
    int rc = tk_sim_setsockopt_int(s, A, a2, TK_IPPROTO_TCP_LEVEL, TK_TCP_PACING, 0);
    tk_sim_app(s, A, "setsockopt(TCP_PACING, 0) = %d", rc);
    tk_sim_connect(s, A, a2, TK_SIM_PORT + 1);
    tk_sim_wait_events(s, A, a2, TK_POLLOUT, TK_SEC(5));
    tk_sim_expect(s, tk_sim_accept(s, B, lsd2, TK_SEC(5)) >= 0, "B did not accept");
    send_window(s, a2, "unpaced", 0);
}
