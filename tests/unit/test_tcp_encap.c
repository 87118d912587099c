/* TCP over UDP (tcp/encap.c, docs/udp-encapsulation.md): a SYN inside UDP
 * opens a connection that answers inside UDP; checksums; UDP that is not
 * for the tunnel; a segment whose encapsulation is not its connection's,
 * in ESTABLISHED and in a compact TIME_WAIT entry; the MSS reduction; SYN
 * cookies inside UDP. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_conn.h"
#include "support/tk_encap.h"
#include "support/tk_harness.h"
#include "tcpkit/wire/err.h"

#define ISS    0x10000000u
#define IRS    0x20000000u
#define TUNNEL 9811

static const uint8_t SA = TK_TCP_SYN | TK_TCP_ACK;

static void init(tkh *h, uint16_t overhead) {
    tk_config cfg;
    tkh_config(&cfg);
    cfg.udp_tunnel_port = TUNNEL;
    cfg.udp_tunnel_overhead = overhead;
    tkh_init_fixed(h, &cfg, ISS);
}

static int getopt_int(tkh *h, int sd, int level, int name) {
    int v = -1;
    size_t len = sizeof(v);
    assert_int_equal(tk_getsockopt(h->s, sd, level, name, &v, &len), 0);
    return v;
}

static void set_ip(tkh *h, int sd, int ttl, int tos) {
    assert_int_equal(tk_setsockopt(h->s, sd, TK_IPPROTO_IP_LEVEL, TK_IP_TTL, &ttl, sizeof(ttl)), 0);
    assert_int_equal(tk_setsockopt(h->s, sd, TK_IPPROTO_IP_LEVEL, TK_IP_TOS, &tos, sizeof(tos)), 0);
}

/* A passive open through the tunnel from the peer's UDP port uport; the
 * SYN-ACK must offer MSS mss. */
static int open_udp_mss(tkh *h, uint16_t uport, uint16_t mss) {
    int ls = tkh_listen_at(h, h->lport, 4);
    tkh_udp u = {.sport = uport, .dport = TUNNEL, .csum = TKH_UDP_CSUM};
    tk_tcp_opts o = tkh_mss_opts(TK_OPT_MSS, 1460);
    assert_int_equal(tkh_inject_udp(h, &u, TK_TCP_SYN, IRS, 0, 65535, &o, NULL, 0), 0);
    tkh_seg g;
    tkh_wire w;
    TKH_EXPECT_WIRE(h, &g, &w, SA, ISS, IRS + 1, 0, TUNNEL, uport);
    assert_int_equal(g.opts.present, TK_OPT_MSS);
    assert_int_equal(g.opts.mss, mss);
    assert_int_equal(w.ttl, 64);
    assert_int_equal(tkh_inject_udp(h, &u, TK_TCP_ACK, IRS + 1, ISS + 1, 65535, NULL, NULL, 0), 0);
    int sd = tk_accept(h->s, ls, NULL);
    assert_true(sd >= 0);
    assert_int_equal(tk_close(h->s, ls), 0);
    return sd;
}

static int open_udp(tkh *h, uint16_t uport) {
    return open_udp_mss(h, uport, 1500 - 40 - 8);
}

/* A SYN inside UDP: the SYN-ACK, the data and the connection's record all
 * carry the peer's UDP port; the MSS is 8 bytes smaller. */
static void test_encap_passive_open(void **state) {
    (void)state;
    tkh h;
    init(&h, 8);
    int sd = open_udp(&h, 4000);
    assert_int_equal(getopt_int(&h, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_REMOTE_UDP_ENCAPS_PORT), 4000);
    tk_conn_info ci[4];
    assert_int_equal(tk_stack_conn_table(h.s, ci, 4), 1);
    assert_int_equal(ci[0].encap_port, 4000);
    assert_int_equal(ci[0].mss, 1452);
    static uint8_t data[2000];
    assert_int_equal(tk_send(h.s, sd, data, sizeof(data)), 2000);
    tkh_poll(&h);
    tkh_seg g;
    tkh_wire w;
    TKH_EXPECT_WIRE(&h, &g, &w, TK_TCP_ACK, ISS + 1, IRS + 1, 1452, TUNNEL, 4000);
    TKH_NOTHING(&h); /* Nagle holds the rest */
    const tk_stats *st = tk_stack_stats(h.s);
    assert_int_equal(st->encap_segs_in, 2);
    assert_int_equal(st->encap_segs_out, 2);
    assert_int_equal(st->drop_encap_mismatch, 0);
    tkh_fini(&h);
}

