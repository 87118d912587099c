/* ICMP errors reaching TCP (NET-1; RFC 1122 4.2.3.9, RFC 5927): hard errors
 * fail a connect in SYN_SENT, soft ones and any error in a synchronized
 * state leave the connection alone, quotes of data not in flight are
 * ignored, and fragmentation-needed lowers the MSS. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "net/icmp.h"
#include "support/tk_harness.h"
#include "tcpkit/socket.h"
#include "tcpkit/stats.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/icmp.h"
#include "tcpkit/wire/ipv4.h"

#define ROUTER 0xc6120063u

/* Injects an ICMP error from ROUTER quoting a TCP segment local -> remote. */
static int inject_error(tkh *h, uint8_t type, uint8_t code, uint32_t rest, uint32_t seq) {
    uint8_t quote[28];
    tk_ipv4_hdr qi;
    memset(&qi, 0, sizeof(qi));
    qi.total_len = 60;
    qi.ttl = 1;
    qi.proto = TK_IPPROTO_TCP;
    qi.src = TKH_LOCAL_ADDR;
    qi.dst = TKH_REMOTE_ADDR;
    tk_wire_ipv4_emit(&qi, quote, 20);
    quote[20] = (uint8_t)(h->lport >> 8);
    quote[21] = (uint8_t)h->lport;
    quote[22] = (uint8_t)(h->rport >> 8);
    quote[23] = (uint8_t)h->rport;
    for (int i = 0; i < 4; i++)
        quote[24 + i] = (uint8_t)(seq >> (24 - 8 * i));
    uint8_t f[128];
    tk_eth_hdr eh;
    memcpy(eh.dst, h->cfg.mac, 6);
    memset(eh.src, 0x44, 6);
    eh.src[0] = 0x02;
    eh.type = TK_ETHERTYPE_IPV4;
    tk_wire_eth_emit(&eh, f, 14);
    tk_icmp_hdr ic = {.type = type, .code = code, .rest = rest, .data = quote, .data_len = 28};
    int ilen = tk_wire_icmp_emit(&ic, f + 34, sizeof(f) - 34);
    tk_ipv4_hdr ih;
    memset(&ih, 0, sizeof(ih));
    ih.total_len = (uint16_t)(20 + ilen);
    ih.ttl = 64;
    ih.proto = TK_IPPROTO_ICMP;
    ih.src = ROUTER;
    ih.dst = TKH_LOCAL_ADDR;
    tk_wire_ipv4_emit(&ih, f + 14, 20);
    return tk_stack_input(h->s, f, (size_t)(34 + ilen), h->now);
}

/* connect() without an answer yet: returns the descriptor, *iss the SYN's. */
static int start_connect(tkh *h, uint32_t *iss) {
    int sd = tk_socket(h->s);
    tk_sockaddr a = tk_sockaddr_in4(0, h->lport);
    assert_int_equal(tk_bind(h->s, sd, &a), 0);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, h->rport);
    assert_int_equal(tk_connect(h->s, sd, &r), -EINPROGRESS);
    tkh_poll(h);
    tkh_seg g;
    assert_true(tkh_next(h, &g));
    assert_int_equal(g.flags, TK_TCP_SYN);
    *iss = g.seq;
    return sd;
}

static int so_error(tkh *h, int sd) {
    int err = 0;
    size_t len = sizeof(err);
    assert_int_equal(tk_getsockopt(h->s, sd, TK_SOL_SOCKET, TK_SO_ERROR, &err, &len), 0);
    return err;
}

static int conn_state(tkh *h) {
    tk_conn_info info[8];
    int n = tk_stack_conn_table(h->s, info, 8);
    for (int i = 0; i < n && i < 8; i++)
        if (info[i].local.port == h->lport && info[i].remote.port == h->rport)
            return info[i].state;
    return TK_TCP_CLOSED;
}

static void test_NET_1_icmp_port_unreachable_fails_connect(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    uint32_t iss;
    int sd = start_connect(&h, &iss);
    assert_int_equal(inject_error(&h, TK_ICMP_DEST_UNREACH, TK_ICMP_PORT_UNREACH, 0, iss), 0);
    assert_true((tk_poll_events(h.s, sd) & TK_POLLERR) != 0);
    assert_int_equal(so_error(&h, sd), -ECONNREFUSED);
    assert_int_equal(conn_state(&h), TK_TCP_CLOSED);
    assert_int_equal(tk_stack_stats(h.s)->icmp_errors_in, 1);
    assert_int_equal(tk_stack_stats(h.s)->icmp_hard_errors, 1);
    tkh_fini(&h);
}

