/* TCP over IPv6 between two stacks (SPEC NET-4): the handshake, data both
 * ways, close and a compact TIME_WAIT; the segments on the wire (MSS =
 * MTU - 60, the pseudo-header checksum); a dual-stack listener taking IPv4
 * and IPv6 at once; IPV6_V6ONLY; a closed port's RST. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_harness.h"
#include "tcp/addr6.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/ipv6.h"
#include "tcpkit/wire/tcp.h"

#define A 0
#define B 1

static const uint8_t addr_a[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t addr_b[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

/* What the filter saw: the first SYN's and SYN-ACK's MSS, TCP segments over
 * IPv6 with a good checksum, and any with a bad one. */
typedef struct wire_log {
    uint16_t syn_mss, synack_mss;
    int v6_segs, bad_csum, v4_segs;
    uint8_t hop_limit;
    uint32_t flow;
    int drop_from_a; /* TCP segments of A still to lose */
} wire_log;

static bool log_frame(void *ctx, int from, const uint8_t *f, size_t len, tk_time now) {
    (void)now;
    wire_log *w = ctx;
    if (len < TK_ETH_HLEN + 2)
        return true;
    uint16_t type = (uint16_t)(f[12] << 8 | f[13]);
    if (type == 0x0800 && f[TK_ETH_HLEN + 9] == 6)
        w->v4_segs++;
    tk_ipv6_hdr ih;
    if (type != 0x86dd || tk_wire_ipv6_parse(f + TK_ETH_HLEN, len - TK_ETH_HLEN, &ih) < 0 ||
        ih.next != 6)
        return true;
    uint32_t ps, pd;
    tk_addr6_pseudo(ih.src, ih.dst, &ps, &pd);
    tk_tcp_hdr h;
    if (tk_wire_tcp_parse(f + TK_ETH_HLEN + 40, ih.payload_len, ps, pd, true, &h) < 0) {
        w->bad_csum++;
        return true;
    }
    w->v6_segs++;
    if (from == 0 && w->drop_from_a > 0) {
        w->drop_from_a--;
        return false;
    }
    w->hop_limit = ih.hop_limit;
    w->flow = ih.flow;
    if ((h.flags & (TK_TCP_SYN | TK_TCP_ACK)) == TK_TCP_SYN && w->syn_mss == 0)
        w->syn_mss = h.opts.mss;
    if ((h.flags & (TK_TCP_SYN | TK_TCP_ACK)) == (TK_TCP_SYN | TK_TCP_ACK) && w->synack_mss == 0)
        w->synack_mss = h.opts.mss;
    return true;
}

static void pair6(tkp *p, wire_log *w) {
    tk_config c[2];
    for (int i = 0; i < 2; i++) {
        tkh_config(&c[i]);
        c[i].ipv6 = true;
        c[i].dad_transmits = 0;
        memcpy(c[i].addr6, i == A ? addr_a : addr_b, 16);
    }
    tkp_init(p, &c[A], &c[B], TK_MS(1));
    memset(w, 0, sizeof(*w));
    p->filter = log_frame;
    p->filter_ctx = w;
    tkp_run_until(p, p->now + TK_MS(10)); /* MLD and the like */
}

static int listen_on(tkp *p, const tk_sockaddr *a) {
    int ls = tk_socket(p->st[B]);
    assert_true(ls >= 0);
    assert_int_equal(tk_bind(p->st[B], ls, a), 0);
    assert_int_equal(tk_listen(p->st[B], ls, 8), 0);
    return ls;
}

static int accept_one(tkp *p, int ls, tk_sockaddr *peer) {
    int ss = -EAGAIN;
    for (int i = 0; i < 500 && ss == -EAGAIN; i++) {
        tkp_run_until(p, p->now + TK_MS(10));
        ss = tk_accept(p->st[B], ls, peer);
    }
    return ss;
}

static void fill(uint8_t *buf, size_t n, uint32_t seed) {
    for (size_t i = 0; i < n; i++)
        buf[i] = (uint8_t)((i * 13u + seed) ^ (i >> 9));
}

