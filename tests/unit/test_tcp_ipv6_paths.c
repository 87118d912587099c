/* TCP over IPv6 on its less travelled paths (SPEC NET-4, NET-5, SEC-2): a
 * SYN cookie handshake, a syncache SYN-ACK retransmission, an ICMPv6 Packet
 * Too Big lowering the MSS and resending, hard and soft ICMPv6 errors, and
 * the pseudo-header sum and address folds those rest on. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_harness.h"
#include "tcp/addr6.h"
#include "tcpkit/socket.h"
#include "tcpkit/tcp_info.h"
#include "tcpkit/wire/checksum.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/icmp.h"
#include "tcpkit/wire/icmp6.h"
#include "tcpkit/wire/ipv6.h"
#include "tcpkit/wire/tcp.h"

#define A 0
#define B 1

static const uint8_t addr_a[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t addr_b[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

/* What the filter does: drops the first SYN-ACK, or keeps (and drops) the
 * first data segment above 1280 bytes from A. */
typedef struct ctl {
    bool drop_synack, keep_big, keep_syn;
    int synacks;
    uint8_t syn[200];
    size_t syn_len;
    int big_dropped;
    uint8_t kept[1600];
    size_t kept_len;
} ctl;

static bool filter(void *cx, int from, const uint8_t *f, size_t len, tk_time now) {
    (void)now;
    ctl *c = cx;
    if (len < TK_ETH_HLEN + 40 + 20 || f[12] != 0x86 || f[13] != 0xdd || f[TK_ETH_HLEN + 6] != 6)
        return true;
    uint8_t fl = f[TK_ETH_HLEN + 40 + 13];
    if (from == B && (fl & (TK_TCP_SYN | TK_TCP_ACK)) == (TK_TCP_SYN | TK_TCP_ACK)) {
        c->synacks++;
        if (c->drop_synack && c->synacks == 1)
            return false;
    }
    if (from == A && c->keep_syn && (fl & (TK_TCP_SYN | TK_TCP_ACK)) == TK_TCP_SYN &&
        c->syn_len == 0 && len <= sizeof c->syn) {
        memcpy(c->syn, f, len);
        c->syn_len = len;
        return false;
    }
    if (from == A && c->keep_big && len - TK_ETH_HLEN > 1280) {
        if (c->kept_len == 0) { /* the path drops all that does not fit; the first is kept */
            memcpy(c->kept, f, len);
            c->kept_len = len;
        }
        c->big_dropped++;
        return false;
    }
    return true;
}

/* Loss detection without RACK (as with --host freebsd): only the path MTU
 * code can bring back what the path dropped before the timeout. */
static bool no_rack;

static void pair6(tkp *p, ctl *c, uint32_t syn_backlog) {
    tk_config cf[2];
    for (int i = 0; i < 2; i++) {
        tkh_config(&cf[i]);
        cf[i].ipv6 = true;
        cf[i].dad_transmits = 0;
        memcpy(cf[i].addr6, i == A ? addr_a : addr_b, 16);
    }
    if (syn_backlog)
        cf[B].max_syn_backlog = syn_backlog;
    cf[A].rack = !no_rack;
    tkp_init(p, &cf[A], &cf[B], TK_MS(1));
    memset(c, 0, sizeof(*c));
    p->filter = filter;
    p->filter_ctx = c;
    tkp_run_until(p, p->now + TK_MS(10));
}

static int listener(tkp *p, uint16_t port) {
    int ls = tk_socket(p->st[B]);
    tk_sockaddr a = tk_sockaddr_in6(addr_b, port, 0);
    assert_int_equal(tk_bind(p->st[B], ls, &a), 0);
    assert_int_equal(tk_listen(p->st[B], ls, 16), 0);
    return ls;
}

static int connect6(tkp *p, uint16_t port) {
    int cs = tk_socket(p->st[A]);
    tk_sockaddr to = tk_sockaddr_in6(addr_b, port, 0);
    assert_int_equal(tk_connect(p->st[A], cs, &to), -EINPROGRESS);
    return cs;
}

/* SEC-2 over IPv6: with a syncache of 2, the third simultaneous SYN is
 * answered with a cookie; its ACK (with the full 128-bit addresses)
 * rebuilds the connection, which carries data. */
