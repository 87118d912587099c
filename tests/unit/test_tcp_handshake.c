/* Opening connections, exact segments (CM-1, CM-2, CM-16, RS-8, OP-1..OP-6,
 * DT-10). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_conn.h"
#include "support/tk_harness.h"

#define ISS 0xfffffff0u /* DT-10: just below 2^32 */
#define IRS 0xffffff00u

static tk_tcp_opts full_opts(uint32_t ts_val, uint32_t ts_ecr) {
    tk_tcp_opts o;
    memset(&o, 0, sizeof(o));
    o.present = TK_OPT_MSS | TK_OPT_WSCALE | TK_OPT_SACK_PERM | TK_OPT_TS;
    o.mss = 1460;
    o.wscale = 7;
    o.ts_val = ts_val;
    o.ts_ecr = ts_ecr;
    return o;
}

static void test_CM_01_passive_open_exact(void **state) {
    (void)state;
    tkh h;
    tkh_init_fixed(&h, NULL, ISS);
    int ls = tkh_listen_at(&h, 80, 4);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_LISTEN), 1);
    tk_tcp_opts o = full_opts(100, 0);
    tkh_inject(&h, TK_TCP_SYN, IRS, 0, 65535, &o, NULL, 0);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, IRS + 1, 0);
    assert_int_equal(g.win, 65535);
    /* OP-1: MTU 1500 - 40; OP-2: 64 KiB needs shift 1; OP-3, OP-4. */
    assert_int_equal(g.opts.present, TK_OPT_MSS | TK_OPT_WSCALE | TK_OPT_SACK_PERM | TK_OPT_TS);
    assert_int_equal(g.opts.mss, 1460);
    assert_int_equal(g.opts.wscale, 1);
    assert_int_equal(g.opts.ts_ecr, 100);
    assert_int_equal(g.opts.ts_val, 1000000);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_RCVD), 1);
    assert_int_equal(tk_accept(h.s, ls, NULL), -EAGAIN);
    o.present = TK_OPT_TS;
    o.ts_val = 101;
    o.ts_ecr = 1000000;
    tkh_inject(&h, TK_TCP_ACK, IRS + 1, ISS + 1, 512, &o, NULL, 0);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 1);
    int sd = tk_accept(h.s, ls, NULL);
    assert_true(sd >= 0);
    tk_conn_info ci[4];
    assert_int_equal(tk_stack_conn_table(h.s, ci, 4), 2);
    const tk_conn_info *c = ci[0].sd == sd ? &ci[0] : &ci[1];
    assert_int_equal(c->state, TK_TCP_ESTABLISHED);
    assert_int_equal(c->snd_wnd, 512u << 7); /* scaled by the peer's shift */
    assert_int_equal(c->mss, 1460);
    /* Sequence numbers wrap: SYN took ISS, data starts at ISS + 1. */
    assert_int_equal(tk_send(h.s, sd, "hello", 5), 5);
    tkh_poll(&h);
    TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_PSH, ISS + 1, IRS + 1, 5);
    assert_memory_equal(g.data, "hello", 5);
    assert_int_equal(g.opts.present, TK_OPT_TS);
    assert_int_equal(g.opts.ts_ecr, 101);
    tkh_fini(&h);
}