/* RFC 768: a zero UDP checksum means none; the TCP checksum then decides.
 * A verified UDP checksum covers the segment, whose TCP checksum may be 0
 * (FreeBSD sends it so). A bad UDP checksum is a counted drop. */
static void test_encap_checksums(void **state) {
    (void)state;
    tkh h;
    init(&h, 8);
    (void)tkh_listen_at(&h, h.lport, 8);
    tkh_seg g;
    tkh_wire w;
    tkh_udp none = {.sport = 4000, .dport = TUNNEL, .csum = TKH_UDP_NOCSUM};
    assert_int_equal(tkh_inject_udp(&h, &none, TK_TCP_SYN, IRS, 0, 65535, NULL, NULL, 0), 0);
    TKH_EXPECT_WIRE(&h, &g, &w, SA, ISS, IRS + 1, 0, TUNNEL, 4000);
    h.rport++;
    tkh_udp freebsd = {.sport = 4001, .dport = TUNNEL, .csum = TKH_UDP_CSUM, .tcp_csum_zero = true};
    assert_int_equal(tkh_inject_udp(&h, &freebsd, TK_TCP_SYN, IRS, 0, 65535, NULL, NULL, 0), 0);
    TKH_EXPECT_WIRE(&h, &g, &w, SA, ISS, IRS + 1, 0, TUNNEL, 4001);
    h.rport++;
    tkh_udp neither = {
        .sport = 4002, .dport = TUNNEL, .csum = TKH_UDP_NOCSUM, .tcp_csum_zero = true};
    assert_int_equal(tkh_inject_udp(&h, &neither, TK_TCP_SYN, IRS, 0, 65535, NULL, NULL, 0),
                     TK_WIRE_TCP_CSUM);
    tkh_udp bad = {.sport = 4003, .dport = TUNNEL, .csum = TKH_UDP_BADCSUM};
    assert_int_equal(tkh_inject_udp(&h, &bad, TK_TCP_SYN, IRS, 0, 65535, NULL, NULL, 0),
                     TK_WIRE_UDP_CSUM);
    TKH_NOTHING(&h);
    const tk_stats *st = tk_stack_stats(h.s);
    assert_int_equal(st->drop_tcp_bad_csum, 1);
    assert_int_equal(st->drop_udp_bad_csum, 1);
    assert_int_equal(st->encap_segs_in, 3);
    assert_int_equal(st->passive_opens, 2);
    tkh_fini(&h);
}

/* UDP for another port, from port 0, or while the tunnel is off, and a
 * datagram too short for a TCP header: counted drops, nothing answered. */
static void test_encap_udp_drops(void **state) {
    (void)state;
    tkh h;
    init(&h, 8);
    (void)tkh_listen_at(&h, h.lport, 8);
    tkh_udp other = {.sport = 4000, .dport = TUNNEL + 1, .csum = TKH_UDP_CSUM};
    assert_int_equal(tkh_inject_udp(&h, &other, TK_TCP_SYN, IRS, 0, 65535, NULL, NULL, 0),
                     -ECONNREFUSED);
    tkh_udp zero = {.sport = 0, .dport = TUNNEL, .csum = TKH_UDP_CSUM};
    assert_int_equal(tkh_inject_udp(&h, &zero, TK_TCP_SYN, IRS, 0, 65535, NULL, NULL, 0),
                     -ECONNREFUSED);
    tk_config off = *tk_stack_config(h.s);
    off.udp_tunnel_port = 0;
    assert_int_equal(tk_stack_set_config(h.s, &off), 0);
    tkh_udp to_tunnel = {.sport = 4000, .dport = TUNNEL, .csum = TKH_UDP_CSUM};
    assert_int_equal(tkh_inject_udp(&h, &to_tunnel, TK_TCP_SYN, IRS, 0, 65535, NULL, NULL, 0),
                     -ECONNREFUSED);
    TKH_NOTHING(&h);
    const tk_stats *st = tk_stack_stats(h.s);
    assert_int_equal(st->drop_udp_port, 3);
    assert_int_equal(st->encap_segs_in, 0);
    assert_int_equal(st->segs_in, 0);
    tkh_fini(&h);
}