static void test_NET_04_SEC_02_syn_cookie_over_ipv6(void **state) {
    (void)state;
    tkp p;
    ctl c;
    pair6(&p, &c, 2);
    int ls = listener(&p, 80);
    int cs[3];
    for (int i = 0; i < 3; i++)
        cs[i] = connect6(&p, 80);
    tkp_run_until(&p, p.now + TK_MS(50));
    const tk_stats *st = tk_stack_stats(p.st[B]);
    assert_int_equal(st->syncookies_sent, 1);
    assert_int_equal(st->syncookies_accepted, 1);
    int got = 0;
    for (int i = 0; i < 3; i++) {
        tk_sockaddr peer;
        int ss = tk_accept(p.st[B], ls, &peer);
        assert_true(ss >= 0);
        assert_int_equal(peer.family, TK_AF_INET6);
        assert_memory_equal(peer.addr6, addr_a, 16);
        got++;
    }
    assert_int_equal(got, 3);
    for (int i = 0; i < 3; i++)
        assert_int_equal(tk_send(p.st[A], cs[i], "abc", 3), 3);
    tkp_run_until(&p, p.now + TK_MS(100));
    assert_int_equal(tk_stack_stats(p.st[B])->drop_tcp_bad_csum, 0);
    tkp_fini(&p);
}

/* The syncache resends a lost SYN-ACK to the IPv6 peer it kept aside. */
static void test_NET_04_synack_retransmitted_over_ipv6(void **state) {
    (void)state;
    tkp p;
    ctl c;
    pair6(&p, &c, 0);
    c.drop_synack = true;
    int ls = listener(&p, 80);
    int cs = connect6(&p, 80);
    tkp_run_until(&p, p.now + TK_SEC(5));
    assert_int_equal(c.synacks, 2);
    assert_int_equal(tk_stack_stats(p.st[B])->retransmits, 1);
    assert_true(tk_accept(p.st[B], ls, NULL) >= 0);
    assert_int_equal(tk_poll_events(p.st[A], cs) & TK_POLLOUT, TK_POLLOUT);
    tkp_fini(&p);
}

/* An ICMPv6 Packet Too Big (type 2) from addr_b about packet pkt (plen
 * bytes, an IPv6 packet) to A, as a frame. */
static size_t ptb_frame(uint8_t *out, const uint8_t *pkt, size_t plen, uint32_t mtu) {
    const uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 0x01}, mac_b[6] = {0x02, 0, 0, 0, 0, 0x02};
    memcpy(out, mac_a, 6);
    memcpy(out + 6, mac_b, 6);
    out[12] = 0x86;
    out[13] = 0xdd;
    tk_icmp_hdr h = {.type = TK_ICMP6_PKT_TOO_BIG,
                     .code = 0,
                     .rest = mtu,
                     .data = pkt,
                     .data_len = plen > 1232 ? 1232 : plen};
    int n = tk_wire_icmp6_emit(&h, addr_b, addr_a, out + TK_ETH_HLEN + 40, 1600);
    assert_true(n > 0);
    tk_ipv6_hdr ih = {.payload_len = (uint16_t)n, .next = 58, .hop_limit = 64};
    memcpy(ih.src, addr_b, 16);
    memcpy(ih.dst, addr_a, 16);
    assert_int_equal(tk_wire_ipv6_emit(&ih, out + TK_ETH_HLEN, 40), 40);
    return TK_ETH_HLEN + 40 + (size_t)n;
}

/* NET-5 (RFC 8201): a Packet Too Big for 1280 quoting a full-size segment
 * in flight lowers the MSS to 1220 and resends at once; one below 1280 is
 * taken as 1280; a quote of data not in flight is ignored. Everything the
 * path dropped goes again at the new size as the window allows, not one
 * segment now and the rest at the retransmission timeout (FreeBSD's
 * tcp_mtudisc: SND.NXT back to SND.UNA). */