static void test_NET_1_icmp_admin_prohibited_fails_connect(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    uint32_t iss;
    int sd = start_connect(&h, &iss);
    assert_int_equal(inject_error(&h, TK_ICMP_DEST_UNREACH, 13, 0, iss), 0);
    assert_int_equal(so_error(&h, sd), -EHOSTUNREACH);
    tkh_fini(&h);
}

static void test_NET_1_icmp_soft_errors_keep_syn_sent(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    uint32_t iss;
    int sd = start_connect(&h, &iss);
    assert_int_equal(inject_error(&h, TK_ICMP_DEST_UNREACH, TK_ICMP_HOST_UNREACH, 0, iss), 0);
    assert_int_equal(inject_error(&h, TK_ICMP_DEST_UNREACH, TK_ICMP_NET_UNREACH, 0, iss), 0);
    assert_int_equal(inject_error(&h, TK_ICMP_TIME_EXCEEDED, 0, 0, iss), 0);
    assert_int_equal(conn_state(&h), TK_TCP_SYN_SENT);
    assert_int_equal(so_error(&h, sd), 0);
    assert_int_equal(tk_stack_stats(h.s)->icmp_errors_in, 3);
    assert_int_equal(tk_stack_stats(h.s)->icmp_hard_errors, 0);
    tkh_fini(&h);
}

static void test_NET_1_icmp_quote_not_in_flight_ignored(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    uint32_t iss;
    int sd = start_connect(&h, &iss);
    /* A blind attacker's guess (RFC 5927 4.1): wrong sequence number. */
    assert_int_equal(inject_error(&h, TK_ICMP_DEST_UNREACH, TK_ICMP_PORT_UNREACH, 0, iss + 100000u),
                     0);
    assert_int_equal(conn_state(&h), TK_TCP_SYN_SENT);
    assert_int_equal(so_error(&h, sd), 0);
    assert_int_equal(tk_stack_stats(h.s)->icmp_errors_ignored, 1);
    tkh_fini(&h);
}

/* RFC 5927 4.1: in SYN_SENT only the ISS is in flight; a quote of ISS + 1
 * (SND.NXT) names nothing that was sent. */
static void test_NET_1_icmp_quote_of_snd_nxt_ignored(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    uint32_t iss;
    int sd = start_connect(&h, &iss);
    assert_int_equal(inject_error(&h, TK_ICMP_DEST_UNREACH, TK_ICMP_PORT_UNREACH, 0, iss + 1u), 0);
    assert_int_equal(conn_state(&h), TK_TCP_SYN_SENT);
    assert_int_equal(so_error(&h, sd), 0);
    assert_int_equal(tk_stack_stats(h.s)->icmp_errors_ignored, 1);
    tkh_fini(&h);
}

/* icmp_may_rst = false: even a hard error leaves the connect() running. */
static void test_NET_1_icmp_may_rst_off_keeps_syn_sent(void **state) {
    (void)state;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.icmp_may_rst = false;
    tkh h;
    tkh_init(&h, &cfg);
    uint32_t iss;
    int sd = start_connect(&h, &iss);
    assert_int_equal(inject_error(&h, TK_ICMP_DEST_UNREACH, TK_ICMP_PORT_UNREACH, 0, iss), 0);
    assert_int_equal(conn_state(&h), TK_TCP_SYN_SENT);
    assert_int_equal(so_error(&h, sd), 0);
    assert_int_equal(tk_stack_stats(h.s)->icmp_hard_errors, 0);
    tkh_fini(&h);
}

static void test_NET_1_icmp_hard_error_soft_when_established(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    uint32_t iss;
    int sd = tkh_open_active(&h, 5000, NULL, &iss);
    assert_int_equal(tk_send(h.s, sd, "abc", 3), 3);
    tkh_poll(&h);
    assert_int_equal(inject_error(&h, TK_ICMP_DEST_UNREACH, TK_ICMP_PORT_UNREACH, 0, iss + 1), 0);
    assert_int_equal(conn_state(&h), TK_TCP_ESTABLISHED);
    assert_int_equal(so_error(&h, sd), 0);
    assert_int_equal(tk_stack_stats(h.s)->icmp_hard_errors, 0);
    tkh_fini(&h);
}