static void test_CM_01_active_open_exact(void **state) {
    (void)state;
    tkh h;
    tkh_init_fixed(&h, NULL, ISS);
    int sd = tk_socket(h.s);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, 80);
    h.rport = 80;
    assert_int_equal(tk_connect(h.s, sd, &r), -EINPROGRESS);
    TKH_NOTHING(&h); /* calls never send; poll does */
    tkh_poll(&h);
    tkh_seg g;
    assert_true(tkh_next(&h, &g));
    assert_int_equal(g.flags, TK_TCP_SYN);
    assert_int_equal(g.seq, ISS);
    assert_int_equal(g.ack, 0);
    assert_int_equal(g.dport, 80);
    assert_true(g.sport >= 49152);
    h.lport = g.sport;
    assert_int_equal(g.opts.present, TK_OPT_MSS | TK_OPT_WSCALE | TK_OPT_SACK_PERM | TK_OPT_TS);
    assert_int_equal(g.opts.ts_ecr, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_SENT), 1);
    assert_int_equal(tk_send(h.s, sd, "x", 1), -ENOTCONN);
    tk_tcp_opts o = full_opts(7, 1000000);
    tkh_inject(&h, TK_TCP_SYN | TK_TCP_ACK, IRS, ISS + 1, 65535, &o, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, ISS + 1, IRS + 1, 0);
    assert_int_equal(g.opts.ts_ecr, 7);
    /* The 64 KiB buffer became 46 segments of 1448 bytes: 66608 >> 1. */
    assert_int_equal(g.win, 33304);
    assert_int_equal(tk_poll_events(h.s, sd), TK_POLLOUT);
    const tkh_event *e = tkh_last_state(&h);
    assert_int_equal(e->old_state, TK_TCP_SYN_SENT);
    assert_int_equal(e->new_state, TK_TCP_ESTABLISHED);
    assert_string_equal(e->cause, "rcv SYN-ACK");
    tk_conn_info ci;
    assert_int_equal(tk_stack_conn_table(h.s, &ci, 1), 1);
    assert_int_equal(ci.options, TK_CONN_OPT_TS | TK_CONN_OPT_SACK | TK_CONN_OPT_WSCALE);
    tkh_fini(&h);
}

/* OP-1: without an MSS option the peer gets 536-byte segments; OP-2: no
 * window scale from the peer means none either way. */
static void test_OP_01_OP_02_no_options(void **state) {
    (void)state;
    tkh h;
    tkh_init_fixed(&h, NULL, ISS);
    uint32_t iss;
    int sd = tkh_open_passive(&h, IRS, NULL, &iss);
    static uint8_t buf[2000];
    assert_int_equal(
        tk_setsockopt(h.s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_NODELAY, &(int){1}, sizeof(int)), 0);
    assert_int_equal(tk_send(h.s, sd, buf, 1000), 1000);
    tkh_poll(&h);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_ACK, iss + 1, IRS + 1, 536);
    assert_int_equal(g.opts.present, 0);
    assert_int_equal(g.win, 65535); /* unscaled, capped */
    TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_PSH, iss + 537, IRS + 1, 464);
    tkh_fini(&h);
}

/* OP-1: the SYN's MSS is the MTU less 40 over IPv4's whole MTU range
 * (68..65535); segments never exceed what the link carries. */
static void test_OP_01_mss_from_mtu_range(void **state) {
    (void)state;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.mtu = 67;
    assert_int_equal(tk_stack_mem_size(&cfg), 0);
    static const uint16_t mtus[] = {72, 65535};
    for (int i = 0; i < 2; i++) {
        tkh h;
        tkh_config(&cfg);
        cfg.mtu = mtus[i];
        cfg.opt_timestamps = false;
        tkh_init(&h, &cfg);
        int ls = tkh_listen(&h);
        tk_tcp_opts o = {0};
        o.present = TK_OPT_MSS;
        o.mss = 1460;
        tkh_inject(&h, TK_TCP_SYN, IRS, 0, 65535, &o, NULL, 0);
        tkh_seg g;
        assert_true(tkh_next(&h, &g));
        assert_int_equal(g.flags, TK_TCP_SYN | TK_TCP_ACK);
        assert_int_equal(g.opts.mss, mtus[i] - 40);
        if (i == 0) {
            uint32_t s1 = g.seq + 1;
            tkh_inject(&h, TK_TCP_ACK, IRS + 1, s1, 65535, NULL, NULL, 0);
            int sd = tk_accept(h.s, ls, NULL);
            assert_true(sd >= 0);
            assert_int_equal(tk_send(h.s, sd, "0123456789abcdefghijklmnopqrstuvwxyz", 36), 36);
            tkh_poll(&h);
            TKH_EXPECT(&h, &g, TK_TCP_ACK, s1, IRS + 1, 32); /* MSS 32 */
            TKH_NOTHING(&h);                                 /* Nagle holds the 4-byte rest */
        }
        tkh_fini(&h);
    }
}