/* Sends n bytes from (st, from) and reads them at (rt, to), both stepping. */
static void transfer(tkp *p, int from_side, int from, int to_side, int to, size_t n) {
    static uint8_t out[200000], in[200000];
    fill(out, n, (uint32_t)n);
    size_t sent = 0, got = 0;
    for (int i = 0; i < 20000 && got < n; i++) {
        if (sent < n) {
            long k = tk_send(p->st[from_side], from, out + sent, n - sent);
            if (k > 0)
                sent += (size_t)k;
        }
        long r = tk_recv(p->st[to_side], to, in + got, n - got);
        if (r > 0)
            got += (size_t)r;
        tkp_run_until(p, p->now + TK_MS(1));
    }
    assert_int_equal(got, n);
    assert_memory_equal(in, out, n);
}

static void test_NET_04_tcp6_connection_life(void **state) {
    (void)state;
    tkp p;
    wire_log w;
    pair6(&p, &w);
    tk_sockaddr any6 = tk_sockaddr_in6((const uint8_t[16]){0}, 80, 0);
    int ls = listen_on(&p, &any6);
    int cs = tk_socket(p.st[A]);
    tk_sockaddr to = tk_sockaddr_in6(addr_b, 80, 0);
    assert_int_equal(tk_connect(p.st[A], cs, &to), -EINPROGRESS);
    tk_sockaddr peer;
    int ss = accept_one(&p, ls, &peer);
    assert_true(ss >= 0);
    assert_int_equal(peer.family, TK_AF_INET6);
    assert_memory_equal(peer.addr6, addr_a, 16);
    tk_sockaddr me, them, lname;
    assert_int_equal(tk_getsockname(p.st[A], cs, &me), 0);
    assert_int_equal(me.family, TK_AF_INET6);
    assert_memory_equal(me.addr6, addr_a, 16);
    assert_int_equal(me.port, peer.port);
    assert_int_equal(tk_getpeername(p.st[A], cs, &them), 0);
    assert_memory_equal(them.addr6, addr_b, 16);
    assert_int_equal(them.port, 80);
    assert_int_equal(tk_getsockname(p.st[B], ls, &lname), 0);
    assert_int_equal(lname.family, TK_AF_INET6); /* bound to :: */
    /* RFC 8200 5 / NET-4: MSS = 1500 - 40 - 20 on both SYNs. */
    assert_int_equal(w.syn_mss, 1440);
    assert_int_equal(w.synack_mss, 1440);
    assert_int_equal(w.hop_limit, 64);
    assert_int_not_equal(w.flow, 0); /* RFC 6437 */
    transfer(&p, A, cs, B, ss, 150000);
    transfer(&p, B, ss, A, cs, 90000);
    assert_int_equal(w.bad_csum, 0);
    assert_int_equal(w.v4_segs, 0);
    tk_conn_info ci[4];
    assert_int_equal(tk_stack_conn_table(p.st[A], ci, 4), 1);
    assert_int_equal(ci[0].local.family, TK_AF_INET6);
    assert_memory_equal(ci[0].remote.addr6, addr_b, 16);
    /* Active close: the client ends in a compact TIME_WAIT entry. */
    assert_int_equal(tk_close(p.st[A], cs), 0);
    tkp_run_until(&p, p.now + TK_MS(50));
    char buf[8];
    assert_int_equal(tk_recv(p.st[B], ss, buf, sizeof buf), 0);
    assert_int_equal(tk_close(p.st[B], ss), 0);
    tkp_run_until(&p, p.now + TK_MS(50));
    assert_int_equal(tk_stack_state_count(p.st[A], TK_TCP_TIME_WAIT), 1);
    assert_int_equal(tk_stack_stats(p.st[A])->time_wait_entered, 1);
    /* The compact entry (48 bytes: the peer's fold, our address's slot). */
    assert_int_equal(tk_stack_conn_table(p.st[A], ci, 4), 1);
    assert_int_equal(ci[0].state, TK_TCP_TIME_WAIT);
    assert_int_equal(ci[0].sd, -1);
    assert_int_equal(ci[0].local.family, TK_AF_INET6);
    assert_memory_equal(ci[0].local.addr6, addr_a, 16);
    assert_int_equal(tk_stack_state_count(p.st[B], TK_TCP_CLOSED), 0);
    tkp_run_until(&p, p.now + TK_SEC(61));
    assert_int_equal(tk_stack_state_count(p.st[A], TK_TCP_TIME_WAIT), 0);
    assert_int_equal(tk_stack_stats(p.st[A])->time_wait_expired, 1);
    tkp_fini(&p);
}

