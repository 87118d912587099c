/* TCP over UDP, active side: TK_TCP_REMOTE_UDP_ENCAPS_PORT and its errors,
 * the tunnel switched off under a connection, ICMP errors quoting plain
 * segments, and two stacks moving data through a faulty link entirely
 * inside UDP. */
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
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/icmp.h"
#include "tcpkit/wire/ipv4.h"

#define ISS    0x10000000u
#define IRS    0x20000000u
#define TUNNEL 9811

static int set_encap(tk_stack *s, int sd, int v) {
    return tk_setsockopt(s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_REMOTE_UDP_ENCAPS_PORT, &v, sizeof(v));
}

static void set_tunnel(tkh *h, uint16_t port) {
    tk_config c = *tk_stack_config(h->s);
    c.udp_tunnel_port = port;
    assert_int_equal(tk_stack_set_config(h->s, &c), 0);
}

/* connect() through the tunnel to the peer's UDP port 5555: SYN, SYN-ACK
 * and ACK inside UDP, the SYN offering MSS 1452. */
static int open_active(tkh *h) {
    int sd = tk_socket(h->s);
    assert_int_equal(set_encap(h->s, sd, 5555), 0);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, h->rport);
    assert_int_equal(tk_connect(h->s, sd, &r), -EINPROGRESS);
    tkh_poll(h);
    tkh_seg g;
    tkh_wire w;
    TKH_EXPECT_WIRE(h, &g, &w, TK_TCP_SYN, ISS, 0, 0, TUNNEL, 5555);
    assert_true(g.opts.present & TK_OPT_MSS);
    assert_int_equal(g.opts.mss, 1452);
    h->lport = g.sport;
    tkh_udp u = {.sport = 5555, .dport = TUNNEL, .csum = TKH_UDP_CSUM};
    tk_tcp_opts o = tkh_mss_opts(TK_OPT_MSS, 1460);
    assert_int_equal(
        tkh_inject_udp(h, &u, TK_TCP_SYN | TK_TCP_ACK, IRS, ISS + 1, 65535, &o, NULL, 0), 0);
    TKH_EXPECT_WIRE(h, &g, &w, TK_TCP_ACK, ISS + 1, IRS + 1, 0, TUNNEL, 5555);
    return sd;
}

/* As FreeBSD's option: 0..65535, only with the tunnel on, only before the
 * connection exists (CLOSED); EINVAL otherwise. */
static void test_encap_option_rules(void **state) {
    (void)state;
    tkh h;
    tkh_init_fixed(&h, NULL, ISS);
    int sd = tk_socket(h.s);
    assert_int_equal(set_encap(h.s, sd, 5555), -EINVAL); /* no tunnel */
    assert_int_equal(set_encap(h.s, sd, 0), 0);
    set_tunnel(&h, TUNNEL);
    assert_int_equal(set_encap(h.s, sd, 65536), -EINVAL);
    assert_int_equal(set_encap(h.s, sd, -1), -EINVAL);
    int v = -1;
    size_t len = sizeof(v);
    assert_int_equal(
        tk_getsockopt(h.s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_REMOTE_UDP_ENCAPS_PORT, &v, &len), 0);
    assert_int_equal(v, 0);
    int ls = tkh_listen_at(&h, 81, 1);
    assert_int_equal(set_encap(h.s, ls, 5555), -EINVAL); /* listening */
    assert_int_equal(tk_close(h.s, sd), 0);
    sd = open_active(&h);
    assert_int_equal(set_encap(h.s, sd, 0), -EINVAL); /* connected */
    assert_int_equal(
        tk_getsockopt(h.s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_REMOTE_UDP_ENCAPS_PORT, &v, &len), 0);
    assert_int_equal(v, 5555);
    tkh_fini(&h);
}

/* With the tunnel switched off, an encapsulated connection sends nothing
 * (counted); its retransmission timer runs on and resends, inside UDP,
 * once the tunnel is back. */