static void test_NET_05_packet_too_big_lowers_mss(void **state) {
    (void)state;
    tkp p;
    ctl c;
    no_rack = true;
    pair6(&p, &c, 0);
    no_rack = false;
    int ls = listener(&p, 80);
    int cs = connect6(&p, 80);
    tkp_run_until(&p, p.now + TK_MS(20));
    int ss = tk_accept(p.st[B], ls, NULL);
    assert_true(ss >= 0);
    tk_tcp_info ti;
    assert_int_equal(tk_tcp_info_get(p.st[A], cs, &ti), 0);
    assert_int_equal(ti.tcpi_snd_mss, 1440);
    c.keep_big = true;
    /* Two full segments and nothing after them: no later data whose
     * duplicate ACKs could bring the second back before a timeout. */
    static uint8_t data[2 * 1428];
    assert_int_equal(tk_send(p.st[A], cs, data, sizeof data), (long)sizeof data);
    tkp_run_until(&p, p.now + TK_MS(1));
    assert_true(c.kept_len > 0);
    uint8_t f[1600];
    size_t n = ptb_frame(f, c.kept + TK_ETH_HLEN, c.kept_len - TK_ETH_HLEN, 1000);
    uint64_t segs = tk_stack_stats(p.st[A])->segs_out;
    assert_int_equal(tk_stack_input(p.st[A], f, n, p.now), 0);
    assert_int_equal(tk_stack_stats(p.st[A])->pmtu_lowered, 1);
    assert_int_equal(tk_stack_stats(p.st[A])->pmtu_clamped, 1); /* 1000 -> 1280 */
    assert_int_equal(tk_tcp_info_get(p.st[A], cs, &ti), 0);
    assert_int_equal(ti.tcpi_snd_mss, 1220);
    assert_true(tk_stack_stats(p.st[A])->segs_out > segs); /* resent at once */
    assert_true(c.big_dropped > 1);
    static uint8_t in[sizeof data];
    size_t got = 0;
    tk_time sent_at = p.now;
    for (int i = 0; i < 2000 && got < sizeof in; i++) {
        tkp_run_until(&p, p.now + TK_MS(2));
        long r = tk_recv(p.st[B], ss, in + got, sizeof in - got);
        if (r > 0)
            got += (size_t)r;
    }
    assert_int_equal(got, sizeof in);
    assert_int_equal(tk_stack_stats(p.st[A])->rto_timeouts, 0);
    assert_true(p.now - sent_at < TK_MS(100)); /* a few RTTs of 2 ms, not an RTO */
    c.keep_big = false;
    /* The same error again: the quoted data is acknowledged now. */
    assert_int_equal(tk_stack_input(p.st[A], f, n, p.now), 0);
    assert_int_equal(tk_stack_stats(p.st[A])->pmtu_lowered, 1);
    tkp_fini(&p);
}

/* RFC 8200 8.1: the pseudo-header sum the IPv4 routines take stands for
 * IPv6's: a segment checksummed through it verifies against a direct sum
 * over the 40-byte pseudo-header. */
static void test_NET_04_pseudo_header_sum(void **state) {
    (void)state;
    uint8_t src[16], dst[16];
    for (int i = 0; i < 16; i++) {
        src[i] = (uint8_t)(0xf0 + i * 7);
        dst[i] = (uint8_t)(0x0f ^ (i * 29));
    }
    tk_tcp_hdr h;
    memset(&h, 0, sizeof h);
    h.sport = 443;
    h.dport = 50000;
    h.seq = 0x01020304;
    h.flags = TK_TCP_ACK;
    h.win = 1000;
    uint8_t payload[33], seg[80];
    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = (uint8_t)(i * 31);
    uint32_t ps, pd;
    tk_addr6_pseudo(src, dst, &ps, &pd);
    int n = tk_wire_tcp_emit(&h, payload, sizeof payload, ps, pd, seg, sizeof seg);
    assert_int_equal(n, 20 + 33);
    /* Direct: src, dst, 32-bit length, three zero bytes and next header 6. */
    uint8_t ph[40 + 80];
    memcpy(ph, src, 16);
    memcpy(ph + 16, dst, 16);
    memset(ph + 32, 0, 8);
    ph[34] = (uint8_t)(n >> 8);
    ph[35] = (uint8_t)n;
    ph[39] = 6;
    memcpy(ph + 40, seg, (size_t)n);
    assert_int_equal(tk_csum_finish(tk_csum_add(0, ph, 40 + (size_t)n)), 0);
    tk_tcp_hdr back;
    assert_int_equal(tk_wire_tcp_parse(seg, (size_t)n, ps, pd, true, &back), 20);
    seg[25] ^= 1;
    assert_true(tk_wire_tcp_parse(seg, (size_t)n, ps, pd, true, &back) < 0);
}

/* An ICMPv6 error from addr_b quoting packet pkt, as a frame. */
static size_t error_frame(uint8_t *out, uint8_t type, uint8_t code, const uint8_t *pkt,
                          size_t plen) {
    size_t n = ptb_frame(out, pkt, plen, 0);
    tk_icmp_hdr h = {.type = type, .code = code, .rest = 0, .data = pkt, .data_len = plen};
    int m = tk_wire_icmp6_emit(&h, addr_b, addr_a, out + TK_ETH_HLEN + 40, 1600);
    assert_int_equal((size_t)m + TK_ETH_HLEN + 40, n);
    return n;
}

/* RFC 4443 3.1 / RFC 5927: a soft error (no route) on a connection in
 * SYN_SENT is remembered; a quote with another port is ignored; a hard one
 * (port unreachable) fails the connect() with ECONNREFUSED. */