/* A plain connection gets segments inside UDP: each answered with a RST
 * into UDP, with the connection's TTL and TOS, and the connection goes on. */
static void test_encap_mismatch_plain_connection(void **state) {
    (void)state;
    tkh h;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.udp_tunnel_port = TUNNEL;
    int sd = tkh_open_fixed(&h, &cfg, ISS, IRS, NULL);
    set_ip(&h, sd, 6, 0x20);
    tkh_udp u = {.sport = 1, .dport = TUNNEL, .csum = TKH_UDP_CSUM};
    tkh_seg g;
    tkh_wire w;
    assert_int_equal(
        tkh_inject_udp(&h, &u, TK_TCP_FIN | TK_TCP_ACK, IRS + 1, ISS + 1, 32767, NULL, NULL, 0), 0);
    TKH_EXPECT_WIRE(&h, &g, &w, TK_TCP_RST, ISS + 1, 0, 0, TUNNEL, 1);
    assert_int_equal(g.win, 0);
    assert_int_equal(w.ttl, 6);
    assert_int_equal(w.tos, 0x20);
    assert_int_equal(tkh_inject_udp(&h, &u, TK_TCP_SYN, IRS + 1, 0, 32767, NULL, NULL, 0), 0);
    TKH_EXPECT_WIRE(&h, &g, &w, TK_TCP_RST | TK_TCP_ACK, 0, IRS + 2, 0, TUNNEL, 1);
    assert_int_equal(tkh_inject_udp(&h, &u, TK_TCP_RST, IRS + 1, 0, 0, NULL, NULL, 0), 0);
    TKH_NOTHING(&h);
    const tk_stats *st = tk_stack_stats(h.s);
    assert_int_equal(st->drop_encap_mismatch, 3);
    assert_int_equal(st->rsts_sent, 2);
    assert_int_equal(st->rsts_rcvd, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 1);
    /* The plain connection is as it was. */
    assert_int_equal(
        tkh_inject(&h, TK_TCP_ACK | TK_TCP_PSH, IRS + 1, ISS + 1, 32767, NULL, "hi", 2), 0);
    tkh_run_until(&h, h.now + TK_MS(40));
    TKH_EXPECT_WIRE(&h, &g, &w, TK_TCP_ACK, ISS + 1, IRS + 3, 0, 0, 0);
    char buf[4];
    assert_int_equal(tk_recv(h.s, sd, buf, sizeof(buf)), 2);
    tkh_fini(&h);
}

/* A connection inside UDP: plain segments, and segments from another UDP
 * port, are not its own; RSTs go back the way each came. */
static void test_encap_mismatch_encapsulated_connection(void **state) {
    (void)state;
    tkh h;
    init(&h, 8);
    int sd = open_udp(&h, 4000);
    tkh_seg g;
    tkh_wire w;
    assert_int_equal(tkh_inject(&h, TK_TCP_ACK, IRS + 1, ISS + 1, 32767, NULL, NULL, 0), 0);
    TKH_EXPECT_WIRE(&h, &g, &w, TK_TCP_RST, ISS + 1, 0, 0, 0, 0);
    tkh_udp other = {.sport = 4001, .dport = TUNNEL, .csum = TKH_UDP_CSUM};
    assert_int_equal(
        tkh_inject_udp(&h, &other, TK_TCP_ACK | TK_TCP_PSH, IRS + 1, ISS + 1, 32767, NULL, "x", 1),
        0);
    TKH_EXPECT_WIRE(&h, &g, &w, TK_TCP_RST, ISS + 1, 0, 0, TUNNEL, 4001);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_stats(h.s)->drop_encap_mismatch, 2);
    char buf[4];
    assert_int_equal(tk_recv(h.s, sd, buf, sizeof(buf)), -EAGAIN);
    tkh_fini(&h);
}

