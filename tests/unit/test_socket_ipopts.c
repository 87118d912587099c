/* IP_TTL and IP_TOS (API-1): per-socket TTL and TOS bytes of the IPv4
 * headers a connection sends, their defaults, inheritance by accept and the
 * range checks. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_conn.h"
#include "support/tk_harness.h"
#include "tcpkit/wire/eth.h"

#define ISS 0xfffffff0u
#define IRS 0x00001000u

/* The TTL and TOS of the next captured frame (an IPv4 packet). */
static void peek_ip(const tkh *h, uint8_t *ttl, uint8_t *tos) {
    assert_true(h->head < h->nframes);
    const tkh_frame *f = &h->frames[h->head];
    assert_true(f->len >= TK_ETH_HLEN + 20u);
    assert_int_equal(f->buf[12], 0x08);
    assert_int_equal(f->buf[13], 0x00);
    *tos = f->buf[TK_ETH_HLEN + 1];
    *ttl = f->buf[TK_ETH_HLEN + 8];
}

/* Pops the next segment, asserting its flags, TTL and TOS. */
static void expect_ip(tkh *h, uint8_t flags, uint8_t ttl, uint8_t tos) {
    uint8_t got_ttl, got_tos;
    peek_ip(h, &got_ttl, &got_tos);
    tkh_seg g;
    assert_true(tkh_next(h, &g));
    assert_int_equal(g.flags, flags);
    assert_int_equal(got_ttl, ttl);
    assert_int_equal(got_tos, tos);
}

static int set_ip(tkh *h, int sd, int name, int v) {
    return tk_setsockopt(h->s, sd, TK_IPPROTO_IP_LEVEL, name, &v, sizeof(v));
}

static int get_ip(tkh *h, int sd, int name) {
    int v = -1;
    size_t len = sizeof(v);
    assert_int_equal(tk_getsockopt(h->s, sd, TK_IPPROTO_IP_LEVEL, name, &v, &len), 0);
    assert_int_equal(len, sizeof(int));
    return v;
}

/* API-1: a new socket reports TTL 64 and TOS 0, and its SYN carries them. */
static void test_API_1_ip_defaults(void **state) {
    (void)state;
    tkh h;
    tkh_init_fixed(&h, NULL, ISS);
    int sd = tk_socket(h.s);
    assert_int_equal(get_ip(&h, sd, TK_IP_TTL), 64);
    assert_int_equal(get_ip(&h, sd, TK_IP_TOS), 0);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, 80);
    assert_int_equal(tk_connect(h.s, sd, &r), -EINPROGRESS);
    tkh_poll(&h);
    expect_ip(&h, TK_TCP_SYN, 64, 0);
    tkh_fini(&h);
}

/* API-1: values set before connect() are on the SYN and the ACK; a new TTL
 * or TOS on an open connection applies to the next segment. */
static void test_API_1_ip_ttl_tos_active(void **state) {
    (void)state;
    tkh h;
    tkh_init_fixed(&h, NULL, ISS);
    int sd = tk_socket(h.s);
    assert_int_equal(set_ip(&h, sd, TK_IP_TTL, 4), 0);
    assert_int_equal(set_ip(&h, sd, TK_IP_TOS, 0x20), 0);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, h.rport);
    assert_int_equal(tk_connect(h.s, sd, &r), -EINPROGRESS);
    tkh_poll(&h);
    uint8_t ttl, tos;
    peek_ip(&h, &ttl, &tos);
    assert_int_equal(ttl, 4);
    assert_int_equal(tos, 0x20);
    tkh_seg g;
    assert_true(tkh_next(&h, &g));
    assert_int_equal(g.flags, TK_TCP_SYN);
    assert_int_equal(tkh_inject_ports(&h, h.rport, g.sport, TK_TCP_SYN | TK_TCP_ACK, IRS, ISS + 1,
                                      65535, NULL, NULL, 0),
                     0);
    expect_ip(&h, TK_TCP_ACK, 4, 0x20);
    assert_int_equal(set_ip(&h, sd, TK_IP_TTL, 6), 0);
    assert_int_equal(set_ip(&h, sd, TK_IP_TOS, 0xe0), 0);
    assert_int_equal(tk_send(h.s, sd, "x", 1), 1);
    tkh_poll(&h);
    expect_ip(&h, TK_TCP_ACK | TK_TCP_PSH, 6, 0xe0);
    assert_int_equal(get_ip(&h, sd, TK_IP_TTL), 6);
    assert_int_equal(get_ip(&h, sd, TK_IP_TOS), 0xe0);
    tkh_fini(&h);
}

/* API-1: a listener's TTL and TOS are on its SYN-ACK and pass to the
 * accepted connection. */
