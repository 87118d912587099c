/* Data transfer, exact segments (DT-2..DT-6, DT-9, OP-4; out-of-order data,
 * DT-8 and OP-3, in test_tcp_ooo.c). The stack is the server; the scripted
 * peer offers MSS 1000. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_conn.h"
#include "support/tk_harness.h"

#define ISS 0xffffff00u
#define IRS 0xfffffc00u
#define S1  (ISS + 1)
#define R1  (IRS + 1)

static uint8_t zeros[70000];

static int open_conn(tkh *h, uint32_t rcvbuf, uint32_t retries2) {
    return tkh_open_mss(h, ISS, IRS, 1000, rcvbuf, retries2);
}

/* DT-2: never beyond the peer's window. */
static void test_DT_02_send_within_peer_window(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h, 0, 0);
    tkh_set_nodelay(&h, sd);
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 3000, NULL, NULL, 0);
    assert_int_equal(tk_send(h.s, sd, zeros, 10000), 10000);
    tkh_poll(&h);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1, 1000);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1 + 1000, R1, 1000);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1 + 2000, R1, 1000);
    TKH_NOTHING(&h);
    tkh_inject(&h, TK_TCP_ACK, R1, S1 + 1000, 3000, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1 + 3000, R1, 1000);
    TKH_NOTHING(&h);
    tkh_fini(&h);
}

/* DT-2 receiver: the advertised window shrinks as data waits and a window
 * update goes out when the application reads; DT-4 receiver SWS: a small
 * window is not offered. The 8192-byte buffer is rounded up to 9 segments
 * of 1000 bytes once established. */
static void test_DT_02_receive_window_and_update(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h, 8192, 0);
    int v;
    size_t vlen = sizeof(v);
    assert_int_equal(tk_getsockopt(h.s, sd, TK_SOL_SOCKET, TK_SO_RCVBUF, &v, &vlen), 0);
    assert_int_equal(v, 9000);
    tkh_seg g;
    for (uint32_t i = 0; i < 9; i++) {
        tkh_inject(&h, TK_TCP_ACK, R1 + 1000u * i, S1, 65535, NULL, zeros, 1000);
        if (i % 2 == 1) {
            TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1 + 1000u * (i + 1), 0);
            assert_int_equal(g.win, 9000u - 1000u * (i + 1));
        }
        TKH_NOTHING(&h);
    }
    tkh_run_until(&h, h.now + TK_MS(40));
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1 + 9000, 0);
    assert_int_equal(g.win, 0);
    /* Beyond a zero window: dropped, answered at once. */
    tkh_inject(&h, TK_TCP_ACK, R1 + 9000, S1, 65535, NULL, zeros, 1000);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1 + 9000, 0);
    assert_int_equal(g.win, 0);
    assert_int_equal(tk_stack_stats(h.s)->drop_out_of_window, 1);
    /* Reading 500 bytes opens too little to announce (SWS). */
    static uint8_t buf[9000];
    assert_int_equal(tk_recv(h.s, sd, buf, 500), 500);
    tkh_poll(&h);
    TKH_NOTHING(&h);
    assert_int_equal(tk_recv(h.s, sd, buf, sizeof(buf)), 8500);
    tkh_poll(&h);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1 + 9000, 0);
    assert_int_equal(g.win, 9000);
    tkh_fini(&h);
}

/* DT-2: a passive open sends no window update for the window its SYN-ACK
 * could not offer (a SYN-ACK's window is never scaled): the peer has sent
 * nothing yet, and its first data is ACKed with the whole window. (Before,
 * every handshake drew one more segment, a bare ACK.) */
static void test_DT_02_no_window_update_after_handshake(void **state) {
    (void)state;
    tkh h;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.rcvbuf = 262144;
    tkh_init(&h, &cfg);
    tk_tcp_opts o = tkh_mss_opts(TK_OPT_MSS | TK_OPT_WSCALE, 1000);
    o.wscale = 7;
    uint32_t iss;
    tkh_accept_conn(&h, tkh_listen(&h), IRS, &o, &iss);
    tkh_poll(&h);
    TKH_NOTHING(&h);
    tkh_inject(&h, TK_TCP_ACK | TK_TCP_PSH, R1, iss + 1, 65535, NULL, zeros, 1000);
    tkh_run_until(&h, h.now + TK_MS(40));
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_ACK, iss + 1, R1 + 1000, 0);
    /* The buffer rounds up to 263 segments; our shift is 3 for 256 KiB. */
    assert_int_equal(g.win, (263000u - 1000u) >> 3);
    TKH_NOTHING(&h);
    tkh_fini(&h);
}