/* A compact TIME_WAIT entry (48 bytes still) keeps the UDP port, the TTL and
 * the TOS: the ACK of a retransmitted FIN goes inside UDP with them, a
 * plain FIN or a SYN from another port gets a RST its own way. */
static void test_encap_time_wait_entry(void **state) {
    (void)state;
    tkh h;
    init(&h, 8);
    int sd = open_udp(&h, 4000);
    set_ip(&h, sd, 7, 0xb8);
    tkh_udp u = {.sport = 4000, .dport = TUNNEL, .csum = TKH_UDP_CSUM};
    tkh_seg g;
    tkh_wire w;
    assert_int_equal(tk_close(h.s, sd), 0);
    tkh_poll(&h);
    TKH_EXPECT_WIRE(&h, &g, &w, TK_TCP_FIN | TK_TCP_ACK, ISS + 1, IRS + 1, 0, TUNNEL, 4000);
    assert_int_equal(
        tkh_inject_udp(&h, &u, TK_TCP_FIN | TK_TCP_ACK, IRS + 1, ISS + 2, 32767, NULL, NULL, 0), 0);
    TKH_EXPECT_WIRE(&h, &g, &w, TK_TCP_ACK, ISS + 2, IRS + 2, 0, TUNNEL, 4000);
    tk_sizes sz;
    tk_stack_sizes(NULL, &sz);
    assert_int_equal(sz.time_wait, 48);
    tk_conn_info ci[4];
    assert_int_equal(tk_stack_conn_table(h.s, ci, 4), 1);
    assert_int_equal(ci[0].sd, -1); /* the compact entry */
    assert_int_equal(ci[0].state, TK_TCP_TIME_WAIT);
    assert_int_equal(ci[0].encap_port, 4000);
    assert_int_equal(ci[0].local.addr, TKH_LOCAL_ADDR);
    h.now += TK_SEC(1);
    assert_int_equal(
        tkh_inject_udp(&h, &u, TK_TCP_FIN | TK_TCP_ACK, IRS + 1, ISS + 2, 32767, NULL, NULL, 0), 0);
    TKH_EXPECT_WIRE(&h, &g, &w, TK_TCP_ACK, ISS + 2, IRS + 2, 0, TUNNEL, 4000);
    assert_int_equal(w.ttl, 7);
    assert_int_equal(w.tos, 0xb8);
    assert_int_equal(
        tkh_inject(&h, TK_TCP_FIN | TK_TCP_ACK, IRS + 1, ISS + 2, 32767, NULL, NULL, 0), 0);
    TKH_EXPECT_WIRE(&h, &g, &w, TK_TCP_RST, ISS + 2, 0, 0, 0, 0);
    assert_int_equal(w.ttl, 7);
    tkh_udp other = {.sport = 4001, .dport = TUNNEL, .csum = TKH_UDP_CSUM};
    assert_int_equal(tkh_inject_udp(&h, &other, TK_TCP_SYN, IRS + 1, 0, 32767, NULL, NULL, 0), 0);
    TKH_EXPECT_WIRE(&h, &g, &w, TK_TCP_RST | TK_TCP_ACK, 0, IRS + 2, 0, TUNNEL, 4001);
    assert_int_equal(w.tos, 0xb8);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_stats(h.s)->drop_encap_mismatch, 2);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_TIME_WAIT), 1);
    tkh_run_until(&h, h.now + 2 * h.cfg.msl);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_TIME_WAIT), 0);
    tkh_fini(&h);
}

/* The MSS offered inside UDP is the link's less udp_tunnel_overhead (8 to
 * 1024, else the configuration is refused), but at least 20 bytes: the
 * reduction shrinks when the MTU is tiny. */