static void test_encap_tunnel_off_under_connection(void **state) {
    (void)state;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.udp_tunnel_port = TUNNEL;
    tkh h;
    tkh_init_fixed(&h, &cfg, ISS);
    int sd = open_active(&h);
    set_tunnel(&h, 0);
    assert_int_equal(tk_send(h.s, sd, "abcd", 4), 4);
    tkh_poll(&h);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_stats(h.s)->encap_out_no_tunnel, 1);
    /* The RTO is 200 ms (rto_min; the handshake's RTT sample was 0). */
    tk_time t0 = h.now;
    tkh_run_until(&h, t0 + TK_MS(300));
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_stats(h.s)->encap_out_no_tunnel, 2);
    set_tunnel(&h, TUNNEL);
    tkh_run_until(&h, t0 + TK_MS(700));
    tkh_seg g;
    tkh_wire w;
    TKH_EXPECT_WIRE(&h, &g, &w, TK_TCP_ACK | TK_TCP_PSH, ISS + 1, IRS + 1, 4, TUNNEL, 5555);
    assert_memory_equal(g.data, "abcd", 4);
    assert_int_equal(g.at, t0 + TK_MS(600));
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_stats(h.s)->retransmits, 2);
    tkh_fini(&h);
}

/* An ICMP port unreachable from 198.18.0.99 quoting a plain TCP segment
 * lport -> rport with sequence number seq. */
static int inject_icmp_unreach(tkh *h, uint32_t seq) {
    uint8_t quote[28], f[128];
    tk_ipv4_hdr qi = {.total_len = 40, .ttl = 1, .proto = TK_IPPROTO_TCP};
    qi.src = TKH_LOCAL_ADDR;
    qi.dst = TKH_REMOTE_ADDR;
    assert_int_equal(tk_wire_ipv4_emit(&qi, quote, 20), 20);
    uint8_t tcp8[8] = {(uint8_t)(h->lport >> 8), (uint8_t)h->lport,    (uint8_t)(h->rport >> 8),
                       (uint8_t)h->rport,        (uint8_t)(seq >> 24), (uint8_t)(seq >> 16),
                       (uint8_t)(seq >> 8),      (uint8_t)seq};
    memcpy(quote + 20, tcp8, 8);
    tk_eth_hdr eh = {.src = {2, 0x44, 0x44, 0x44, 0x44, 0x44}, .type = TK_ETHERTYPE_IPV4};
    memcpy(eh.dst, h->cfg.mac, 6);
    assert_int_equal(tk_wire_eth_emit(&eh, f, 14), 14);
    tk_icmp_hdr ic = {.type = 3, .code = 3, .data = quote, .data_len = 28};
    int n = tk_wire_icmp_emit(&ic, f + 34, sizeof(f) - 34);
    assert_true(n > 0);
    tk_ipv4_hdr ih = {.total_len = (uint16_t)(20 + n), .ttl = 64, .proto = TK_IPPROTO_ICMP};
    ih.src = 0xc6120063u;
    ih.dst = TKH_LOCAL_ADDR;
    assert_int_equal(tk_wire_ipv4_emit(&ih, f + 14, 20), 20);
    return tk_stack_input(h->s, f, (size_t)(34 + n), h->now);
}

/* An ICMP error quoting a plain segment is not about a connection inside
 * UDP: the hard error that would fail a plain connect() is ignored. */
static void test_encap_icmp_plain_quote_ignored(void **state) {
    (void)state;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.udp_tunnel_port = TUNNEL;
    tkh h;
    tkh_init_fixed(&h, &cfg, ISS);
    int sd = tk_socket(h.s);
    assert_int_equal(set_encap(h.s, sd, 5555), 0);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, h.rport);
    assert_int_equal(tk_connect(h.s, sd, &r), -EINPROGRESS);
    tkh_poll(&h);
    tkh_seg g;
    tkh_wire w;
    TKH_EXPECT_WIRE(&h, &g, &w, TK_TCP_SYN, ISS, 0, 0, TUNNEL, 5555);
    h.lport = g.sport;
    assert_int_equal(inject_icmp_unreach(&h, ISS), 0);
    assert_int_equal(tk_stack_stats(h.s)->icmp_errors_ignored, 1);
    assert_int_equal(tk_stack_stats(h.s)->icmp_hard_errors, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_SENT), 1);
    tkh_fini(&h);
}