/* RFC 1122 4.2.3.9: a soft error does not abort, but when the attempt
 * times out the application learns it instead of ETIMEDOUT. */
static void test_NET_1_icmp_soft_error_named_on_timeout(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    uint32_t iss;
    int sd = start_connect(&h, &iss);
    assert_int_equal(inject_error(&h, TK_ICMP_DEST_UNREACH, TK_ICMP_HOST_UNREACH, 0, iss), 0);
    assert_int_equal(so_error(&h, sd), 0);
    tkh_run_until(&h, h.now + TK_SEC(600));
    assert_int_equal(conn_state(&h), TK_TCP_CLOSED);
    assert_int_equal(so_error(&h, sd), -EHOSTUNREACH);
    assert_int_equal(tk_stack_stats(h.s)->conn_timeouts, 1);
    tkh_fini(&h);
}

/* Established: a network unreachable for data in flight, then nothing: the
 * retransmission limit reports ENETUNREACH. An ACK of new data in between
 * makes the error stale: ETIMEDOUT. */
static void established_timeout(bool progress, int want) {
    tkh h;
    tkh_init(&h, NULL);
    uint32_t iss;
    int sd = tkh_open_active(&h, 5000, NULL, &iss);
    assert_int_equal(tk_send(h.s, sd, "abc", 3), 3);
    tkh_poll(&h);
    assert_int_equal(inject_error(&h, TK_ICMP_DEST_UNREACH, TK_ICMP_NET_UNREACH, 0, iss + 1), 0);
    assert_int_equal(conn_state(&h), TK_TCP_ESTABLISHED);
    if (progress)
        tkh_inject(&h, TK_TCP_ACK, 5001, iss + 4, 65535, NULL, NULL, 0);
    assert_int_equal(tk_send(h.s, sd, "def", 3), 3);
    tkh_run_until(&h, h.now + TK_SEC(3 * 3600));
    assert_int_equal(conn_state(&h), TK_TCP_CLOSED);
    assert_int_equal(so_error(&h, sd), want);
    tkh_fini(&h);
}

static void test_NET_1_icmp_soft_error_named_when_established(void **state) {
    (void)state;
    established_timeout(false, -ENETUNREACH);
    established_timeout(true, -ETIMEDOUT);
}

static void test_NET_1_icmp_soft_errno_map(void **state) {
    (void)state;
    assert_int_equal(tk_icmp_soft_errno(TK_ICMP_DEST_UNREACH, TK_ICMP_NET_UNREACH), -ENETUNREACH);
    assert_int_equal(tk_icmp_soft_errno(TK_ICMP_DEST_UNREACH, TK_ICMP_HOST_UNREACH), -EHOSTUNREACH);
    assert_int_equal(tk_icmp_soft_errno(TK_ICMP_DEST_UNREACH, TK_ICMP_PORT_UNREACH), -ECONNREFUSED);
    assert_int_equal(tk_icmp_soft_errno(TK_ICMP_TIME_EXCEEDED, 0), -EHOSTUNREACH);
    assert_int_equal(tk_icmp_soft_errno(TK_ICMP_PARAM_PROBLEM, 0), -EPROTO);
    assert_int_equal(tk_icmp_soft_errno(TK_ICMP_ECHO_REPLY, 0), 0);
}

static void test_NET_1_icmp_frag_needed_lowers_mss(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    uint32_t iss;
    tk_tcp_opts o;
    memset(&o, 0, sizeof(o));
    o.present = TK_OPT_MSS;
    o.mss = 1460;
    int sd = tkh_open_active(&h, 5000, &o, &iss);
    assert_int_equal(tk_send(h.s, sd, "abc", 3), 3);
    tkh_poll(&h);
    assert_int_equal(inject_error(&h, TK_ICMP_DEST_UNREACH, TK_ICMP_FRAG_NEEDED, 1200, iss + 1), 0);
    tk_conn_info info[4];
    assert_int_equal(tk_stack_conn_table(h.s, info, 4), 1);
    assert_int_equal(info[0].mss, 1160);
    assert_int_equal(info[0].state, TK_TCP_ESTABLISHED);
    tkh_fini(&h);
}

/* An active connection to a peer offering MSS 1460 (no timestamps) with
 * two full segments in flight. */