static void test_NET_04_icmp6_errors_reach_tcp(void **state) {
    (void)state;
    tkp p;
    ctl c;
    pair6(&p, &c, 0);
    c.keep_syn = true; /* the SYN is kept, never delivered */
    int cs = connect6(&p, 7777);
    tkp_run_until(&p, p.now + TK_MS(10)); /* neighbour discovery, then the SYN */
    assert_true(c.syn_len > 0);
    const uint8_t *syn = c.syn + TK_ETH_HLEN;
    size_t slen = c.syn_len - TK_ETH_HLEN;
    uint8_t f[1600];
    size_t n = error_frame(f, TK_ICMP6_DEST_UNREACH, TK_ICMP6_NO_ROUTE, syn, slen);
    assert_int_equal(tk_stack_input(p.st[A], f, n, p.now), 0);
    assert_int_equal(tk_stack_stats(p.st[A])->icmp_hard_errors, 0);
    assert_int_equal(tk_stack_stats(p.st[A])->icmp_errors_ignored, 0);
    uint8_t other[128];
    memcpy(other, syn, slen);
    other[40 + 1] ^= 1; /* another source port */
    n = error_frame(f, TK_ICMP6_DEST_UNREACH, TK_ICMP6_PORT_UNREACH, other, slen);
    assert_int_equal(tk_stack_input(p.st[A], f, n, p.now), 0);
    assert_int_equal(tk_stack_stats(p.st[A])->icmp_errors_ignored, 1);
    assert_int_equal(tk_poll_events(p.st[A], cs) & TK_POLLERR, 0);
    n = error_frame(f, TK_ICMP6_DEST_UNREACH, TK_ICMP6_PORT_UNREACH, syn, slen);
    assert_int_equal(tk_stack_input(p.st[A], f, n, p.now), 0);
    assert_int_equal(tk_stack_stats(p.st[A])->icmp_hard_errors, 1);
    char b;
    assert_int_equal(tk_recv(p.st[A], cs, &b, 1), -ECONNREFUSED);
    tkp_fini(&p);
}

/* Counts A's frames over IPv6 by next header (TCP 6, UDP 17). */
typedef struct by_proto {
    int tcp, udp;
} by_proto;

static bool count_proto(void *cx, int from, const uint8_t *f, size_t len, tk_time now) {
    (void)now;
    by_proto *b = cx;
    if (from == A && len > TK_ETH_HLEN + 40 && f[12] == 0x86 && f[13] == 0xdd) {
        b->tcp += f[TK_ETH_HLEN + 6] == 6;
        b->udp += f[TK_ETH_HLEN + 6] == 17;
    }
    return true;
}

/* TCP over UDP (RFC 8260 style, docs/udp-encapsulation.md) over IPv6: a
 * connection with TCP_REMOTE_UDP_ENCAPS_PORT set runs every segment inside
 * UDP from the tunnel port, with UDP checksums over IPv6's pseudo-header
 * (never zero, RFC 8200 8.1); the data arrives intact. */
static void test_NET_04_tcp_over_udp_over_ipv6(void **state) {
    (void)state;
    tk_config cf[2];
    for (int i = 0; i < 2; i++) {
        tkh_config(&cf[i]);
        cf[i].ipv6 = true;
        cf[i].dad_transmits = 0;
        cf[i].udp_tunnel_port = 9811;
        memcpy(cf[i].addr6, i == A ? addr_a : addr_b, 16);
    }
    tkp p;
    tkp_init(&p, &cf[A], &cf[B], TK_MS(1));
    by_proto bp = {0, 0};
    p.filter = count_proto;
    p.filter_ctx = &bp;
    int ls = listener(&p, 80);
    int cs = tk_socket(p.st[A]);
    int port = 9811;
    assert_int_equal(tk_setsockopt(p.st[A], cs, TK_IPPROTO_TCP_LEVEL, TK_TCP_REMOTE_UDP_ENCAPS_PORT,
                                   &port, sizeof port),
                     0);
    tk_sockaddr to = tk_sockaddr_in6(addr_b, 80, 0);
    assert_int_equal(tk_connect(p.st[A], cs, &to), -EINPROGRESS);
    tkp_run_until(&p, p.now + TK_MS(30));
    int ss = tk_accept(p.st[B], ls, NULL);
    assert_true(ss >= 0);
    static uint8_t out[6000], in[6000];
    for (size_t i = 0; i < sizeof out; i++)
        out[i] = (uint8_t)(i * 7);
    assert_int_equal(tk_send(p.st[A], cs, out, sizeof out), (long)sizeof out);
    size_t got = 0;
    for (int i = 0; i < 200 && got < sizeof in; i++) {
        tkp_run_until(&p, p.now + TK_MS(2));
        long r = tk_recv(p.st[B], ss, in + got, sizeof in - got);
        if (r > 0)
            got += (size_t)r;
    }
    assert_int_equal(got, sizeof in);
    assert_memory_equal(in, out, sizeof in);
    assert_int_equal(bp.tcp, 0);
    assert_true(bp.udp >= 5);
    assert_true(tk_stack_stats(p.st[B])->encap_segs_in >= 5);
    assert_int_equal(tk_stack_stats(p.st[B])->drop_udp_bad_csum, 0);
    tk_tcp_info ti;
    assert_int_equal(tk_tcp_info_get(p.st[A], cs, &ti), 0);
    assert_true(ti.tcpi_snd_mss <= 1440 - 8); /* MTU - 60 less the tunnel's overhead */
    tkp_fini(&p);
}

