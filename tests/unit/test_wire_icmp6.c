/* ICMPv6 (SPEC NET-4, RFC 4443) and NDP messages (SPEC NET-6, RFC 4861):
 * parse and emit checked byte for byte against packets of the Linux
 * kernel, and one error code per malformation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/ipv6_vectors.h"
#include "tcpkit/wire/err.h"
#include "tcpkit/wire/icmp6.h"
#include "tcpkit/wire/ipv6.h"
#include "tcpkit/wire/mld.h"
#include "tcpkit/wire/ndp.h"

static const uint8_t A1[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t A2[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
static const uint8_t MAC1[6] = {2, 0, 0, 0, 0, 1};
static const uint8_t MAC2[6] = {2, 0, 0, 0, 0, 2};

typedef struct msg {
    uint8_t pkt[128];
    size_t len;
    tk_ipv6_hdr ih;
    tk_icmp_hdr h;
} msg;

/* Copies a captured packet and parses its IPv6 and ICMPv6 headers (the
 * checksum checked only when csum). */
static int load(msg *m, const uint8_t *pkt, size_t len, bool csum) {
    memcpy(m->pkt, pkt, len);
    m->len = len;
    assert_int_equal(tk_wire_ipv6_parse(m->pkt, len, &m->ih), TK_IPV6_HLEN);
    tk_ipv6_chain c;
    assert_int_equal(tk_wire_ipv6_chain(m->pkt, &m->ih, &c), 0);
    return tk_wire_icmp6_parse(m->pkt + c.off, len - c.off, m->ih.src, m->ih.dst, csum, &m->h);
}

static void test_NET_04_icmp6_echo_parse_and_reply(void **state) {
    (void)state;
    msg m;
    assert_int_equal(load(&m, v6_echo_req, sizeof v6_echo_req, true), TK_ICMP6_HLEN);
    assert_int_equal(m.h.type, TK_ICMP6_ECHO_REQUEST);
    assert_int_equal(m.h.code, 0);
    assert_int_equal(m.h.csum, 0xdb94);
    assert_int_equal(m.h.rest, 0x23160001u);
    assert_int_equal(m.h.data_len, 8);
    /* Our reply to it is byte for byte the kernel's. */
    tk_icmp_hdr r = m.h;
    r.type = TK_ICMP6_ECHO_REPLY;
    uint8_t out[16];
    assert_int_equal(tk_wire_icmp6_emit(&r, A2, A1, out, sizeof out), 16);
    assert_memory_equal(out, v6_echo_rep + 40, 16);
    assert_int_equal(tk_wire_icmp6_emit(&r, A2, A1, out, 15), TK_WIRE_NOSPACE);
}

static void test_NET_04_icmp6_errors(void **state) {
    (void)state;
    msg m;
    uint8_t bad[56];
    memcpy(bad, v6_echo_req, sizeof bad);
    bad[50] ^= 1; /* a data bit */
    assert_int_equal(load(&m, bad, sizeof bad, true), TK_WIRE_ICMP6_CSUM);
    assert_int_equal(load(&m, bad, sizeof bad, false), TK_ICMP6_HLEN);
    /* The pseudo-header counts: the same message to another address. */
    memcpy(bad, v6_echo_req, sizeof bad);
    bad[39] = 3;
    assert_int_equal(load(&m, bad, sizeof bad, true), TK_WIRE_ICMP6_CSUM);
    tk_icmp_hdr h;
    assert_int_equal(tk_wire_icmp6_parse(v6_echo_req + 40, 7, A1, A2, false, &h),
                     TK_WIRE_ICMP6_SHORT);
}

/* A Packet Too Big quoting a TCP segment behind a destination-options
 * header: the quote gives the addresses, protocol, ports and sequence. */