static void test_API_1_ip_inherited_by_accept(void **state) {
    (void)state;
    tkh h;
    tkh_init_fixed(&h, NULL, ISS);
    int ls = tkh_listen_at(&h, h.lport, 4);
    assert_int_equal(set_ip(&h, ls, TK_IP_TTL, 7), 0);
    assert_int_equal(set_ip(&h, ls, TK_IP_TOS, 0xb8), 0);
    assert_int_equal(tkh_inject(&h, TK_TCP_SYN, IRS, 0, 65535, NULL, NULL, 0), 0);
    expect_ip(&h, TK_TCP_SYN | TK_TCP_ACK, 7, 0xb8);
    assert_int_equal(tkh_inject(&h, TK_TCP_ACK, IRS + 1, ISS + 1, 65535, NULL, NULL, 0), 0);
    int sd = tk_accept(h.s, ls, NULL);
    assert_true(sd >= 0);
    assert_int_equal(get_ip(&h, sd, TK_IP_TTL), 7);
    assert_int_equal(get_ip(&h, sd, TK_IP_TOS), 0xb8);
    assert_int_equal(tk_send(h.s, sd, "ab", 2), 2);
    tkh_poll(&h);
    expect_ip(&h, TK_TCP_ACK | TK_TCP_PSH, 7, 0xb8);
    tkh_fini(&h);
}

/* API-1: TTL outside 1..255 and TOS outside 0..255 are -EINVAL and change
 * nothing; a short value is -EINVAL; an unknown IP-level name -ENOPROTOOPT. */
static void test_API_1_ip_set_errors(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    int sd = tk_socket(h.s);
    assert_int_equal(set_ip(&h, sd, TK_IP_TTL, 0), -EINVAL);
    assert_int_equal(set_ip(&h, sd, TK_IP_TTL, 256), -EINVAL);
    assert_int_equal(set_ip(&h, sd, TK_IP_TTL, -1), -EINVAL);
    assert_int_equal(set_ip(&h, sd, TK_IP_TOS, -1), -EINVAL);
    assert_int_equal(set_ip(&h, sd, TK_IP_TOS, 256), -EINVAL);
    assert_int_equal(get_ip(&h, sd, TK_IP_TTL), 64);
    assert_int_equal(get_ip(&h, sd, TK_IP_TOS), 0);
    assert_int_equal(set_ip(&h, sd, TK_IP_TTL, 255), 0);
    assert_int_equal(set_ip(&h, sd, TK_IP_TTL, 1), 0);
    assert_int_equal(set_ip(&h, sd, TK_IP_TOS, 255), 0);
    assert_int_equal(get_ip(&h, sd, TK_IP_TTL), 1);
    assert_int_equal(get_ip(&h, sd, TK_IP_TOS), 255);
    uint8_t small = 9;
    assert_int_equal(tk_setsockopt(h.s, sd, TK_IPPROTO_IP_LEVEL, TK_IP_TTL, &small, 1), -EINVAL);
    assert_int_equal(set_ip(&h, sd, TK_TCP_NODELAY, 1), -ENOPROTOOPT);
    int v;
    size_t len = sizeof(v);
    assert_int_equal(tk_getsockopt(h.s, sd, TK_IPPROTO_IP_LEVEL, TK_SO_KEEPALIVE, &v, &len),
                     -ENOPROTOOPT);
    tkh_fini(&h);
}

/* API-1: a RST sent without a connection uses the configured TTL (ip_ttl)
 * and TOS 0, whatever the sockets set; ip_ttl 0 is not a valid config. */
static void test_API_1_ip_rst_without_tcb_uses_config(void **state) {
    (void)state;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.ip_ttl = 32;
    tkh h;
    tkh_init(&h, &cfg);
    int sd = tk_socket(h.s);
    assert_int_equal(get_ip(&h, sd, TK_IP_TTL), 32);
    assert_int_equal(set_ip(&h, sd, TK_IP_TOS, 0x20), 0);
    assert_int_equal(tkh_inject(&h, TK_TCP_SYN, IRS, 0, 65535, NULL, NULL, 0), 0);
    expect_ip(&h, TK_TCP_RST | TK_TCP_ACK, 32, 0);
    cfg.ip_ttl = 0;
    assert_int_equal(tk_stack_set_config(h.s, &cfg), -EINVAL);
    tkh_fini(&h);
    assert_int_equal(tk_stack_mem_size(&cfg), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_API_1_ip_defaults),
        cmocka_unit_test(test_API_1_ip_ttl_tos_active),
        cmocka_unit_test(test_API_1_ip_inherited_by_accept),
        cmocka_unit_test(test_API_1_ip_set_errors),
        cmocka_unit_test(test_API_1_ip_rst_without_tcb_uses_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