/* DT-3: zero window: probes back off (200, 400, 800 ms...) and the
 * connection lives while they are answered; the window opens, data flows. */
static void test_DT_03_zero_window_probes(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h, 0, 3);
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 0, NULL, NULL, 0);
    tk_time t0 = h.now;
    assert_int_equal(tk_send(h.s, sd, "abcdef", 6), 6);
    tkh_poll(&h);
    TKH_NOTHING(&h);
    tkh_seg g;
    static const int at[] = {200, 600, 1400, 3000, 6200, 12600};
    for (int i = 0; i < 6; i++) {
        tkh_run_until(&h, t0 + TK_MS(at[i]) - 1);
        TKH_NOTHING(&h);
        tkh_run_until(&h, t0 + TK_MS(at[i]));
        TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1, 1);
        assert_int_equal(g.data[0], 'a');
        tkh_inject(&h, TK_TCP_ACK, R1, S1, 0, NULL, NULL, 0);
        TKH_NOTHING(&h);
    }
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 1);
    assert_int_equal(tk_stack_stats(h.s)->persist_probes, 6);
    assert_int_equal(tk_stack_stats(h.s)->dupacks_in, 0);
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 1000, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_PSH, S1, R1, 6);
    tkh_fini(&h);
}

/* DT-3: unanswered probes end the connection after retries2 of them. */
static void test_DT_03_unanswered_probes_timeout(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h, 0, 3);
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 0, NULL, NULL, 0);
    tk_send(h.s, sd, "abcdef", 6);
    tkh_poll(&h);
    tkh_run_until(&h, h.now + TK_SEC(10));
    assert_int_equal(tk_stack_stats(h.s)->persist_probes, 3);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 0);
    char c;
    assert_int_equal(tk_recv(h.s, sd, &c, 1), -ETIMEDOUT);
    tkh_fini(&h);
}

/* DT-4: Nagle holds small segments while data is unacknowledged. */
static void test_DT_04_nagle(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h, 0, 0);
    tkh_seg g;
    tk_send(h.s, sd, "a", 1);
    tkh_poll(&h);
    TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_PSH, S1, R1, 1);
    tk_send(h.s, sd, "b", 1);
    tkh_poll(&h);
    tk_send(h.s, sd, "c", 1);
    tkh_poll(&h);
    TKH_NOTHING(&h);
    tkh_inject(&h, TK_TCP_ACK, R1, S1 + 1, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_PSH, S1 + 1, R1, 2);
    assert_memory_equal(g.data, "bc", 2);
    tkh_fini(&h);
}

static void test_DT_04_nodelay(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h, 0, 0);
    tkh_set_nodelay(&h, sd);
    tkh_seg g;
    tk_send(h.s, sd, "a", 1);
    tkh_poll(&h);
    tk_send(h.s, sd, "b", 1);
    tkh_poll(&h);
    TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_PSH, S1, R1, 1);
    TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_PSH, S1 + 1, R1, 1);
    tkh_fini(&h);
}

/* DT-4 sender SWS: with a window far below half the largest one seen the
 * sender waits; the persist timer forces the data out eventually. */
static void test_DT_04_sender_sws(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h, 0, 0);
    tkh_set_nodelay(&h, sd);
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 300, NULL, NULL, 0);
    tk_time t0 = h.now;
    tk_send(h.s, sd, zeros, 2000);
    tkh_poll(&h);
    TKH_NOTHING(&h);
    tkh_seg g;
    tkh_run_until(&h, t0 + TK_MS(200));
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1, 300);
    tkh_fini(&h);
}

/* DT-4 (RFC 9293 3.8.6.2.1): window 1500, MSS 1000, 3000 bytes written: a
 * full-size segment goes at once; the 500-byte rest of the window is below
 * Fr * max window and waits for the ACK (no persist delay for the first). */