/* CM-9 over IPv6: the compact TIME_WAIT entry keeps only the peer's fold,
 * yet answers the peer's retransmitted FIN (its last ACK was lost) with an
 * ACK back to the segment's source, and the peer closes. */
static void test_NET_04_CM_09_time_wait_answers_fin(void **state) {
    (void)state;
    tkp p;
    wire_log w;
    pair6(&p, &w);
    tk_sockaddr any6 = tk_sockaddr_in6((const uint8_t[16]){0}, 80, 0);
    int ls = listen_on(&p, &any6);
    int cs = tk_socket(p.st[A]);
    tk_sockaddr to = tk_sockaddr_in6(addr_b, 80, 0);
    assert_int_equal(tk_connect(p.st[A], cs, &to), -EINPROGRESS);
    int ss = accept_one(&p, ls, NULL);
    assert_true(ss >= 0);
    assert_int_equal(tk_close(p.st[A], cs), 0);
    tkp_run_until(&p, p.now + TK_MS(50));
    w.drop_from_a = 1; /* A's ACK of B's FIN */
    assert_int_equal(tk_close(p.st[B], ss), 0);
    tkp_run_until(&p, p.now + TK_MS(50));
    assert_int_equal(w.drop_from_a, 0);
    assert_int_equal(tk_stack_state_count(p.st[A], TK_TCP_TIME_WAIT), 1);
    assert_int_equal(tk_stack_state_count(p.st[B], TK_TCP_LAST_ACK), 1);
    uint64_t a_out = tk_stack_stats(p.st[A])->segs_out;
    tkp_run_until(&p, p.now + TK_SEC(5));
    assert_true(tk_stack_stats(p.st[B])->retransmits >= 1);
    assert_int_equal(tk_stack_stats(p.st[A])->segs_out, a_out + 1); /* the entry's ACK, */
    assert_int_equal(tk_stack_stats(p.st[A])->rsts_sent, 0);        /* not a closed port's RST */
    assert_int_equal(tk_stack_stats(p.st[B])->rsts_rcvd, 0);
    assert_int_equal(tk_stack_state_count(p.st[B], TK_TCP_LAST_ACK), 0);
    assert_int_equal(tk_stack_state_count(p.st[A], TK_TCP_TIME_WAIT), 1);
    assert_int_equal(w.bad_csum, 0);
    tkp_fini(&p);
}

/* A wildcard listener takes IPv4 and IPv6 peers at once; each accepted
 * socket names its peer in its own family. */
static void test_NET_04_dual_stack_listener(void **state) {
    (void)state;
    tkp p;
    wire_log w;
    pair6(&p, &w);
    tk_sockaddr any6 = tk_sockaddr_in6((const uint8_t[16]){0}, 8080, 0);
    int ls = listen_on(&p, &any6);
    int c6 = tk_socket(p.st[A]), c4 = tk_socket(p.st[A]);
    tk_sockaddr to6 = tk_sockaddr_in6(addr_b, 8080, 0);
    tk_sockaddr to4 = tk_sockaddr_in4(TKH_REMOTE_ADDR, 8080);
    assert_int_equal(tk_connect(p.st[A], c6, &to6), -EINPROGRESS);
    assert_int_equal(tk_connect(p.st[A], c4, &to4), -EINPROGRESS);
    tk_sockaddr p1, p2;
    int s1 = accept_one(&p, ls, &p1);
    int s2 = accept_one(&p, ls, &p2);
    assert_true(s1 >= 0 && s2 >= 0);
    assert_int_equal(p1.family + p2.family, TK_AF_INET + TK_AF_INET6);
    int s6 = p1.family == TK_AF_INET6 ? s1 : s2, s4 = p1.family == TK_AF_INET6 ? s2 : s1;
    transfer(&p, A, c6, B, s6, 20000);
    transfer(&p, A, c4, B, s4, 20000);
    assert_true(w.v4_segs > 0);
    assert_true(w.v6_segs > 0);
    assert_int_equal(w.bad_csum, 0);
    tkp_fini(&p);
}