static void test_NET_04_icmp6_quote(void **state) {
    (void)state;
    uint8_t q[40 + 8 + 20];
    tk_ipv6_hdr ih;
    memset(&ih, 0, sizeof ih);
    ih.payload_len = 1400; /* more than was quoted */
    ih.next = TK_IPPROTO_DSTOPTS;
    ih.hop_limit = 64;
    memcpy(ih.src, A2, 16);
    memcpy(ih.dst, A1, 16);
    assert_int_equal(tk_wire_ipv6_emit(&ih, q, sizeof q), 40);
    const uint8_t d[8] = {6, 0, 1, 4, 0, 0, 0, 0};
    memcpy(q + 40, d, 8);
    const uint8_t tcp[8] = {0x00, 0x50, 0x9c, 0x40, 0x11, 0x22, 0x33, 0x44};
    memcpy(q + 48, tcp, 8);
    memset(q + 56, 0, 12);
    tk_icmp_hdr h = {TK_ICMP6_PKT_TOO_BIG, 0, 0, 1280, q, sizeof q};
    tk_icmp6_quote qt;
    assert_int_equal(tk_wire_icmp6_quote_parse(&h, &qt), 0);
    assert_memory_equal(qt.src, A2, 16);
    assert_memory_equal(qt.dst, A1, 16);
    assert_int_equal(qt.proto, 6);
    assert_int_equal(qt.sport, 80);
    assert_int_equal(qt.dport, 40000);
    assert_int_equal(qt.seq, 0x11223344u);
    h.data_len = 55; /* the TCP bytes cut short */
    assert_int_equal(tk_wire_icmp6_quote_parse(&h, &qt), TK_WIRE_ICMP6_SHORT);
    h.data_len = 39;
    assert_int_equal(tk_wire_icmp6_quote_parse(&h, &qt), TK_WIRE_ICMP6_SHORT);
    q[0] = 0x45;
    h.data_len = sizeof q;
    assert_int_equal(tk_wire_icmp6_quote_parse(&h, &qt), TK_WIRE_IP6_VERSION);
}

static void test_NET_06_nd_parse_kernel_messages(void **state) {
    (void)state;
    msg m;
    tk_nd_msg nd;
    assert_int_equal(load(&m, v6_ns, sizeof v6_ns, true), TK_ICMP6_HLEN);
    assert_int_equal(tk_wire_nd_parse(&m.ih, &m.h, &nd), 0);
    assert_int_equal(nd.type, TK_ICMP6_ND_NS);
    assert_memory_equal(nd.target, A2, 16);
    assert_true(nd.has_slla);
    assert_memory_equal(nd.slla, MAC1, 6);
    assert_false(nd.has_tlla);

    assert_int_equal(load(&m, v6_na, sizeof v6_na, true), TK_ICMP6_HLEN);
    assert_int_equal(tk_wire_nd_parse(&m.ih, &m.h, &nd), 0);
    assert_int_equal(nd.type, TK_ICMP6_ND_NA);
    assert_int_equal(nd.flags, TK_ND_NA_SOLICITED | TK_ND_NA_OVERRIDE);
    assert_memory_equal(nd.target, A2, 16);
    assert_true(nd.has_tlla);
    assert_memory_equal(nd.tlla, MAC2, 6);

    /* DAD: from ::, to the solicited-node group, an unknown (nonce) option. */
    assert_int_equal(load(&m, v6_dad_ns, sizeof v6_dad_ns, true), TK_ICMP6_HLEN);
    assert_int_equal(tk_wire_nd_parse(&m.ih, &m.h, &nd), 0);
    assert_false(nd.has_slla);
    assert_int_equal(nd.target[0], 0xfe);

    assert_int_equal(load(&m, v6_rs, sizeof v6_rs, true), TK_ICMP6_HLEN);
    assert_int_equal(tk_wire_nd_parse(&m.ih, &m.h, &nd), 0);
    assert_int_equal(nd.type, TK_ICMP6_ND_RS);
    assert_true(nd.has_slla);
    assert_memory_equal(nd.slla, MAC1, 6);
}

/* Our NS, NA and RS are the kernel's bytes. */
static void test_NET_06_nd_emit_matches_kernel(void **state) {
    (void)state;
    tk_nd_msg nd;
    uint8_t out[128];
    memset(&nd, 0, sizeof nd);
    nd.type = TK_ICMP6_ND_NS;
    memcpy(nd.target, A2, 16);
    nd.has_slla = true;
    memcpy(nd.slla, MAC1, 6);
    assert_int_equal(tk_wire_nd_emit(&nd, v6_ns + 8, v6_ns + 24, out, sizeof out), 32);
    assert_memory_equal(out, v6_ns + 40, 32);

    memset(&nd, 0, sizeof nd);
    nd.type = TK_ICMP6_ND_NA;
    nd.flags = TK_ND_NA_SOLICITED | TK_ND_NA_OVERRIDE;
    memcpy(nd.target, A2, 16);
    nd.has_tlla = true;
    memcpy(nd.tlla, MAC2, 6);
    assert_int_equal(tk_wire_nd_emit(&nd, A2, A1, out, sizeof out), 32);
    assert_memory_equal(out, v6_na + 40, 32);

    memset(&nd, 0, sizeof nd);
    nd.type = TK_ICMP6_ND_RS;
    nd.has_slla = true;
    memcpy(nd.slla, MAC1, 6);
    assert_int_equal(tk_wire_nd_emit(&nd, v6_rs + 8, v6_rs + 24, out, sizeof out), 16);
    assert_memory_equal(out, v6_rs + 40, 16);
    assert_int_equal(tk_wire_nd_emit(&nd, v6_rs + 8, v6_rs + 24, out, 15), TK_WIRE_NOSPACE);
    nd.type = TK_ICMP6_ECHO_REQUEST;
    assert_int_equal(tk_wire_nd_emit(&nd, A1, A2, out, sizeof out), TK_WIRE_INVAL);
}

