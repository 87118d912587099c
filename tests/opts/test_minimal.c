/* SPEC EMB-1, API-5: the minimal profile (ports/mps2-an385/minimal/tk_opts.h)
 * leaves fragment reassembly, TCP-MD5, SYN cookies, TCP over UDP, ECN, Fast
 * Open, the SACK scoreboard and keep-alive out, and what they would have
 * done becomes a counted drop, a clear error or the behaviour of the
 * setting switched off: a fragment is dropped as with ipfrag_slots 0, the
 * MD5 key store refuses keys, a signed segment is dropped as one for a pair
 * without a key, a SYN flood past the syncache is dropped, an ECN-setup SYN
 * gets a plain SYN-ACK, Fast Open is refused, loss recovery is NewReno's,
 * the keep-alive options are unknown; IPv6 frames are an unknown EtherType,
 * NewReno is the only congestion controller, nothing is paced, and RACK is
 * off. Built only for that profile. */
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
#include "tcp/sockopts.h"
#include "tcpkit/opts.h"
#include "tcpkit/tcp_md5.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/ipv4.h"

#if TK_WITH_IPFRAG || TK_WITH_MD5 || TK_WITH_SYNCOOKIE || TK_WITH_ENCAP || TK_WITH_ECN ||          \
    TK_WITH_FASTOPEN || TK_WITH_SACK_SENDER || TK_WITH_KEEPALIVE || TK_WITH_IPV6 ||                \
    TK_WITH_CUBIC || TK_WITH_PACING || TK_WITH_RACK
#error "test_minimal is for a profile with every protocol feature switch at 0"
#endif

static void test_EMB_01_minimal_fragment_dropped(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    uint8_t f[64] = {0};
    tk_eth_hdr eh = {{0x02, 0, 0, 0, 0, 0x01}, {0x02, 0, 0, 0, 0, 0x02}, TK_ETHERTYPE_IPV4};
    assert_int_equal(tk_wire_eth_emit(&eh, f, sizeof f), TK_ETH_HLEN);
    tk_ipv4_hdr ih = {.hlen = 20,
                      .total_len = 28,
                      .id = 7,
                      .frag = TK_IPV4_MF,
                      .ttl = 64,
                      .proto = TK_IPPROTO_TCP,
                      .src = TKH_REMOTE_ADDR,
                      .dst = TKH_LOCAL_ADDR};
    assert_int_equal(tk_wire_ipv4_emit(&ih, f + TK_ETH_HLEN, sizeof f - TK_ETH_HLEN), 20);
    assert_int_equal(tk_stack_input(h.s, f, TK_ETH_HLEN + 28, h.now), -ENOBUFS);
    const tk_stats *st = tk_stack_stats(h.s);
    assert_int_equal(st->ip_frags_in, 1);
    assert_int_equal(st->drop_ip_fragment, 1);
    assert_int_equal(st->ip_reassembled, 0);
    tkh_fini(&h);
}

static void test_EMB_01_minimal_md5_refused(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    assert_int_equal(tk_stack_md5_add(h.s, 0, TKH_REMOTE_ADDR, "secret", 6), -ENOPROTOOPT);
    assert_int_equal(tk_stack_md5_count(h.s), 0);
    /* A SYN carrying a signature to a listener: dropped, no answer. */
    assert_true(tkh_listen(&h) >= 0);
    (void)tkh_inject_signed(&h, "secret", TK_TCP_SYN, 1000, 0, 65535, NULL, NULL, 0);
    assert_int_equal(tk_stack_stats(h.s)->drop_md5_unexpected, 1);
    TKH_NOTHING(&h);
    tkh_fini(&h);
}

/* No SYN cookie: with the syncache full, further SYNs are dropped and
 * counted, even with cfg.syn_cookies on. */
