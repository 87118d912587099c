/* Router discovery and SLAAC (SPEC NET-6; RFC 4861 6.3, RFC 4862 5.5):
 * solicitations at start, the default router and its hop limit, an
 * address formed from an advertised /64 and checked by DAD, the
 * two-hour rule and the valid lifetime, and prefixes refused. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_harness.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/icmp6.h"
#include "tcpkit/wire/ipv6.h"
#include "tcpkit/wire/ndp.h"

static const uint8_t local_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t router_mac[6] = {0x02, 0, 0, 0, 0, 0x77};
static const uint8_t R[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t ALL[16] = {0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t ROUTERS[16] = {0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
static const uint8_t PFX[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 1};
static const uint8_t FAR[16] = {0x20, 0x01, 0, 2, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

/* IPv6 on, no static address; DAD of the link-local address done, the
 * first router solicitation sent (and cleared). */
static void init6(tkh *h) {
    tk_config cfg;
    tkh_config(&cfg);
    cfg.ipv6 = true;
    tkh_init(h, &cfg);
    tkh_poll(h);
    h->now += TK_SEC(1);
    tkh_poll(h);
}

static size_t frame6(uint8_t *f, const uint8_t smac[6], const uint8_t dmac[6],
                     const uint8_t src[16], const uint8_t dst[16], uint8_t hop, const uint8_t *pl,
                     size_t plen) {
    tk_eth_hdr eh = {.type = TK_ETHERTYPE_IPV6};
    memcpy(eh.dst, dmac, 6);
    memcpy(eh.src, smac, 6);
    (void)tk_wire_eth_emit(&eh, f, 14);
    tk_ipv6_hdr ih = {.payload_len = (uint16_t)plen, .next = TK_IPPROTO_ICMPV6, .hop_limit = hop};
    memcpy(ih.src, src, 16);
    memcpy(ih.dst, dst, 16);
    (void)tk_wire_ipv6_emit(&ih, f + 14, 40);
    memcpy(f + 54, pl, plen);
    return 54 + plen;
}

static tk_nd_msg ra_msg(uint16_t lifetime, uint8_t pflags, uint8_t plen, uint32_t valid,
                        uint32_t preferred) {
    tk_nd_msg m;
    memset(&m, 0, sizeof m);
    m.type = TK_ICMP6_ND_RA;
    m.cur_hop_limit = 32;
    m.router_lifetime = lifetime;
    m.has_slla = true;
    memcpy(m.slla, router_mac, 6);
    m.has_mtu = true;
    m.mtu = 1400;
    m.nprefix = 1;
    m.prefix[0] = (tk_nd_prefix){plen, pflags, valid, preferred, {0}};
    memcpy(m.prefix[0].prefix, PFX, 16);
    return m;
}

static int send_ra(tkh *h, const tk_nd_msg *m) {
    uint8_t icmp[256], f[320];
    int n = tk_wire_nd_emit(m, R, ALL, icmp, sizeof icmp);
    assert_true(n > 0);
    const uint8_t all_mac[6] = {0x33, 0x33, 0, 0, 0, 1};
    size_t len = frame6(f, router_mac, all_mac, R, ALL, 255, icmp, (size_t)n);
    return tk_stack_input(h->s, f, len, h->now);
}

/* RFC 4861 6.3.7: three solicitations to all-routers, four seconds apart,
 * from the link-local address with our MAC; then none. */
static void test_NET_06_router_solicitations(void **state) {
    (void)state;
    tkh h;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.ipv6 = true;
    tkh_init(&h, &cfg);
    tkh_poll(&h);
    tkh_clear(&h);
    h.now += TK_SEC(1);
    tk_sockaddr ll;
    for (int i = 0; i < 4; i++) {
        tkh_poll(&h);
        assert_int_equal(tk_stack_ipv6_addr(h.s, 0, &ll), 1);
        h.now += TK_SEC(4);
    }
    assert_int_equal(h.nframes, 3);
    for (int i = 0; i < 3; i++) {
        const tkh_frame *fr = &h.frames[i];
        const uint8_t mac[6] = {0x33, 0x33, 0, 0, 0, 2};
        assert_memory_equal(fr->buf, mac, 6);
        tk_ipv6_hdr ih;
        assert_int_equal(tk_wire_ipv6_parse(fr->buf + 14, fr->len - 14, &ih), 40);
        assert_memory_equal(ih.src, ll.addr6, 16);
        assert_memory_equal(ih.dst, ROUTERS, 16);
        tk_nd_msg want;
        memset(&want, 0, sizeof want);
        want.type = TK_ICMP6_ND_RS;
        want.has_slla = true;
        memcpy(want.slla, local_mac, 6);
        uint8_t exp[32];
        assert_int_equal(tk_wire_nd_emit(&want, ll.addr6, ROUTERS, exp, sizeof exp), 16);
        assert_int_equal(ih.payload_len, 16);
        assert_memory_equal(fr->buf + 54, exp, 16);
        assert_int_equal(fr->at, TK_SEC(1001) + (tk_time)i * TK_SEC(4));
    }
    assert_int_equal(tk_stack_stats(h.s)->nd_rs_sent, 3);
    tkh_fini(&h);
}