static int open_sending(tkh *h, const tk_config *cfg, uint32_t *iss) {
    tkh_init(h, cfg);
    tk_tcp_opts o;
    memset(&o, 0, sizeof(o));
    o.present = TK_OPT_MSS;
    o.mss = 1460;
    int sd = tkh_open_active(h, 5000, &o, iss);
    static uint8_t data[2920];
    assert_int_equal(tk_send(h->s, sd, data, sizeof data), 2920);
    tkh_poll(h);
    tkh_seg g;
    TKH_EXPECT(h, &g, TK_TCP_ACK, *iss + 1, 5001, 1460);
    TKH_EXPECT(h, &g, TK_TCP_ACK | TK_TCP_PSH, *iss + 1461, 5001, 1460);
    TKH_NOTHING(h);
    return sd;
}

/* Pops the segments output now and checks they resend [from, to) in
 * order, each at most seg bytes; returns how many there were. */
static int expect_resent(tkh *h, uint32_t from, uint32_t to, uint32_t seg) {
    tkh_seg g;
    int n = 0;
    while (tkh_next(h, &g)) {
        assert_int_equal(g.seq, from);
        assert_true(g.len > 0 && g.len <= seg);
        from += g.len;
        n++;
    }
    assert_int_equal(from, to);
    return n;
}

/* NET-5 (RFC 1191 6.5, RFC 5927): a "fragmentation needed" quoting data in
 * flight lowers the MSS to the next-hop MTU less 40, and everything in
 * flight goes again at once in the new size, as the window allows (as
 * FreeBSD's tcp_mtudisc: back to SND.UNA); new data follows in it. */
static void test_NET_05_frag_needed_resends_head_smaller(void **state) {
    (void)state;
    tkh h;
    uint32_t iss;
    int sd = open_sending(&h, NULL, &iss);
    assert_int_equal(inject_error(&h, TK_ICMP_DEST_UNREACH, TK_ICMP_FRAG_NEEDED, 1000, iss + 1), 0);
    tkh_seg g;
    assert_int_equal(expect_resent(&h, iss + 1, iss + 2921, 960), 4); /* 960 960 960 40 */
    assert_int_equal(tk_stack_stats(h.s)->pmtu_lowered, 1);
    assert_int_equal(tk_stack_stats(h.s)->pmtu_clamped, 0);
    /* A second error for the same size changes nothing. */
    assert_int_equal(inject_error(&h, TK_ICMP_DEST_UNREACH, TK_ICMP_FRAG_NEEDED, 1000, iss + 1), 0);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_stats(h.s)->pmtu_lowered, 1);
    static uint8_t more[2000];
    assert_int_equal(tk_send(h.s, sd, more, sizeof more), 2000);
    tkh_poll(&h);
    assert_true(tkh_next(&h, &g));
    assert_int_equal(g.seq, iss + 2921);
    assert_int_equal(g.len, 960);
    tkh_fini(&h);
}

/* NET-5: a next-hop MTU below pmtu_min (552), or 0 from a router older
 * than RFC 1191, takes the floor: MSS 512, never a few bytes. */
static void test_NET_05_frag_needed_floor(void **state) {
    (void)state;
    tkh h;
    uint32_t iss;
    open_sending(&h, NULL, &iss);
    assert_int_equal(inject_error(&h, TK_ICMP_DEST_UNREACH, TK_ICMP_FRAG_NEEDED, 0, iss + 1), 0);
    assert_int_equal(expect_resent(&h, iss + 1, iss + 2921, 512), 6);
    assert_int_equal(inject_error(&h, TK_ICMP_DEST_UNREACH, TK_ICMP_FRAG_NEEDED, 100, iss + 1), 0);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_stats(h.s)->pmtu_lowered, 1);
    assert_int_equal(tk_stack_stats(h.s)->pmtu_clamped, 2);
    tk_conn_info info[2];
    assert_int_equal(tk_stack_conn_table(h.s, info, 2), 1);
    assert_int_equal(info[0].mss, 512);
    tkh_fini(&h);
}

/* NET-5, RFC 5927 4.1: a quote of a sequence number not in flight is not
 * believed (an off-path attacker guessing); nothing changes. */