/* OP-1..OP-4 with TCP_NOOPT: the SYN carries no options and the peer's
 * are ignored (MSS 536, no timestamps, SACK or scaling). */
static void test_OP_01_tcp_noopt(void **state) {
    (void)state;
    tkh h;
    tkh_init_fixed(&h, NULL, ISS);
    int sd = tk_socket(h.s);
    int one = 1, v = 0;
    size_t len = sizeof(v);
    assert_int_equal(tk_setsockopt(h.s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_NOOPT, &one, sizeof(one)),
                     0);
    assert_int_equal(tk_getsockopt(h.s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_NOOPT, &v, &len), 0);
    assert_int_equal(v, 1);
    tk_sockaddr a = tk_sockaddr_in4(0, h.lport);
    assert_int_equal(tk_bind(h.s, sd, &a), 0);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, h.rport);
    assert_int_equal(tk_connect(h.s, sd, &r), -EINPROGRESS);
    tkh_poll(&h);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN, ISS, 0, 0);
    assert_int_equal(g.opts.present, 0);
    assert_int_equal(g.win, 65535);
    tk_tcp_opts o = {0};
    o.present = TK_OPT_MSS | TK_OPT_SACK_PERM | TK_OPT_TS | TK_OPT_WSCALE;
    o.mss = 1460;
    o.wscale = 7;
    o.ts_val = 100;
    tkh_inject(&h, TK_TCP_SYN | TK_TCP_ACK, IRS, ISS + 1, 65535, &o, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, ISS + 1, IRS + 1, 0);
    assert_int_equal(g.opts.present, 0);
    tk_conn_info ci;
    assert_int_equal(tk_stack_conn_table(h.s, &ci, 1), 1);
    assert_int_equal(ci.options, 0);
    assert_int_equal(ci.mss, 536);
    static uint8_t buf[600];
    assert_int_equal(tk_send(h.s, sd, buf, sizeof buf), (long)sizeof buf);
    tkh_poll(&h);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, ISS + 1, IRS + 1, 536);
    assert_int_equal(g.opts.present, 0);
    tkh_fini(&h);
}

static void test_OP_02_wscale_shift_capped_14(void **state) {
    (void)state;
    tkh h;
    tkh_init_fixed(&h, NULL, ISS);
    tkh_listen_at(&h, 80, 4);
    /* A SYN offering shift 20 (RFC 7323 2.3: use 14). */
    uint8_t syn[24] = {0x9c, 0x40, 0x00, 0x50, 0xff, 0xff, 0xff, 0x00, 0, 0, 0, 0,
                       0x60, 0x02, 0xff, 0xff, 0,    0,    0,    0,    1, 3, 3, 20};
    assert_int_equal(tkh_inject_tcp_bytes(&h, syn, sizeof(syn)), 0);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, IRS + 1, 0);
    tkh_inject(&h, TK_TCP_ACK, IRS + 1, ISS + 1, 65535, NULL, NULL, 0);
    tk_conn_info ci[4];
    assert_int_equal(tk_stack_conn_table(h.s, ci, 4), 2);
    const tk_conn_info *c = ci[0].state == TK_TCP_ESTABLISHED ? &ci[0] : &ci[1];
    assert_int_equal(c->snd_wnd, 65535u << 14);
    tkh_fini(&h);
}