/* A SYN to addr_b:80 from src (port sport) as a frame for B. */
static size_t syn6_frame(uint8_t *out, const uint8_t src[16], uint16_t sport) {
    const uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 0x01}, mac_b[6] = {0x02, 0, 0, 0, 0, 0x02};
    memcpy(out, mac_b, 6);
    memcpy(out + 6, mac_a, 6);
    out[12] = 0x86;
    out[13] = 0xdd;
    tk_tcp_hdr h;
    memset(&h, 0, sizeof h);
    h.sport = sport;
    h.dport = 80;
    h.seq = 1000;
    h.flags = TK_TCP_SYN;
    h.win = 65535;
    uint32_t ps, pd;
    tk_addr6_pseudo(src, addr_b, &ps, &pd);
    int n = tk_wire_tcp_emit(&h, NULL, 0, ps, pd, out + TK_ETH_HLEN + 40, 100);
    assert_true(n > 0);
    tk_ipv6_hdr ih = {.payload_len = (uint16_t)n, .next = 6, .hop_limit = 64};
    memcpy(ih.src, src, 16);
    memcpy(ih.dst, addr_b, 16);
    assert_int_equal(tk_wire_ipv6_emit(&ih, out + TK_ETH_HLEN, 40), 40);
    return TK_ETH_HLEN + 40 + (size_t)n;
}

/* SEC-13 over IPv6: the per-source SYN limit counts a /64, one host's
 * prefix, so new interface identifiers from the same /64 share its budget;
 * another /64 has its own. */
static void test_NET_04_SEC_13_syn_rate_per_prefix64(void **state) {
    (void)state;
    tk_config cf[2];
    for (int i = 0; i < 2; i++) {
        tkh_config(&cf[i]);
        cf[i].ipv6 = true;
        cf[i].dad_transmits = 0;
        memcpy(cf[i].addr6, i == A ? addr_a : addr_b, 16);
    }
    cf[B].syn_rate_limit = 2;
    tkp p;
    tkp_init(&p, &cf[A], &cf[B], TK_MS(1));
    (void)listener(&p, 80);
    uint8_t src[16], f[200];
    memcpy(src, addr_a, 16);
    for (int i = 0; i < 3; i++) { /* 2001:2::10, ::11, ::12: one /64 */
        src[15] = (uint8_t)(0x10 + i);
        assert_int_equal(
            tk_stack_input(p.st[B], f, syn6_frame(f, src, (uint16_t)(40000 + i)), p.now), 0);
    }
    assert_int_equal(tk_stack_stats(p.st[B])->drop_syn_rate_limited, 1);
    src[7] = 1; /* 2001:2:0:1::12: another /64 */
    assert_int_equal(tk_stack_input(p.st[B], f, syn6_frame(f, src, 40010), p.now), 0);
    assert_int_equal(tk_stack_stats(p.st[B])->drop_syn_rate_limited, 1);
    assert_int_equal(tk_stack_stats(p.st[B])->syncache_added, 3);
    tkp_fini(&p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_NET_04_SEC_02_syn_cookie_over_ipv6),
        cmocka_unit_test(test_NET_04_synack_retransmitted_over_ipv6),
        cmocka_unit_test(test_NET_05_packet_too_big_lowers_mss),
        cmocka_unit_test(test_NET_04_pseudo_header_sum),
        cmocka_unit_test(test_NET_04_icmp6_errors_reach_tcp),
        cmocka_unit_test(test_NET_04_tcp_over_udp_over_ipv6),
        cmocka_unit_test(test_NET_04_SEC_13_syn_rate_per_prefix64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