static void test_API_05_minimal_syn_flood_dropped(void **state) {
    (void)state;
    tkh h;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.max_syn_backlog = 2;
    cfg.syn_cookies = true;
    tkh_init(&h, &cfg);
    assert_true(tkh_listen(&h) >= 0);
    for (uint16_t i = 0; i < 10; i++)
        tkh_inject_ports(&h, (uint16_t)(20000 + i), h.lport, TK_TCP_SYN, 5000u * i, 0, 65535, NULL,
                         NULL, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_RCVD), 2);
    assert_int_equal(tkh_pending(&h), 2); /* SYN-ACKs for the two entries only */
    assert_int_equal(tk_stack_stats(h.s)->syncookies_sent, 0);
    assert_int_equal(tk_stack_stats(h.s)->drop_syn_backlog_full, 8);
    tkh_fini(&h);
    /* Without a syncache nothing could answer a SYN: refused (SEC-2). */
    cfg.max_syn_backlog = 0;
    assert_int_equal(tk_stack_mem_size(&cfg), 0);
}

/* No ECN: an ECN-setup SYN (ECE|CWR) is answered with a plain SYN-ACK
 * although the configuration would accept ECN. */
static void test_API_05_minimal_ecn_not_negotiated(void **state) {
    (void)state;
    tkh h;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.ecn = 1;
    tkh_init(&h, &cfg);
    assert_true(tkh_listen(&h) >= 0);
    tkh_inject(&h, TK_TCP_SYN | TK_TCP_ECE | TK_TCP_CWR, 1000, 0, 65535, NULL, NULL, 0);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, g.seq, 1001, 0);
    assert_int_equal(g.tos & 3, 0); /* Not-ECT */
    tkh_fini(&h);
}

/* No Fast Open: the option and the call are refused, and a SYN carrying a
 * cookie request and data gets the ordinary handshake (data not taken). */
static void test_API_05_minimal_fastopen_refused(void **state) {
    (void)state;
    tkh h;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.fastopen = TK_FASTOPEN_CLIENT | TK_FASTOPEN_SERVER;
    tkh_init(&h, &cfg);
    int ls = tkh_listen(&h);
    int q = 8;
    assert_int_equal(tk_setsockopt(h.s, ls, TK_IPPROTO_TCP_LEVEL, TK_TCP_FASTOPEN, &q, sizeof(q)),
                     -ENOPROTOOPT);
    int sd = tk_socket(h.s);
    tk_sockaddr to = tk_sockaddr_in4(TKH_REMOTE_ADDR, 80);
    assert_int_equal(tk_send_fastopen(h.s, sd, &to, "hi", 2), -EOPNOTSUPP);
    tk_tcp_opts o;
    memset(&o, 0, sizeof(o));
    o.present = TK_OPT_FASTOPEN; /* fo_len 0: a cookie request */
    tkh_inject(&h, TK_TCP_SYN, 1000, 0, 65535, &o, "data", 4);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, g.seq, 1001, 0);
    assert_false(g.opts.present & TK_OPT_FASTOPEN);
    tkh_fini(&h);
}

/* No keep-alive: its options are unknown, and keepalive_always sends no
 * probe on an idle connection. */
static void test_API_05_minimal_keepalive_absent(void **state) {
    (void)state;
    tkh h;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.keepalive_always = true;
    cfg.keepalive_idle = TK_SEC(10);
    uint32_t iss;
    tkh_init(&h, &cfg);
    int sd = tkh_open_passive(&h, 1000, NULL, &iss);
    assert_true(sd >= 0);
    int one = 1;
    assert_int_equal(tk_setsockopt(h.s, sd, TK_SOL_SOCKET, TK_SO_KEEPALIVE, &one, sizeof(one)),
                     -ENOPROTOOPT);
    assert_int_equal(
        tk_setsockopt(h.s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_KEEPCNT, &one, sizeof(one)),
        -ENOPROTOOPT);
    tkh_clear(&h);
    tkh_run_until(&h, h.now + TK_SEC(60));
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_stats(h.s)->keepalive_probes, 0);
    tkh_fini(&h);
}