static void test_encap_mss_and_overhead(void **state) {
    (void)state;
    tk_config cfg;
    tkh_config(&cfg);
    tk_stack *s;
    tk_stack_io io = {0};
    cfg.udp_tunnel_overhead = 7;
    assert_int_equal(tk_stack_mem_size(&cfg), 0);
    cfg.udp_tunnel_overhead = 1025;
    assert_int_equal(tk_stack_create(&s, &cfg, &io), -EINVAL);
    tkh h;
    init(&h, 100);
    tk_config bad = *tk_stack_config(h.s);
    bad.udp_tunnel_overhead = 1025;
    assert_int_equal(tk_stack_set_config(h.s, &bad), -EINVAL);
    assert_int_equal(tk_stack_config(h.s)->udp_tunnel_overhead, 100);
    (void)open_udp_mss(&h, 4000, 1500 - 40 - 100);
    tkh_fini(&h);

    tkh_config(&cfg);
    cfg.mtu = 68;
    cfg.udp_tunnel_port = TUNNEL;
    cfg.udp_tunnel_overhead = 1024;
    tkh_init_fixed(&h, &cfg, ISS);
    (void)open_udp_mss(&h, 4000, 20);
    tkh_seg g;
    tkh_wire w;
    h.lport = 81; /* a plain connection on that link offers the whole 28 */
    (void)tkh_listen_at(&h, h.lport, 4);
    tk_tcp_opts o = tkh_mss_opts(TK_OPT_MSS, 1460);
    assert_int_equal(tkh_inject(&h, TK_TCP_SYN, IRS, 0, 65535, &o, NULL, 0), 0);
    TKH_EXPECT_WIRE(&h, &g, &w, SA, ISS, IRS + 1, 0, 0, 0);
    assert_int_equal(g.opts.mss, 28);
    tkh_fini(&h);
}

/* SYN cookies inside UDP: the cookie SYN-ACK goes back inside UDP with the
 * reduced MSS, and the returning ACK makes a connection inside UDP. */
static void test_encap_syn_cookie(void **state) {
    (void)state;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.udp_tunnel_port = TUNNEL;
    cfg.max_syn_backlog = 0;
    tkh h;
    tkh_init(&h, &cfg);
    int ls = tkh_listen_at(&h, h.lport, 4);
    tkh_udp u = {.sport = 4000, .dport = TUNNEL, .csum = TKH_UDP_CSUM};
    tk_tcp_opts o = tkh_mss_opts(TK_OPT_MSS, 1460);
    assert_int_equal(tkh_inject_udp(&h, &u, TK_TCP_SYN, IRS, 0, 65535, &o, NULL, 0), 0);
    tkh_seg g;
    tkh_wire w;
    assert_true(tkh_next_wire(&h, &g, &w));
    assert_int_equal(g.flags, SA);
    assert_int_equal(g.opts.mss, 1452);
    assert_int_equal(w.udp_sport, TUNNEL);
    assert_int_equal(w.udp_dport, 4000);
    assert_int_equal(tk_stack_stats(h.s)->syncookies_sent, 1);
    uint32_t cookie = g.seq;
    assert_int_equal(tkh_inject_udp(&h, &u, TK_TCP_ACK, IRS + 1, cookie + 1, 65535, NULL, NULL, 0),
                     0);
    int sd = tk_accept(h.s, ls, NULL);
    assert_true(sd >= 0);
    assert_int_equal(getopt_int(&h, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_REMOTE_UDP_ENCAPS_PORT), 4000);
    assert_int_equal(tk_send(h.s, sd, "abc", 3), 3);
    tkh_poll(&h);
    TKH_EXPECT_WIRE(&h, &g, &w, TK_TCP_ACK | TK_TCP_PSH, cookie + 1, IRS + 1, 3, TUNNEL, 4000);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encap_passive_open),
        cmocka_unit_test(test_encap_checksums),
        cmocka_unit_test(test_encap_udp_drops),
        cmocka_unit_test(test_encap_mismatch_plain_connection),
        cmocka_unit_test(test_encap_mismatch_encapsulated_connection),
        cmocka_unit_test(test_encap_time_wait_entry),
        cmocka_unit_test(test_encap_mss_and_overhead),
        cmocka_unit_test(test_encap_syn_cookie),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