static void test_NET_05_quote_outside_flight_ignored(void **state) {
    (void)state;
    tkh h;
    uint32_t iss;
    open_sending(&h, NULL, &iss);
    assert_int_equal(inject_error(&h, TK_ICMP_DEST_UNREACH, TK_ICMP_FRAG_NEEDED, 1000, iss + 4000),
                     0);
    assert_int_equal(inject_error(&h, TK_ICMP_DEST_UNREACH, TK_ICMP_FRAG_NEEDED, 1000, iss), 0);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_stats(h.s)->pmtu_lowered, 0);
    assert_int_equal(tk_stack_stats(h.s)->icmp_errors_ignored, 2);
    tk_conn_info info[2];
    assert_int_equal(tk_stack_conn_table(h.s, info, 2), 1);
    assert_int_equal(info[0].mss, 1460);
    tkh_fini(&h);
}

/* Advances to the next frame the stack sends and returns its length. */
static uint32_t next_resend(tkh *h, uint32_t seq) {
    tkh_run_until(h, tk_stack_next_deadline(h->s));
    tkh_seg g;
    assert_true(tkh_next(h, &g));
    assert_int_equal(g.seq, seq);
    return g.len;
}

/* NET-5, RFC 4821: with pmtu_blackhole, the second timeout in a row of a
 * full-sized segment halves the MSS for its retransmission (no ICMP came);
 * without it (the default) the size stays. */
static void test_NET_05_blackhole_halves_mss(void **state) {
    (void)state;
    for (int on = 0; on < 2; on++) {
        tk_config cfg;
        tkh_config(&cfg);
        cfg.pmtu_blackhole = on;
        cfg.rack = false; /* the timer alone: no probe before the timeout */
        tkh h;
        uint32_t iss;
        open_sending(&h, &cfg, &iss);
        assert_int_equal(next_resend(&h, iss + 1), 1460);
        assert_int_equal(next_resend(&h, iss + 1), on ? 730 : 1460);
        assert_int_equal(tk_stack_stats(h.s)->pmtu_blackhole, (uint64_t)on);
        tkh_fini(&h);
    }
}

static void test_NET_1_icmp_hard_errno_map(void **state) {
    (void)state;
    assert_int_equal(tk_icmp_hard_errno(TK_ICMP_DEST_UNREACH, TK_ICMP_PORT_UNREACH), -ECONNREFUSED);
    assert_int_equal(tk_icmp_hard_errno(TK_ICMP_DEST_UNREACH, TK_ICMP_PROTO_UNREACH), -ENOPROTOOPT);
    assert_int_equal(tk_icmp_hard_errno(TK_ICMP_DEST_UNREACH, 9), -EHOSTUNREACH);
    assert_int_equal(tk_icmp_hard_errno(TK_ICMP_DEST_UNREACH, TK_ICMP_HOST_UNREACH), 0);
    assert_int_equal(tk_icmp_hard_errno(TK_ICMP_DEST_UNREACH, TK_ICMP_FRAG_NEEDED), 0);
    assert_int_equal(tk_icmp_hard_errno(TK_ICMP_TIME_EXCEEDED, 0), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_NET_1_icmp_port_unreachable_fails_connect),
        cmocka_unit_test(test_NET_1_icmp_soft_error_named_on_timeout),
        cmocka_unit_test(test_NET_1_icmp_soft_error_named_when_established),
        cmocka_unit_test(test_NET_1_icmp_soft_errno_map),
        cmocka_unit_test(test_NET_1_icmp_admin_prohibited_fails_connect),
        cmocka_unit_test(test_NET_1_icmp_soft_errors_keep_syn_sent),
        cmocka_unit_test(test_NET_1_icmp_quote_not_in_flight_ignored),
        cmocka_unit_test(test_NET_1_icmp_quote_of_snd_nxt_ignored),
        cmocka_unit_test(test_NET_1_icmp_may_rst_off_keeps_syn_sent),
        cmocka_unit_test(test_NET_1_icmp_hard_error_soft_when_established),
        cmocka_unit_test(test_NET_1_icmp_frag_needed_lowers_mss),
        cmocka_unit_test(test_NET_05_frag_needed_resends_head_smaller),
        cmocka_unit_test(test_NET_05_frag_needed_floor),
        cmocka_unit_test(test_NET_05_quote_outside_flight_ignored),
        cmocka_unit_test(test_NET_05_blackhole_halves_mss),
        cmocka_unit_test(test_NET_1_icmp_hard_errno_map),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