static void small_window_case(bool ts) {
    tkh h;
    tkh_init_fixed(&h, NULL, ISS);
    int ls = tkh_listen(&h);
    tk_tcp_opts o;
    memset(&o, 0, sizeof(o));
    o.present = TK_OPT_MSS | (ts ? TK_OPT_TS : 0);
    o.mss = 1000;
    o.ts_val = 1;
    tkh_inject(&h, TK_TCP_SYN, IRS, 0, 1500, &o, NULL, 0);
    o.present = (uint8_t)(o.present & ~TK_OPT_MSS);
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 1500, &o, NULL, 0);
    int sd = tk_accept(h.s, ls, NULL);
    assert_true(sd >= 0);
    tkh_clear(&h);
    tk_time t0 = h.now;
    uint32_t seg = ts ? 988 : 1000; /* MSS less 12 option bytes (RFC 6691) */
    assert_int_equal(tk_send(h.s, sd, zeros, 3000), 3000);
    tkh_poll(&h);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1, seg);
    assert_int_equal(g.at, t0);
    TKH_NOTHING(&h);
    tkh_inject(&h, TK_TCP_ACK, R1, S1 + seg, 1500, &o, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1 + seg, R1, seg);
    assert_int_equal(g.at, t0);
    tkh_inject(&h, TK_TCP_ACK, R1, S1 + 2 * seg, 1500, &o, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK | (ts ? 0 : TK_TCP_PSH), S1 + 2 * seg, R1, seg);
    TKH_NOTHING(&h);
    if (ts) {
        /* Nagle holds the last 36 bytes until the ACK. */
        tkh_inject(&h, TK_TCP_ACK, R1, S1 + 3 * seg, 1500, &o, NULL, 0);
        TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_PSH, S1 + 3 * seg, R1, 3000 - 3 * seg);
        TKH_NOTHING(&h);
    }
    tkh_fini(&h);
}

static void test_DT_04_full_segment_in_small_window(void **state) {
    (void)state;
    small_window_case(false);
    small_window_case(true);
}

/* DT-5: one full segment waits 40 ms for its ACK; the second full one
 * gets an ACK at once; an out-of-order segment gets a duplicate ACK. */
static void test_DT_05_delayed_ack(void **state) {
    (void)state;
    tkh h;
    open_conn(&h, 0, 0);
    tkh_seg g;
    tk_time t0 = h.now;
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 65535, NULL, zeros, 1000);
    TKH_NOTHING(&h);
    tkh_run_until(&h, t0 + TK_MS(39));
    TKH_NOTHING(&h);
    tkh_run_until(&h, t0 + TK_MS(40));
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1 + 1000, 0);
    assert_int_equal(g.at, t0 + TK_MS(40));
    tkh_inject(&h, TK_TCP_ACK, R1 + 1000, S1, 65535, NULL, zeros, 1000);
    TKH_NOTHING(&h);
    tkh_inject(&h, TK_TCP_ACK, R1 + 2000, S1, 65535, NULL, zeros, 1000);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1 + 3000, 0);
    tkh_inject(&h, TK_TCP_ACK, R1 + 4000, S1, 65535, NULL, zeros, 1000);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1 + 3000, 0);
    tkh_inject(&h, TK_TCP_ACK, R1 + 5000, S1, 65535, NULL, zeros, 1000);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1 + 3000, 0);
    tkh_fini(&h);
}

/* DT-6: RTO 200 ms (minimum) doubling per retransmission; ETIMEDOUT after
 * retries2 (4) retransmissions. */
static void test_DT_06_rto_backoff_etimedout(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h, 0, 4);
    tk_send(h.s, sd, "data", 4);
    tkh_poll(&h);
    tk_time t0 = h.now;
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_PSH, S1, R1, 4);
    static const int at[] = {200, 600, 1400, 3000};
    for (int i = 0; i < 4; i++) {
        tkh_run_until(&h, t0 + TK_MS(at[i]) - 1);
        TKH_NOTHING(&h);
        tkh_run_until(&h, t0 + TK_MS(at[i]));
        TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_PSH, S1, R1, 4);
    }
    tkh_run_until(&h, t0 + TK_MS(6199));
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 1);
    tkh_run_until(&h, t0 + TK_MS(6200));
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 0);
    char c;
    assert_int_equal(tk_recv(h.s, sd, &c, 1), -ETIMEDOUT);
    assert_int_equal(tk_stack_stats(h.s)->rto_timeouts, 4);
    tkh_fini(&h);
}

/* DT-6: RFC 6298 estimate from a measured RTT (Karn: the first sample). */
static void test_DT_06_rtt_sample_sets_rto(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h, 0, 0);
    tk_send(h.s, sd, "data", 4);
    tkh_poll(&h);
    tkh_run_until(&h, h.now + TK_MS(100));
    tkh_inject(&h, TK_TCP_ACK, R1, S1 + 4, 65535, NULL, NULL, 0);
    tk_conn_info ci[4];
    assert_int_equal(tk_stack_conn_table(h.s, ci, 4), 2);
    const tk_conn_info *c = ci[0].state == TK_TCP_ESTABLISHED ? &ci[0] : &ci[1];
    /* Second sample (the handshake gave 0): srtt = 7/8*0 + 1/8*100 ms. */
    assert_int_equal(c->srtt, TK_MS(100) / 8);
    tkh_fini(&h);
}