/* No SACK scoreboard: SACK is still negotiated (the receiver's blocks are
 * sent), the peer's blocks are not kept, and two losses in one window are
 * repaired as NewReno does (RFC 6582): the head after three duplicate
 * ACKs, the second hole after the partial ACK. */
static void test_API_05_minimal_sack_sender_newreno(void **state) {
    (void)state;
    tk_sizes z;
    tk_stack_sizes(NULL, &z);
    assert_int_equal(z.sack_board, 0);
    static uint8_t zeros[6000];
    const uint32_t iss = 0xffffff00u, irs = 0xfffffc00u, s1 = iss + 1, r1 = irs + 1;
    tkh h;
    tk_config cfg;
    tkh_config(&cfg);
    tk_tcp_opts o = tkh_mss_opts(TK_OPT_MSS | TK_OPT_SACK_PERM, 1000);
    int sd = tkh_open_fixed(&h, &cfg, iss, irs, &o);
    tk_send(h.s, sd, zeros, 4000); /* two rounds open the congestion window */
    tkh_poll(&h);
    tkh_inject(&h, TK_TCP_ACK, r1, s1 + 4000, 65535, NULL, NULL, 0);
    tk_send(h.s, sd, zeros, 5000);
    tkh_poll(&h);
    tkh_inject(&h, TK_TCP_ACK, r1, s1 + 9000, 65535, NULL, NULL, 0);
    tkh_clear(&h);
    const uint32_t b = s1 + 9000; /* segments A..F at b, b + 1000, ... */
    tk_send(h.s, sd, zeros, 6000);
    tkh_poll(&h);
    assert_int_equal(tkh_pending(&h), 6);
    tkh_clear(&h);
    /* A and C are lost; B, D, E, F arrive and are SACKed. */
    tk_tcp_opts d;
    memset(&d, 0, sizeof(d));
    d.present = TK_OPT_SACK;
    d.sack_count = 2;
    d.sack[0] = (tk_sack_block){b + 3000, b + 6000};
    d.sack[1] = (tk_sack_block){b + 1000, b + 2000};
    for (int i = 0; i < 2; i++)
        tkh_inject(&h, TK_TCP_ACK, r1, b, 65535, &d, NULL, 0);
    TKH_NOTHING(&h);
    tkh_inject(&h, TK_TCP_ACK, r1, b, 65535, &d, NULL, 0);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_ACK, b, r1, 1000); /* fast retransmit of A */
    tkh_inject(&h, TK_TCP_ACK, r1, b, 65535, &d, NULL, 0);
    TKH_NOTHING(&h); /* the blocks show C missing; NewReno waits for the partial ACK */
    d.sack_count = 1;
    tkh_inject(&h, TK_TCP_ACK, r1, b + 2000, 65535, &d, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, b + 2000, r1, 1000); /* C, after the partial ACK */
    tkh_inject(&h, TK_TCP_ACK, r1, b + 6000, 65535, NULL, NULL, 0);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_stats(h.s)->retransmits, 2);
    assert_int_equal(tk_stack_stats(h.s)->sack_board_full, 0);
    tkh_fini(&h);
}

/* No IPv6: a configuration asking for it is refused, and an IPv6 frame is
 * dropped as an unknown EtherType, as with ipv6 false. */
