/* Shared fixture of the RACK-TLP, PRR and undo tests (SPEC DT-12, DT-14,
 * DT-15): the stack opens actively to a scripted peer with MSS 1000 and
 * SACK; the handshake takes 100 ms, and every data round is acknowledged
 * 100 ms after it left, so SRTT is 100 ms, RTTVAR 37.5 ms (RTO 250 ms) and
 * RACK's min_RTT 100 ms: the reordering window is 25 ms and the probe
 * timeout 2 SRTT = 200 ms. */
#ifndef TK_TESTS_RACK_FIXTURE_H
#define TK_TESTS_RACK_FIXTURE_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "socket/fd.h"
#include "support/tk_conn.h"
#include "support/tk_harness.h"
#include "tcp/rack.h"
#include "tcpkit/tcp_info.h"

#define ISS 0xffffff00u
#define IRS 0xfffffc00u
#define S1  (ISS + 1)
#define R1  (IRS + 1)
#define RTT TK_MS(100)

static uint8_t zeros[70000] __attribute__((unused));

typedef struct conn {
    tkh h;
    int sd;
    bool ts;
    uint32_t una; /* SND.UNA as the peer acknowledged it */
} conn;

static inline tk_tcp_opts peer_opts(const conn *c, const tkh_seg *ours) {
    tk_tcp_opts o;
    memset(&o, 0, sizeof o);
    if (c->ts && ours != NULL) {
        o.present = TK_OPT_TS;
        o.ts_val = 1000;
        o.ts_ecr = ours->opts.ts_val;
    }
    return o;
}

/* Active open, the SYN-ACK 100 ms after the SYN. */
static inline void open_conn(conn *c, bool ts) {
    memset(c, 0, sizeof *c);
    c->ts = ts;
    tk_config cfg;
    tkh_config(&cfg);
    tkh_init_fixed(&c->h, &cfg, ISS);
    c->sd = tk_socket(c->h.s);
    tk_sockaddr a = tk_sockaddr_in4(0, c->h.lport),
                r = tk_sockaddr_in4(TKH_REMOTE_ADDR, c->h.rport);
    assert_int_equal(tk_bind(c->h.s, c->sd, &a), 0);
    assert_int_equal(tk_connect(c->h.s, c->sd, &r), -EINPROGRESS);
    tkh_poll(&c->h);
    tkh_seg syn;
    assert_true(tkh_next(&c->h, &syn));
    tkh_run_until(&c->h, c->h.now + RTT);
    /* 1000 bytes of payload per segment, with or without timestamps */
    tk_tcp_opts o =
        tkh_mss_opts(TK_OPT_MSS | TK_OPT_SACK_PERM | (ts ? TK_OPT_TS : 0), ts ? 1012 : 1000);
    o.ts_val = 1000;
    o.ts_ecr = syn.opts.ts_val;
    tkh_inject(&c->h, TK_TCP_SYN | TK_TCP_ACK, IRS, S1, 65535, &o, NULL, 0);
    tkh_clear(&c->h);
    c->una = S1;
}

/* The peer acknowledges up to `ack`, with SACK blocks edges[0..2n). */
static inline void ack(conn *c, uint32_t to, uint16_t win, uint32_t n, const uint32_t *edges) {
    tk_tcp_opts o = peer_opts(c, NULL);
    if (c->ts) {
        o.present = TK_OPT_TS;
        o.ts_val = 1000;
        o.ts_ecr = (uint32_t)(c->h.now / 1000u) - 100u; /* what left one RTT ago */
    }
    if (n > 0) {
        o.present |= TK_OPT_SACK;
        o.sack_count = (uint8_t)n;
        for (uint32_t i = 0; i < n; i++) {
            o.sack[i].left = edges[2 * i];
            o.sack[i].right = edges[2 * i + 1];
        }
    }
    tkh_inject(&c->h, TK_TCP_ACK, R1, to, win, &o, NULL, 0);
    c->una = to;
}

/* One round: `bytes` sent now, each segment acknowledged on its own one
 * RTT later (slow start: +1 SMSS per ACK). */
static inline void warm(conn *c, uint32_t bytes) {
    tk_send(c->h.s, c->sd, zeros, bytes);
    tkh_poll(&c->h);
    tkh_clear(&c->h);
    tkh_run_until(&c->h, c->h.now + RTT);
    uint32_t start = c->una;
    for (uint32_t off = 1000; off <= bytes; off += 1000)
        ack(c, start + off, 65535, 0, NULL);
    tkh_clear(&c->h);
}

static inline tk_conn_info info(conn *c) {
    tk_conn_info ci[4];
    int n = (int)tk_stack_conn_table(c->h.s, ci, 4);
    for (int i = 0; i < n; i++)
        if (ci[i].sd == c->sd)
            return ci[i];
    fail();
    return ci[0];
}

static inline tk_tcp_info tcpinfo(conn *c) {
    tk_tcp_info ti;
    assert_int_equal(tk_tcp_info_get(c->h.s, c->sd, &ti), 0);
    return ti;
}

/* DT-12 (RFC 8985 6.2): one segment SACKed above a hole is not enough for a
 * loss: the hole waits for the reordering window, min_RTT / 4 = 25 ms, and
 * the reordering timer resends it exactly RACK.rtt + 25 ms after it was sent
 * (the duplicate-ACK threshold would wait for two more ACKs). */

#endif