/* OP-4: TSval/TSecr on every segment; PAWS drops an old timestamp with an
 * ACK; RTT from the echoed timestamp. */
/* A passive connection with timestamps (the peer's TSval 500 on its SYN,
 * 501 on its ACK, which comes `wait` after the SYN-ACK) and the options in
 * `more`; *ts is the peer's timestamp option for what it sends next. */
static int open_ts_conn(tkh *h, uint8_t more, tk_time wait, tk_tcp_opts *ts) {
    tk_tcp_opts o = tkh_mss_opts(TK_OPT_MSS | TK_OPT_TS | more, 1000);
    o.ts_val = 500;
    tkh_init_fixed(h, NULL, ISS);
    int ls = tkh_listen_at(h, 80, 4);
    tkh_inject(h, TK_TCP_SYN, IRS, 0, 65535, &o, NULL, 0);
    tkh_seg g;
    TKH_EXPECT(h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, R1, 0);
    memset(ts, 0, sizeof(*ts));
    ts->present = TK_OPT_TS;
    ts->ts_val = 501;
    ts->ts_ecr = g.opts.ts_val;
    tkh_run_until(h, h->now + wait);
    tkh_inject(h, TK_TCP_ACK, R1, S1, 65535, ts, NULL, 0);
    int sd = tk_accept(h->s, ls, NULL);
    assert_true(sd >= 0);
    return sd;
}

static void test_OP_04_timestamps_paws(void **state) {
    (void)state;
    tkh h;
    tk_tcp_opts ts;
    int sd = open_ts_conn(&h, 0, TK_MS(30), &ts);
    tkh_seg g;
    tk_conn_info ci[4];
    tk_stack_conn_table(h.s, ci, 4);
    const tk_conn_info *c = ci[0].sd == sd ? &ci[0] : &ci[1];
    assert_int_equal(c->srtt, TK_MS(30)); /* first sample from TSecr */
    ts.ts_val = 600;
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 65535, &ts, "x", 1);
    ts.ts_val = 550; /* older: PAWS */
    tkh_inject(&h, TK_TCP_ACK, R1 + 1, S1, 65535, &ts, "y", 1);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1 + 1, 0);
    assert_int_equal(g.opts.present, TK_OPT_TS);
    assert_int_equal(g.opts.ts_ecr, 600);
    assert_int_equal(tk_stack_stats(h.s)->drop_paws, 1);
    char buf[4];
    assert_int_equal(tk_recv(h.s, sd, buf, sizeof(buf)), 1);
    assert_int_equal(buf[0], 'x');
    tkh_fini(&h);
}

/* OP-4, RFC 7323 5.3 with Linux's exception (tcp_disordered_ack): a
 * duplicate ACK that was only reordered behind a later one (an older TSval,
 * no data, acking SND.UNA, the window unchanged) is taken, so its SACK
 * information counts; data with an old TSval, or a duplicate ACK whose
 * TSval is more than an RTO behind, is still dropped. */
static void test_OP_04_paws_takes_disordered_dupack(void **state) {
    (void)state;
    tkh h;
    tk_tcp_opts ts;
    int sd = open_ts_conn(&h, TK_OPT_SACK_PERM, 0, &ts);
    tkh_set_nodelay(&h, sd);
    assert_int_equal(tk_send(h.s, sd, zeros, 3000), 3000);
    tkh_poll(&h);
    tkh_clear(&h);
    /* The later ACK (TSval 520) arrives first; the earlier one (510) with
     * its SACK block after it. */
    ts.ts_val = 520;
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 65535, &ts, NULL, 0);
    tk_tcp_opts sack = ts;
    sack.present = TK_OPT_TS | TK_OPT_SACK;
    sack.ts_val = 510;
    sack.sack_count = 1;
    sack.sack[0].left = S1 + 1000;
    sack.sack[0].right = S1 + 2000;
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 65535, &sack, NULL, 0);
    assert_int_equal(tk_stack_stats(h.s)->paws_disordered_acks, 1);
    assert_int_equal(tk_stack_stats(h.s)->drop_paws, 0);
    assert_int_equal(tk_stack_stats(h.s)->dupacks_in, 2);
    /* Data with an old TSval: PAWS drops it (and ACKs). */
    ts.ts_val = 515;
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 65535, &ts, "y", 1);
    assert_int_equal(tk_stack_stats(h.s)->drop_paws, 1);
    /* A duplicate ACK far older than an RTO (1 s here): dropped too. */
    ts.ts_val = 520u - 5000u;
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 65535, &ts, NULL, 0);
    assert_int_equal(tk_stack_stats(h.s)->drop_paws, 2);
    assert_int_equal(tk_stack_stats(h.s)->paws_disordered_acks, 1);
    tkh_fini(&h);
}

