/* tk_sockaddr with both families at the socket calls (SPEC NET-4): the
 * family is checked, IPv4-mapped IPv6 addresses and the IPv6 wildcard reach
 * IPv4 connections, and returned addresses carry their family. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_harness.h"

#define IRS 0x00002000u

static const uint8_t mapped_remote[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 198, 18, 0, 2};
static const uint8_t any6[16] = {0};
static const uint8_t native6[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

static void test_NET_04_sockaddr_size_and_builders(void **state) {
    (void)state;
    assert_int_equal(sizeof(tk_sockaddr), 24);
    tk_sockaddr a = tk_sockaddr_in4(0xc6120002u, 80);
    assert_int_equal(a.family, TK_AF_INET);
    assert_int_equal(a.addr, 0xc6120002u);
    assert_int_equal(a.port, 80);
    tk_sockaddr b = tk_sockaddr_in6(native6, 443, 3);
    assert_int_equal(b.family, TK_AF_INET6);
    assert_memory_equal(b.addr6, native6, 16);
    assert_int_equal(b.port, 443);
    assert_int_equal(b.scope_id, 3);
    assert_true(tk_addr6_is_v4mapped(mapped_remote));
    assert_false(tk_addr6_is_v4mapped(native6));
    assert_false(tk_addr6_is_v4mapped(any6));
}

/* A zeroed address has no family: refused, never taken as 0.0.0.0. */
static void test_NET_04_family_checked(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    int sd = tk_socket(h.s);
    tk_sockaddr none;
    memset(&none, 0, sizeof none);
    none.port = 80;
    assert_int_equal(tk_bind(h.s, sd, &none), -EAFNOSUPPORT);
    assert_int_equal(tk_connect(h.s, sd, &none), -EAFNOSUPPORT);
    none.family = 99;
    assert_int_equal(tk_bind(h.s, sd, &none), -EAFNOSUPPORT);
    /* Native IPv6 TCP is not there yet: a clear error, no SYN. */
    tk_sockaddr v6 = tk_sockaddr_in6(native6, 80, 0);
    assert_int_equal(tk_connect(h.s, sd, &v6), -EAFNOSUPPORT);
    tkh_poll(&h);
    assert_int_equal(tkh_pending(&h), 0);
    tkh_fini(&h);
}

/* connect() to ::ffff:198.18.0.2 is connect() to 198.18.0.2; the names
 * come back as TK_AF_INET. */
static void test_NET_04_v4mapped_connect(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    int sd = tk_socket(h.s);
    tk_sockaddr to = tk_sockaddr_in6(mapped_remote, h.rport, 0);
    assert_int_equal(tk_connect(h.s, sd, &to), -EINPROGRESS);
    tkh_poll(&h);
    tkh_seg g;
    assert_true(tkh_next(&h, &g));
    assert_int_equal(g.flags, TK_TCP_SYN);
    assert_int_equal(g.dport, h.rport);
    tk_sockaddr peer;
    assert_int_equal(tk_getpeername(h.s, sd, &peer), 0);
    assert_int_equal(peer.family, TK_AF_INET);
    assert_int_equal(peer.addr, TKH_REMOTE_ADDR);
    assert_int_equal(peer.port, h.rport);
    tk_sockaddr me;
    assert_int_equal(tk_getsockname(h.s, sd, &me), 0);
    assert_int_equal(me.family, TK_AF_INET);
    assert_int_equal(me.addr, TKH_LOCAL_ADDR);
    assert_int_equal(me.port, g.sport);
    tkh_fini(&h);
}

/* A listener bound to [::]:port is dual-stack: an IPv4 SYN is accepted and
 * accept() reports the peer as TK_AF_INET. */
static void test_NET_04_v6_wildcard_listener_takes_v4(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    int ls = tk_socket(h.s);
    tk_sockaddr any = tk_sockaddr_in6(any6, h.lport, 0);
    assert_int_equal(tk_bind(h.s, ls, &any), 0);
    assert_int_equal(tk_listen(h.s, ls, 4), 0);
    uint32_t iss;
    int sd = tkh_accept_conn(&h, ls, IRS, NULL, &iss);
    assert_true(sd >= 0);
    tk_sockaddr peer;
    assert_int_equal(tk_getpeername(h.s, sd, &peer), 0);
    assert_int_equal(peer.family, TK_AF_INET);
    assert_int_equal(peer.addr, TKH_REMOTE_ADDR);
    assert_int_equal(peer.port, h.rport);
    tkh_fini(&h);
}

/* accept()'s peer and the connection table carry the family. */
static void test_NET_04_accept_and_table_family(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    int ls = tkh_listen(&h);
    uint32_t iss;
    int sd = tkh_accept_conn(&h, ls, IRS, NULL, &iss);
    assert_true(sd >= 0);
    tk_conn_info ci[4];
    int n = tk_stack_conn_table(h.s, ci, 4);
    assert_true(n >= 1);
    bool seen = false;
    for (int i = 0; i < n; i++) {
        if (ci[i].sd != sd)
            continue;
        seen = true;
        assert_int_equal(ci[i].local.family, TK_AF_INET);
        assert_int_equal(ci[i].remote.family, TK_AF_INET);
        assert_int_equal(ci[i].remote.addr, TKH_REMOTE_ADDR);
    }
    assert_true(seen);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_NET_04_sockaddr_size_and_builders),
        cmocka_unit_test(test_NET_04_family_checked),
        cmocka_unit_test(test_NET_04_v4mapped_connect),
        cmocka_unit_test(test_NET_04_v6_wildcard_listener_takes_v4),
        cmocka_unit_test(test_NET_04_accept_and_table_family),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