/* RFC 4862 5.5.3: an autonomous /64 gives an address (RFC 7217 identifier,
 * another than the link-local one's), tentative until DAD passed; the
 * router becomes the default: an echo request from off-link is answered
 * through it, from the SLAAC address, with the advertised hop limit. An
 * RA stops the solicitations. */
static void test_NET_06_slaac_and_default_router(void **state) {
    (void)state;
    tkh h;
    init6(&h);
    tkh_clear(&h);
    tk_nd_msg ra = ra_msg(1800, TK_ND_PREFIX_ONLINK | TK_ND_PREFIX_AUTO, 64, 86400, 14400);
    assert_int_equal(send_ra(&h, &ra), 0);
    tk_sockaddr sl, ll;
    assert_int_equal(tk_stack_ipv6_addr(h.s, 2, &sl), 0);
    assert_int_equal(tk_stack_ipv6_addr(h.s, 0, &ll), 1);
    assert_memory_equal(sl.addr6, PFX, 8);
    assert_memory_not_equal(sl.addr6 + 8, ll.addr6 + 8, 8);
    assert_int_equal(tk_stack_stats(h.s)->nd_slaac_addrs, 1);
    tkh_poll(&h); /* the MLD report for its group, then DAD's NS */
    assert_int_equal(h.nframes, 2);
    assert_int_equal(tk_stack_stats(h.s)->mld_reports_sent, 2);
    tk_ipv6_hdr ih;
    assert_int_equal(tk_wire_ipv6_parse(h.frames[1].buf + 14, h.frames[1].len - 14, &ih), 40);
    assert_true(tk_ipv6_is_unspecified(ih.src));
    assert_memory_equal(h.frames[1].buf + 54 + 8, sl.addr6, 16);
    h.now += TK_SEC(1);
    tkh_poll(&h);
    assert_int_equal(tk_stack_ipv6_addr(h.s, 2, &sl), 1);
    h.now += TK_SEC(10);
    tkh_poll(&h);
    assert_int_equal(tk_stack_stats(h.s)->nd_rs_sent, 1); /* no more after the RA */
    tkh_clear(&h);
    /* An echo request from far away, through the router. */
    static const uint8_t data[8] = "ping6!!";
    tk_icmp_hdr e = {TK_ICMP6_ECHO_REQUEST, 0, 0, 0x00010001u, data, 8};
    uint8_t icmp[64], f[128];
    int n = tk_wire_icmp6_emit(&e, FAR, sl.addr6, icmp, sizeof icmp);
    size_t len = frame6(f, router_mac, local_mac, FAR, sl.addr6, 60, icmp, (size_t)n);
    assert_int_equal(tk_stack_input(h.s, f, len, h.now), 0);
    assert_int_equal(h.nframes, 1);
    assert_memory_equal(h.frames[0].buf, router_mac, 6);
    assert_int_equal(tk_wire_ipv6_parse(h.frames[0].buf + 14, h.frames[0].len - 14, &ih), 40);
    assert_memory_equal(ih.src, sl.addr6, 16);
    assert_memory_equal(ih.dst, FAR, 16);
    assert_int_equal(ih.hop_limit, 32);
    assert_int_equal(h.frames[0].buf[54], TK_ICMP6_ECHO_REPLY);
    /* Router lifetime 0: no default router, off-link is unreachable. */
    ra.router_lifetime = 0;
    ra.nprefix = 0;
    assert_int_equal(send_ra(&h, &ra), 0);
    assert_int_equal(tk_stack_input(h.s, f, len, h.now), -ENETUNREACH);
    assert_int_equal(tk_stack_stats(h.s)->out6_no_route, 1);
    tkh_fini(&h);
}