/* DT-10: both sequence spaces wrap through 2^32 during the exchange:
 * in-order and out-of-order data, ACKs and the FIN. */
static void test_DT_10_sequence_wrap(void **state) {
    (void)state;
    tkh h;
    tk_config cfg;
    tkh_config(&cfg);
    tkh_init_fixed(&h, &cfg, 0xfffffffau); /* data starts 5 bytes below 2^32 */
    tk_tcp_opts o = tkh_mss_opts(TK_OPT_MSS | TK_OPT_SACK_PERM, 1000);
    const uint32_t irs = 0xfffffff0u;
    uint32_t iss;
    int sd = tkh_open_passive(&h, irs, &o, &iss);
    assert_int_equal(iss, 0xfffffffau);
    int one = 1;
    tk_setsockopt(h.s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_NODELAY, &one, sizeof(one));
    static uint8_t data[3000];
    for (int i = 0; i < 3000; i++)
        data[i] = (uint8_t)(i * 7 + 1);
    tkh_seg g;
    /* Out of order first, across the wrap: bytes 1000..1999 at 0x3d8. */
    tkh_inject(&h, TK_TCP_ACK, irs + 1 + 1000, iss + 1, 65535, NULL, data + 1000, 1000);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, iss + 1, irs + 1, 0);
    assert_int_equal(g.opts.sack[0].left, irs + 1001);
    assert_int_equal(g.opts.sack[0].right, irs + 2001);
    tkh_inject(&h, TK_TCP_ACK, irs + 1, iss + 1, 65535, NULL, data, 1000);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, iss + 1, 0x000007c1u, 0); /* irs + 2001 wrapped */
    char buf[3000];
    assert_int_equal(tk_recv(h.s, sd, buf, sizeof(buf)), 2000);
    assert_memory_equal(buf, data, 2000);
    /* Our data crosses 2^32 too. */
    assert_int_equal(tk_send(h.s, sd, data, 10), 10);
    tkh_poll(&h);
    TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_PSH, 0xfffffffbu, 0x000007c1u, 10);
    tkh_inject(&h, TK_TCP_ACK, 0x000007c1u, 0x00000005u, 65535, NULL, NULL, 0);
    tk_conn_info ci[4];
    tk_stack_conn_table(h.s, ci, 4);
    const tk_conn_info *c = ci[0].sd == sd ? &ci[0] : &ci[1];
    assert_int_equal(c->send_q, 0);
    tk_close(h.s, sd);
    tkh_poll(&h);
    TKH_EXPECT(&h, &g, TK_TCP_FIN | TK_TCP_ACK, 0x00000005u, 0x000007c1u, 0);
    tkh_inject(&h, TK_TCP_FIN | TK_TCP_ACK, 0x000007c1u, 0x00000006u, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, 0x00000006u, 0x000007c2u, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_TIME_WAIT), 1);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_DT_02_send_within_peer_window),
        cmocka_unit_test(test_DT_02_receive_window_and_update),
        cmocka_unit_test(test_DT_02_no_window_update_after_handshake),
        cmocka_unit_test(test_DT_03_zero_window_probes),
        cmocka_unit_test(test_DT_03_unanswered_probes_timeout),
        cmocka_unit_test(test_DT_04_nagle),
        cmocka_unit_test(test_DT_04_nodelay),
        cmocka_unit_test(test_DT_04_sender_sws),
        cmocka_unit_test(test_DT_04_full_segment_in_small_window),
        cmocka_unit_test(test_DT_05_delayed_ack),
        cmocka_unit_test(test_DT_06_rto_backoff_etimedout),
        cmocka_unit_test(test_DT_06_rtt_sample_sets_rto),
        cmocka_unit_test(test_DT_10_sequence_wrap),
        cmocka_unit_test(test_OP_04_timestamps_paws),
        cmocka_unit_test(test_OP_04_paws_takes_disordered_dupack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