/* Counts frames that are not UDP (none may be). */
static bool only_udp(void *ctx, int from, const uint8_t *frame, size_t len, tk_time now) {
    (void)from;
    (void)now;
    if (len >= TK_ETH_HLEN + TK_IPV4_HLEN && frame[12] == 0x08 && frame[13] == 0x00 &&
        frame[TK_ETH_HLEN + 9] != TK_IPPROTO_UDP)
        (*(int *)ctx)++;
    return true;
}

static void fill(uint8_t *buf, size_t n) {
    for (size_t i = 0; i < n; i++)
        buf[i] = (uint8_t)(i * 13u ^ (i >> 9));
}

/* Sends n bytes from one side to the other, reading as they arrive. */
static void transfer(tkp *p, int from, int fsd, int tsd, size_t n) {
    static uint8_t out[200000], in[200000];
    assert_true(n <= sizeof(out));
    fill(out, n);
    size_t sent = 0, got = 0;
    for (int round = 0; round < 400000 && got < n; round++) {
        if (sent < n) {
            long k = tk_send(p->st[from], fsd, out + sent, n - sent);
            if (k > 0)
                sent += (size_t)k;
        }
        tkp_run_until(p, p->now + TK_MS(1));
        long r;
        while ((r = tk_recv(p->st[1 - from], tsd, in + got, n - got)) > 0)
            got += (size_t)r;
    }
    assert_int_equal(got, n);
    assert_memory_equal(in, out, n);
}

/* Two tcpkit stacks, each with its own tunnel port: A connects inside UDP
 * to B's tunnel port; B's connection answers to A's. Data crosses both ways
 * through loss, duplication and corruption with nothing but UDP on the
 * link; corrupted datagrams die on the UDP checksum. */
static void test_encap_pair_transfer(void **state) {
    (void)state;
    tk_config a, b;
    tkh_config(&a);
    tkh_config(&b);
    a.udp_tunnel_port = 9811;
    b.udp_tunnel_port = 9899;
    tkp p;
    tkp_init(&p, &a, &b, TK_MS(2));
    int plain = 0;
    p.filter = only_udp;
    p.filter_ctx = &plain;
    p.loss_ppm = 10000;
    p.dup_ppm = 5000;
    p.corrupt_ppm = 5000;
    int ls = tk_socket(p.st[1]);
    tk_sockaddr any = tk_sockaddr_in4(0, 80);
    assert_int_equal(tk_bind(p.st[1], ls, &any), 0);
    assert_int_equal(tk_listen(p.st[1], ls, 4), 0);
    int cs = tk_socket(p.st[0]);
    assert_int_equal(set_encap(p.st[0], cs, 9899), 0);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, 80);
    assert_int_equal(tk_connect(p.st[0], cs, &r), -EINPROGRESS);
    int ss = -EAGAIN;
    for (int i = 0; i < 12000 && ss < 0; i++) {
        tkp_run_until(&p, p.now + TK_MS(10));
        ss = tk_accept(p.st[1], ls, NULL);
    }
    assert_true(ss >= 0);
    transfer(&p, 0, cs, ss, 200000);
    transfer(&p, 1, ss, cs, 100001);
    assert_int_equal(plain, 0);
    tk_conn_info ci[4];
    assert_int_equal(tk_stack_conn_table(p.st[1], ci, 4), 2);
    assert_int_equal(ci[1].encap_port, 9811);
    assert_int_equal(ci[1].mss, 1452);
    const tk_stats *sa = tk_stack_stats(p.st[0]), *sb = tk_stack_stats(p.st[1]);
    assert_true(sa->encap_segs_out > 100 && sb->encap_segs_out > 100);
    assert_true(sa->retransmits + sb->retransmits > 0);
    assert_true(sa->drop_udp_bad_csum + sb->drop_udp_bad_csum > 0);
    assert_int_equal(sa->drop_encap_mismatch + sb->drop_encap_mismatch, 0);
    tkp_fini(&p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encap_option_rules),
        cmocka_unit_test(test_encap_tunnel_off_under_connection),
        cmocka_unit_test(test_encap_icmp_plain_quote_ignored),
        cmocka_unit_test(test_encap_pair_transfer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