/* An RA with an MTU and two prefix options, built and read back. */
static void test_NET_06_nd_router_advert_roundtrip(void **state) {
    (void)state;
    const uint8_t ll[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    const uint8_t all[16] = {0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    tk_nd_msg ra;
    memset(&ra, 0, sizeof ra);
    ra.type = TK_ICMP6_ND_RA;
    ra.cur_hop_limit = 64;
    ra.flags = TK_ND_RA_OTHER;
    ra.router_lifetime = 1800;
    ra.reachable_time = 30000;
    ra.retrans_timer = 1000;
    ra.has_slla = true;
    memcpy(ra.slla, MAC2, 6);
    ra.has_mtu = true;
    ra.mtu = 1400;
    ra.nprefix = 2;
    ra.prefix[0] = (tk_nd_prefix){64, TK_ND_PREFIX_ONLINK | TK_ND_PREFIX_AUTO, 86400, 14400, {0}};
    memcpy(ra.prefix[0].prefix, A1, 8);
    ra.prefix[1] = (tk_nd_prefix){48, TK_ND_PREFIX_ONLINK, 0xffffffffu, 0xffffffffu, {0}};
    uint8_t pkt[40 + 128];
    int n = tk_wire_nd_emit(&ra, ll, all, pkt + 40, sizeof pkt - 40);
    assert_int_equal(n, 8 + 8 + 8 + 8 + 64);
    tk_ipv6_hdr ih;
    memset(&ih, 0, sizeof ih);
    ih.payload_len = (uint16_t)n;
    ih.next = TK_IPPROTO_ICMPV6;
    ih.hop_limit = 255;
    memcpy(ih.src, ll, 16);
    memcpy(ih.dst, all, 16);
    tk_icmp_hdr h;
    assert_int_equal(tk_wire_icmp6_parse(pkt + 40, (size_t)n, ll, all, true, &h), 8);
    tk_nd_msg got;
    assert_int_equal(tk_wire_nd_parse(&ih, &h, &got), 0);
    assert_int_equal(got.cur_hop_limit, 64);
    assert_int_equal(got.flags, TK_ND_RA_OTHER);
    assert_int_equal(got.router_lifetime, 1800);
    assert_int_equal(got.reachable_time, 30000);
    assert_int_equal(got.retrans_timer, 1000);
    assert_true(got.has_mtu);
    assert_int_equal(got.mtu, 1400);
    assert_int_equal(got.nprefix, 2);
    assert_int_equal(got.prefix[0].len, 64);
    assert_int_equal(got.prefix[0].flags, TK_ND_PREFIX_ONLINK | TK_ND_PREFIX_AUTO);
    assert_int_equal(got.prefix[0].valid, 86400);
    assert_int_equal(got.prefix[0].preferred, 14400);
    assert_memory_equal(got.prefix[0].prefix, ra.prefix[0].prefix, 16);
    assert_int_equal(got.prefix[1].valid, 0xffffffffu);
    /* RFC 4861 6.1.2: an RA from a global address is not valid. */
    memcpy(ih.src, A1, 16);
    assert_int_equal(tk_wire_nd_parse(&ih, &h, &got), TK_WIRE_ND_SOURCE);
}

/* RFC 4861 7.1.1 / 7.1.2: each invalid NS/NA is refused with its reason. */
static void test_NET_06_nd_validation(void **state) {
    (void)state;
    msg m;
    tk_nd_msg nd;
    load(&m, v6_ns, sizeof v6_ns, false);
    m.ih.hop_limit = 254; /* forwarded by a router: not from the link */
    assert_int_equal(tk_wire_nd_parse(&m.ih, &m.h, &nd), TK_WIRE_ND_HOPLIMIT);
    load(&m, v6_ns, sizeof v6_ns, false);
    m.h.code = 1;
    assert_int_equal(tk_wire_nd_parse(&m.ih, &m.h, &nd), TK_WIRE_ND_CODE);
    load(&m, v6_ns, sizeof v6_ns, false);
    m.h.data_len = 15;
    assert_int_equal(tk_wire_nd_parse(&m.ih, &m.h, &nd), TK_WIRE_ND_SHORT);
    load(&m, v6_ns, sizeof v6_ns, false);
    m.pkt[40 + 25] = 0; /* SLLA length 0 */
    assert_int_equal(tk_wire_nd_parse(&m.ih, &m.h, &nd), TK_WIRE_ND_OPT_LEN0);
    load(&m, v6_ns, sizeof v6_ns, false);
    m.pkt[40 + 25] = 2; /* SLLA claims 16 bytes, 8 remain */
    assert_int_equal(tk_wire_nd_parse(&m.ih, &m.h, &nd), TK_WIRE_ND_OPT_OVERRUN);
    load(&m, v6_ns, sizeof v6_ns, false);
    m.h.data_len = 17; /* one byte of an option */
    assert_int_equal(tk_wire_nd_parse(&m.ih, &m.h, &nd), TK_WIRE_ND_OPT_OVERRUN);
    /* SLLA of 16 bytes (claims 2 units, message long enough). */
    uint8_t longer[88];
    memcpy(longer, v6_ns, 72);
    memset(longer + 72, 0, 16);
    longer[40 + 25] = 2;
    longer[5] = 48;
    load(&m, longer, sizeof longer, false);
    assert_int_equal(tk_wire_nd_parse(&m.ih, &m.h, &nd), TK_WIRE_ND_OPT_BADLEN);
    load(&m, v6_ns, sizeof v6_ns, false);
    m.pkt[40 + 8] = 0xff; /* target ff02::... */
    assert_int_equal(tk_wire_nd_parse(&m.ih, &m.h, &nd), TK_WIRE_ND_TARGET);
    /* DAD NS: with a source link-layer option, or to another group. */
    load(&m, v6_ns, sizeof v6_ns, false);
    memset(m.ih.src, 0, 16);
    assert_int_equal(tk_wire_nd_parse(&m.ih, &m.h, &nd), TK_WIRE_ND_SOURCE);
    load(&m, v6_dad_ns, sizeof v6_dad_ns, false);
    m.ih.dst[15] = 2;
    assert_int_equal(tk_wire_nd_parse(&m.ih, &m.h, &nd), TK_WIRE_ND_DEST);
    /* A solicited NA to a multicast address. */
    load(&m, v6_na, sizeof v6_na, false);
    m.ih.dst[0] = 0xff;
    assert_int_equal(tk_wire_nd_parse(&m.ih, &m.h, &nd), TK_WIRE_ND_DEST);
    load(&m, v6_na, sizeof v6_na, false);
    m.pkt[40 + 8] = 0xff;
    assert_int_equal(tk_wire_nd_parse(&m.ih, &m.h, &nd), TK_WIRE_ND_TARGET);
    /* An RS from :: with SLLA. */
    load(&m, v6_rs, sizeof v6_rs, false);
    memset(m.ih.src, 0, 16);
    assert_int_equal(tk_wire_nd_parse(&m.ih, &m.h, &nd), TK_WIRE_ND_SOURCE);
    /* Not an NDP type. */
    load(&m, v6_echo_req, sizeof v6_echo_req, false);
    assert_int_equal(tk_wire_nd_parse(&m.ih, &m.h, &nd), TK_WIRE_INVAL);
}

/* NET-6 (RFC 3810 5.2): our MLDv2 report and its hop-by-hop header are
 * the kernel's bytes. */
static void test_NET_06_mld2_report_matches_kernel(void **state) {
    (void)state;
    uint8_t out[64];
    assert_int_equal(tk_wire_mld_hbh_emit(out, sizeof out), 8);
    assert_memory_equal(out, v6_mld_ll + 40, 8);
    assert_int_equal(tk_wire_mld_hbh_emit(out, 7), TK_WIRE_NOSPACE);
    const uint8_t group[16] = {0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 1};
    assert_int_equal(
        tk_wire_mld2_report_emit(group, 1, TK_MLD2_TO_EXCLUDE, v6_mld_ll + 8, out, sizeof out), 28);
    assert_memory_equal(out, v6_mld_ll + 48, 28);
    assert_int_equal(tk_wire_mld2_report_emit(group, 0, 4, v6_mld_ll + 8, out, sizeof out),
                     TK_WIRE_INVAL);
    assert_int_equal(tk_wire_mld2_report_emit(group, 1, 4, v6_mld_ll + 8, out, 27),
                     TK_WIRE_NOSPACE);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_NET_04_icmp6_echo_parse_and_reply),
        cmocka_unit_test(test_NET_04_icmp6_errors),
        cmocka_unit_test(test_NET_04_icmp6_quote),
        cmocka_unit_test(test_NET_06_nd_parse_kernel_messages),
        cmocka_unit_test(test_NET_06_nd_emit_matches_kernel),
        cmocka_unit_test(test_NET_06_nd_router_advert_roundtrip),
        cmocka_unit_test(test_NET_06_nd_validation),
        cmocka_unit_test(test_NET_06_mld2_report_matches_kernel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