/* OP-5: a bad option length drops the segment, counted; nothing is sent. */
static void test_OP_05_bad_option_length_dropped(void **state) {
    (void)state;
    tkh h;
    tkh_init_fixed(&h, NULL, ISS);
    tkh_listen_at(&h, 80, 4);
    /* A SYN whose MSS option says length 0, one with length 1 and one
     * running past the header. */
    uint8_t seg[24] = {0x9c, 0x40, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0,
                       0x60, 0x02, 0xff, 0xff, 0, 0, 0, 0, 2, 0, 0, 0};
    assert_true(tkh_inject_tcp_bytes(&h, seg, sizeof(seg)) < 0);
    seg[21] = 1;
    assert_true(tkh_inject_tcp_bytes(&h, seg, sizeof(seg)) < 0);
    seg[21] = 8;
    assert_true(tkh_inject_tcp_bytes(&h, seg, sizeof(seg)) < 0);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_stats(h.s)->drop_tcp_bad_options, 3);
    /* NOP padding and an unknown option (kind 99, length 4) are fine. */
    uint8_t ok[28] = {0x9c, 0x40, 0x00, 0x50, 0, 0, 0, 1,  0, 0, 0, 0, 0x70, 0x02,
                      0xff, 0xff, 0,    0,    0, 0, 1, 99, 4, 0, 0, 2, 4,    0x02};
    ok[27] = 0x00;
    uint8_t ok2[28] = {0x9c, 0x40, 0x00, 0x50, 0, 0, 0, 1,  0, 0, 0, 0, 0x70, 0x02,
                       0xff, 0xff, 0,    0,    0, 0, 1, 99, 4, 0, 0, 0, 1,    0};
    (void)ok;
    assert_int_equal(tkh_inject_tcp_bytes(&h, ok2, sizeof(ok2)), 0);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, 2, 0);
    assert_int_equal(g.opts.present, TK_OPT_MSS); /* peer offered nothing else */
    tkh_fini(&h);
}

/* CM-2: both sides send SYN; each answers SYN-ACK with the same ISS; one
 * connection, four segments. */
static void test_CM_02_simultaneous_open(void **state) {
    (void)state;
    tkh h;
    tkh_init_fixed(&h, NULL, ISS);
    int sd = tk_socket(h.s);
    tk_sockaddr a = tk_sockaddr_in4(0, 80);
    assert_int_equal(tk_bind(h.s, sd, &a), 0);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, 40000);
    assert_int_equal(tk_connect(h.s, sd, &r), -EINPROGRESS);
    tkh_poll(&h);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN, ISS, 0, 0);
    tkh_inject(&h, TK_TCP_SYN, IRS, 0, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, IRS + 1, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_RCVD), 1);
    /* The peer's SYN-ACK acknowledges our SYN: established, and nothing
     * more is sent (four segments in all). */
    tkh_inject(&h, TK_TCP_SYN | TK_TCP_ACK, IRS, ISS + 1, 65535, NULL, NULL, 0);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 1);
    assert_int_equal(tkh_count_transitions(&h, TK_TCP_SYN_SENT, TK_TCP_SYN_RCVD), 1);
    assert_int_equal(tk_poll_events(h.s, sd), TK_POLLOUT);
    tkh_fini(&h);
}

/* CM-16: SYN retransmitted at 1, 3, 7, 15, 31, 63 s (initial RTO 1 s,
 * doubling); after syn_retries (6) connect fails with ETIMEDOUT at 127 s. */
static void test_CM_16_syn_retries_backoff(void **state) {
    (void)state;
    tkh h;
    tkh_init_fixed(&h, NULL, ISS);
    tk_time t0 = h.now;
    int sd = tk_socket(h.s);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, 80);
    tk_connect(h.s, sd, &r);
    tkh_poll(&h);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN, ISS, 0, 0);
    static const int at[] = {1, 3, 7, 15, 31, 63};
    for (int i = 0; i < 6; i++) {
        tkh_run_until(&h, t0 + TK_SEC(at[i]) - 1);
        TKH_NOTHING(&h);
        tkh_run_until(&h, t0 + TK_SEC(at[i]));
        TKH_EXPECT(&h, &g, TK_TCP_SYN, ISS, 0, 0);
        assert_int_equal(g.at, t0 + TK_SEC(at[i]));
    }
    tkh_run_until(&h, t0 + TK_SEC(127) - 1);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_SENT), 1);
    tkh_run_until(&h, t0 + TK_SEC(127));
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_SENT), 0);
    assert_int_equal(tk_recv(h.s, sd, &g, 1), -ETIMEDOUT);
    assert_int_equal(tk_stack_stats(h.s)->syn_retransmits, 6);
    tkh_fini(&h);
}

/* CM-16: SYN-ACK retried synack_retries (5) times, then the half-open
 * connection is deleted quietly; the listener stays. */