static void test_EMB_01_minimal_ipv6_compiled_out(void **state) {
    (void)state;
    tk_config cfg;
    tkh_config(&cfg);
    assert_false(cfg.ipv6);
    cfg.ipv6 = true;
    assert_false(tk_config_valid(&cfg));
    tkh h;
    tkh_init(&h, NULL);
    uint8_t f[64] = {0};
    tk_eth_hdr eh = {{0x02, 0, 0, 0, 0, 0x01}, {0x02, 0, 0, 0, 0, 0x02}, TK_ETHERTYPE_IPV6};
    assert_int_equal(tk_wire_eth_emit(&eh, f, sizeof f), TK_ETH_HLEN);
    f[TK_ETH_HLEN] = 0x60; /* version 6; the rest is never read */
    assert_int_equal(tk_stack_input(h.s, f, sizeof f, h.now), -EPROTONOSUPPORT);
    assert_int_equal(tk_stack_stats(h.s)->drop_eth_type, 1);
    tk_sockaddr a;
    assert_int_equal(tk_stack_ipv6_addr(h.s, 0, &a), -ENOENT);
    tkh_fini(&h);
}

/* No CUBIC: NewReno is the default and only controller; TCP_CONGESTION
 * does not know "cubic", and a configuration naming it is refused. */
static void test_DT_13_minimal_newreno_only(void **state) {
    (void)state;
    tk_config cfg;
    tkh_config(&cfg);
    assert_int_equal(cfg.cc_algorithm, TK_CC_ALGO_NEWRENO);
    cfg.cc_algorithm = TK_CC_ALGO_CUBIC;
    assert_false(tk_config_valid(&cfg));
    tkh h;
    tkh_init(&h, NULL);
    int sd = tk_socket(h.s);
    assert_int_equal(tk_setsockopt(h.s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_CONGESTION, "cubic", 5),
                     -ENOENT);
    assert_int_equal(tk_setsockopt(h.s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_CONGESTION, "newreno", 7),
                     0);
    char name[16] = {0};
    size_t len = sizeof name;
    assert_int_equal(tk_getsockopt(h.s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_CONGESTION, name, &len),
                     0);
    assert_string_equal(name, "newreno");
    int algo = (int)TK_CC_ALGO_CUBIC; /* the number, through the generic path */
    assert_int_equal(
        tk_sockopt_set_int(h.s, tk_fd_tcb(h.s, sd), TK_IPPROTO_TCP_LEVEL, TK_TCP_CONGESTION, algo),
        -ENOENT);
    tkh_fini(&h);
}

/* No pacing: TCP_PACING is an unknown option. */
static void test_DT_15_minimal_pacing_absent(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    int sd = tk_socket(h.s);
    int one = 1;
    assert_int_equal(tk_setsockopt(h.s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_PACING, &one, sizeof one),
                     -ENOPROTOOPT);
    size_t len = sizeof one;
    assert_int_equal(tk_getsockopt(h.s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_PACING, &one, &len),
                     -ENOPROTOOPT);
    tkh_fini(&h);
}

/* No RACK: the setting defaults to off, and a stack configured with it on
 * runs with it off (classic duplicate-ACK recovery). */
static void test_DT_12_minimal_rack_forced_off(void **state) {
    (void)state;
    tk_config cfg;
    tkh_config(&cfg);
    assert_false(cfg.rack);
    cfg.rack = true;
    assert_true(tk_config_valid(&cfg));
    tkh h;
    tkh_init(&h, &cfg);
    assert_false(tk_stack_config(h.s)->rack);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_EMB_01_minimal_fragment_dropped),
        cmocka_unit_test(test_EMB_01_minimal_md5_refused),
        cmocka_unit_test(test_API_05_minimal_syn_flood_dropped),
        cmocka_unit_test(test_API_05_minimal_ecn_not_negotiated),
        cmocka_unit_test(test_API_05_minimal_fastopen_refused),
        cmocka_unit_test(test_API_05_minimal_keepalive_absent),
        cmocka_unit_test(test_API_05_minimal_sack_sender_newreno),
        cmocka_unit_test(test_EMB_01_minimal_ipv6_compiled_out),
        cmocka_unit_test(test_DT_13_minimal_newreno_only),
        cmocka_unit_test(test_DT_15_minimal_pacing_absent),
        cmocka_unit_test(test_DT_12_minimal_rack_forced_off),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