/* IPV6_V6ONLY: the wildcard refuses IPv4 (a RST), takes IPv6. */
static void test_NET_04_v6only_refuses_ipv4(void **state) {
    (void)state;
    tkp p;
    wire_log w;
    pair6(&p, &w);
    int ls = tk_socket(p.st[B]);
    int one = 1;
    assert_int_equal(
        tk_setsockopt(p.st[B], ls, TK_IPPROTO_IPV6_LEVEL, TK_IPV6_V6ONLY, &one, sizeof one), 0);
    tk_sockaddr any6 = tk_sockaddr_in6((const uint8_t[16]){0}, 81, 0);
    assert_int_equal(tk_bind(p.st[B], ls, &any6), 0);
    assert_int_equal(tk_listen(p.st[B], ls, 8), 0);
    int c4 = tk_socket(p.st[A]), c6 = tk_socket(p.st[A]);
    tk_sockaddr to4 = tk_sockaddr_in4(TKH_REMOTE_ADDR, 81);
    tk_sockaddr to6 = tk_sockaddr_in6(addr_b, 81, 0);
    assert_int_equal(tk_connect(p.st[A], c4, &to4), -EINPROGRESS);
    assert_int_equal(tk_connect(p.st[A], c6, &to6), -EINPROGRESS);
    int s = accept_one(&p, ls, NULL);
    assert_true(s >= 0);
    char b;
    assert_int_equal(tk_recv(p.st[A], c4, &b, 1), -ECONNREFUSED);
    assert_int_equal(tk_accept(p.st[B], ls, NULL), -EAGAIN);
    int v = -1;
    size_t vl = sizeof v;
    assert_int_equal(tk_getsockopt(p.st[B], ls, TK_IPPROTO_IPV6_LEVEL, TK_IPV6_V6ONLY, &v, &vl), 0);
    assert_int_equal(v, 1);
    tkp_fini(&p);
}

/* RS-1 over IPv6: a SYN to a closed port gets <RST,ACK> to its source. */
static void test_NET_04_closed_port_refuses(void **state) {
    (void)state;
    tkp p;
    wire_log w;
    pair6(&p, &w);
    int cs = tk_socket(p.st[A]);
    tk_sockaddr to6 = tk_sockaddr_in6(addr_b, 9, 0);
    assert_int_equal(tk_connect(p.st[A], cs, &to6), -EINPROGRESS);
    tkp_run_until(&p, p.now + TK_MS(20));
    char b;
    assert_int_equal(tk_recv(p.st[A], cs, &b, 1), -ECONNREFUSED);
    assert_int_equal(tk_stack_stats(p.st[B])->rsts_sent, 1);
    assert_int_equal(tk_stack_stats(p.st[B])->drop_no_socket, 1);
    assert_int_equal(w.bad_csum, 0);
    tkp_fini(&p);
}

/* Without cfg.ipv6 a native IPv6 address is refused at the call. */
static void test_NET_04_ipv6_off_refused(void **state) {
    (void)state;
    tkp p;
    tkp_init(&p, NULL, NULL, TK_MS(1));
    int cs = tk_socket(p.st[A]);
    tk_sockaddr to6 = tk_sockaddr_in6(addr_b, 80, 0);
    assert_int_equal(tk_connect(p.st[A], cs, &to6), -EAFNOSUPPORT);
    assert_int_equal(tk_bind(p.st[A], cs, &to6), -EAFNOSUPPORT);
    tkp_fini(&p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_NET_04_tcp6_connection_life),
        cmocka_unit_test(test_NET_04_CM_09_time_wait_answers_fin),
        cmocka_unit_test(test_NET_04_dual_stack_listener),
        cmocka_unit_test(test_NET_04_v6only_refuses_ipv4),
        cmocka_unit_test(test_NET_04_closed_port_refuses),
        cmocka_unit_test(test_NET_04_ipv6_off_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