/* RFC 4862 5.5.3 (e), 5.5.4: a shorter valid lifetime is taken only down
 * to two hours; when the valid lifetime ends the address goes. */
static void test_NET_06_slaac_lifetimes(void **state) {
    (void)state;
    tkh h;
    init6(&h);
    tk_nd_msg ra = ra_msg(1800, TK_ND_PREFIX_AUTO, 64, 3 * 3600, 3600);
    assert_int_equal(send_ra(&h, &ra), 0);
    tk_time t0 = h.now;
    ra.prefix[0].valid = 60;
    ra.prefix[0].preferred = 60;
    assert_int_equal(send_ra(&h, &ra), 0); /* the two-hour rule: 2 h, not 60 s */
    tk_sockaddr sl;
    tkh_run_until(&h, t0 + TK_SEC(7199));
    assert_true(tk_stack_ipv6_addr(h.s, 2, &sl) >= 0);
    tkh_run_until(&h, t0 + TK_SEC(7200));
    assert_int_equal(tk_stack_ipv6_addr(h.s, 2, &sl), -ENOENT);
    /* A lifetime of 100 s on a new address ends it after 100 s. */
    ra.prefix[0].valid = 100;
    ra.prefix[0].preferred = 100;
    assert_int_equal(send_ra(&h, &ra), 0);
    tk_time t1 = h.now;
    tkh_run_until(&h, t1 + TK_SEC(99));
    assert_int_equal(tk_stack_ipv6_addr(h.s, 2, &sl), 1);
    tkh_run_until(&h, t1 + TK_SEC(100));
    assert_int_equal(tk_stack_ipv6_addr(h.s, 2, &sl), -ENOENT);
    tkh_fini(&h);
}

/* RFC 4862 5.5.3 (a)-(d): no A flag, a link-local prefix, a preferred
 * lifetime above the valid one, or a prefix length other than 64: no
 * address, each counted. */
static void test_NET_06_slaac_prefixes_refused(void **state) {
    (void)state;
    tkh h;
    init6(&h);
    tk_nd_msg bad[4] = {
        ra_msg(0, TK_ND_PREFIX_ONLINK, 64, 3600, 3600),
        ra_msg(0, TK_ND_PREFIX_AUTO, 64, 3600, 3600),
        ra_msg(0, TK_ND_PREFIX_AUTO, 64, 3600, 7200),
        ra_msg(0, TK_ND_PREFIX_AUTO, 48, 3600, 3600),
    };
    memcpy(bad[1].prefix[0].prefix, R, 16);
    for (int i = 0; i < 4; i++)
        assert_int_equal(send_ra(&h, &bad[i]), 0);
    tk_sockaddr sl;
    assert_int_equal(tk_stack_ipv6_addr(h.s, 2, &sl), -ENOENT);
    assert_int_equal(tk_stack_stats(h.s)->nd_prefixes_ignored, 4);
    assert_int_equal(tk_stack_stats(h.s)->nd_slaac_addrs, 0);
    /* An RA from a global address is not valid (RFC 4861 6.1.2). */
    tk_nd_msg ra = ra_msg(1800, TK_ND_PREFIX_AUTO, 64, 3600, 3600);
    uint8_t icmp[256], f[320];
    int n = tk_wire_nd_emit(&ra, FAR, ALL, icmp, sizeof icmp);
    const uint8_t all_mac[6] = {0x33, 0x33, 0, 0, 0, 1};
    size_t len = frame6(f, router_mac, all_mac, FAR, ALL, 255, icmp, (size_t)n);
    assert_true(tk_stack_input(h.s, f, len, h.now) < 0);
    assert_int_equal(tk_stack_stats(h.s)->drop_nd_bad_address, 1);
    assert_int_equal(tk_stack_ipv6_addr(h.s, 2, &sl), -ENOENT);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_NET_06_router_solicitations),
        cmocka_unit_test(test_NET_06_slaac_and_default_router),
        cmocka_unit_test(test_NET_06_slaac_lifetimes),
        cmocka_unit_test(test_NET_06_slaac_prefixes_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