static void test_CM_16_synack_retries(void **state) {
    (void)state;
    tkh h;
    tkh_init_fixed(&h, NULL, ISS);
    tk_time t0 = h.now;
    tkh_listen_at(&h, 80, 4);
    tkh_inject(&h, TK_TCP_SYN, IRS, 0, 65535, NULL, NULL, 0);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, IRS + 1, 0);
    static const int at[] = {1, 3, 7, 15, 31};
    for (int i = 0; i < 5; i++) {
        tkh_run_until(&h, t0 + TK_SEC(at[i]));
        TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, IRS + 1, 0);
        assert_int_equal(g.at, t0 + TK_SEC(at[i]));
    }
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_RCVD), 1);
    tkh_run_until(&h, t0 + TK_SEC(63));
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_RCVD), 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_LISTEN), 1);
    tkh_fini(&h);
}

/* RS-8: an ACK to a listener gets <SEQ=SEG.ACK><CTL=RST>; so does an
 * unacceptable ACK in SYN_SENT and SYN_RCVD. */
static void test_RS_08_unacceptable_ack_rst(void **state) {
    (void)state;
    tkh h;
    tkh_init_fixed(&h, NULL, ISS);
    tkh_listen_at(&h, 80, 4);
    tkh_inject(&h, TK_TCP_ACK, 5, 0x12345678u, 100, NULL, NULL, 0);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_RST, 0x12345678u, 0, 0);
    assert_int_equal(tk_stack_stats(h.s)->drop_listen_ack, 1);
    /* SYN_RCVD: an ACK of something we never sent. */
    tkh_inject(&h, TK_TCP_SYN, IRS, 0, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, IRS + 1, 0);
    tkh_inject(&h, TK_TCP_ACK, IRS + 1, ISS + 100, 100, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_RST, ISS + 100, 0, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_RCVD), 1);
    /* SYN_SENT. */
    int sd = tk_socket(h.s);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, 81);
    tk_connect(h.s, sd, &r);
    tkh_poll(&h);
    TKH_EXPECT(&h, &g, TK_TCP_SYN, ISS, 0, 0);
    uint16_t cport = g.sport;
    tkh_inject_ports(&h, 81, cport, TK_TCP_SYN | TK_TCP_ACK, IRS, ISS + 5, 100, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_RST, ISS + 5, 0, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_SENT), 1);
    tkh_fini(&h);
}

/* OP-6: outgoing options in the documented order and 4-byte aligned. */
static void test_OP_06_option_order_aligned(void **state) {
    (void)state;
    tkh h;
    tkh_init_fixed(&h, NULL, ISS);
    int sd = tk_socket(h.s);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, 80);
    tk_connect(h.s, sd, &r);
    tkh_poll(&h);
    /* Raw bytes of the SYN's options: MSS | SACK_PERM,TS | NOP,WS. */
    const uint8_t *f = h.frames[0].buf + 14 + 20;
    assert_int_equal(f[12] >> 4, 10); /* 40-byte header */
    static const uint8_t want[] = {2,    4,    0x05, 0xb4, 4, 2, 8, 10, 0x00, 0x0f,
                                   0x42, 0x40, 0,    0,    0, 0, 1, 3,  3,    1};
    assert_memory_equal(f + 20, want, sizeof(want));
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_CM_01_passive_open_exact),
        cmocka_unit_test(test_CM_01_active_open_exact),
        cmocka_unit_test(test_OP_01_mss_from_mtu_range),
        cmocka_unit_test(test_OP_01_tcp_noopt),
        cmocka_unit_test(test_OP_01_OP_02_no_options),
        cmocka_unit_test(test_OP_02_wscale_shift_capped_14),
        cmocka_unit_test(test_OP_05_bad_option_length_dropped),
        cmocka_unit_test(test_CM_02_simultaneous_open),
        cmocka_unit_test(test_CM_16_syn_retries_backoff),
        cmocka_unit_test(test_CM_16_synack_retries),
        cmocka_unit_test(test_RS_08_unacceptable_ack_rst),
        cmocka_unit_test(test_OP_06_option_order_aligned),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
