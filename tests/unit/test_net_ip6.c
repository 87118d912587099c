/* IPv6 in the network layer (SPEC NET-4, NET-6): addresses and DAD,
 * neighbour solicitations answered, resolution with a queue, echo replies,
 * and every refused packet counted by its reason with the ICMPv6 error RFC
 * 8200 asks for. Frames are checked byte for byte. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/ipv6_vectors.h"
#include "support/tk_harness.h"
#include "tcpkit/wire/err.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/icmp6.h"
#include "tcpkit/wire/ipv6.h"
#include "tcpkit/wire/mld.h"
#include "tcpkit/wire/ndp.h"

static const uint8_t local_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t peer_mac[6] = {0x02, 0, 0, 0, 0, 0x33};
static const uint8_t A1[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}; /* peer */
static const uint8_t A2[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}; /* us */
static const uint8_t all_nodes[16] = {0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

/* A stack with IPv6 on, 2001:2::2/64, DAD done (or not, when dad). */
static void init6(tkh *h, bool dad) {
    tk_config cfg;
    tkh_config(&cfg);
    cfg.ipv6 = true;
    memcpy(cfg.addr6, A2, 16);
    cfg.prefix6_len = 64;
    tkh_init(h, &cfg);
    if (!dad)
        return;
    tkh_poll(h);
    h->now += TK_SEC(1);
    tkh_poll(h);
    tk_sockaddr a;
    assert_int_equal(tk_stack_ipv6_addr(h->s, 0, &a), 1);
    assert_int_equal(tk_stack_ipv6_addr(h->s, 1, &a), 1);
    tkh_clear(h);
}

/* An Ethernet frame with an IPv6 packet from peer_mac. */
static size_t frame6(uint8_t *f, const uint8_t dmac[6], const uint8_t src[16],
                     const uint8_t dst[16], uint8_t next, uint8_t hop, const uint8_t *pl,
                     size_t plen) {
    tk_eth_hdr eh;
    memcpy(eh.dst, dmac, 6);
    memcpy(eh.src, peer_mac, 6);
    eh.type = TK_ETHERTYPE_IPV6;
    (void)tk_wire_eth_emit(&eh, f, 14);
    tk_ipv6_hdr ih;
    memset(&ih, 0, sizeof ih);
    ih.payload_len = (uint16_t)plen;
    ih.next = next;
    ih.hop_limit = hop;
    memcpy(ih.src, src, 16);
    memcpy(ih.dst, dst, 16);
    (void)tk_wire_ipv6_emit(&ih, f + 14, 40);
    memcpy(f + 54, pl, plen);
    return 54 + plen;
}

/* An NDP frame (hop limit 255) to dst at the MAC dst maps to. */
static size_t nd_frame(uint8_t *f, const tk_nd_msg *m, const uint8_t src[16], const uint8_t dst[16],
                       const uint8_t *dmac) {
    uint8_t icmp[128];
    int n = tk_wire_nd_emit(m, src, dst, icmp, sizeof icmp);
    assert_true(n > 0);
    uint8_t mm[6];
    if (dmac == NULL) {
        tk_ipv6_mcast_mac(dst, mm);
        dmac = mm;
    }
    return frame6(f, dmac, src, dst, TK_IPPROTO_ICMPV6, 255, icmp, (size_t)n);
}

/* Checks a captured frame's Ethernet and IPv6 headers; returns the ICMPv6
 * message (length in *len). */
static const uint8_t *expect6(const tkh_frame *fr, const uint8_t dmac[6], const uint8_t src[16],
                              const uint8_t dst[16], uint8_t hop, size_t *len) {
    tk_eth_hdr eh;
    assert_int_equal(tk_wire_eth_parse(fr->buf, fr->len, &eh), 14);
    assert_memory_equal(eh.dst, dmac, 6);
    assert_memory_equal(eh.src, local_mac, 6);
    assert_int_equal(eh.type, TK_ETHERTYPE_IPV6);
    tk_ipv6_hdr ih;
    assert_int_equal(tk_wire_ipv6_parse(fr->buf + 14, fr->len - 14, &ih), 40);
    assert_memory_equal(ih.src, src, 16);
    assert_memory_equal(ih.dst, dst, 16);
    assert_int_equal(ih.hop_limit, hop);
    assert_int_equal(ih.next, TK_IPPROTO_ICMPV6);
    assert_int_equal(fr->len, 54 + ih.payload_len);
    tk_icmp_hdr h;
    assert_int_equal(tk_wire_icmp6_parse(fr->buf + 54, ih.payload_len, ih.src, ih.dst, true, &h),
                     8);
    *len = ih.payload_len;
    return fr->buf + 54;
}

/* NET-6: the link-local address is RFC 7217's (stable for a secret and a
 * MAC, another for another MAC); both addresses are tentative until DAD's
 * NS (from ::, to the solicited-node group, no option) went unanswered for
 * a second. */
static void test_NET_06_linklocal_and_dad(void **state) {
    (void)state;
    tkh h;
    init6(&h, false);
    tk_sockaddr ll, ll2, gl;
    assert_int_equal(tk_stack_ipv6_addr(h.s, 0, &ll), 0);
    assert_int_equal(ll.family, TK_AF_INET6);
    assert_int_equal(ll.scope_id, 1);
    assert_int_equal(ll.addr6[0], 0xfe);
    assert_int_equal(ll.addr6[1], 0x80);
    for (int i = 2; i < 8; i++)
        assert_int_equal(ll.addr6[i], 0);
    assert_int_equal(tk_stack_ipv6_addr(h.s, 1, &gl), 0);
    assert_memory_equal(gl.addr6, A2, 16);
    assert_int_equal(tk_stack_ipv6_addr(h.s, 2, &gl), -ENOENT);
    assert_int_equal(tk_stack_next_deadline(h.s), 0); /* DAD waits for the first poll */
    tkh_poll(&h);
    assert_int_equal(h.nframes, 3);
    const uint8_t unspec[16] = {0};
    /* First the MLDv2 report joining both solicited-node groups (RFC 4862
     * 5.4.2), from :: with hop limit 1 behind a router alert. */
    {
        const uint8_t mld_mac[6] = {0x33, 0x33, 0, 0, 0, 0x16};
        const uint8_t mld_dst[16] = {0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x16};
        const tkh_frame *fr = &h.frames[0];
        assert_memory_equal(fr->buf, mld_mac, 6);
        tk_ipv6_hdr ih;
        assert_int_equal(tk_wire_ipv6_parse(fr->buf + 14, fr->len - 14, &ih), 40);
        assert_true(tk_ipv6_is_unspecified(ih.src));
        assert_memory_equal(ih.dst, mld_dst, 16);
        assert_int_equal(ih.hop_limit, 1);
        assert_int_equal(ih.next, TK_IPPROTO_HOPOPTS);
        assert_memory_equal(fr->buf + 54, v6_mld_ll + 40, 8); /* the kernel's HBH */
        uint8_t g[32], exp[64];
        tk_ipv6_solicited_node(ll.addr6, g);
        tk_ipv6_solicited_node(A2, g + 16);
        assert_int_equal(tk_wire_mld2_report_emit(g, 2, TK_MLD2_TO_EXCLUDE, unspec, exp, 64), 48);
        assert_int_equal(ih.payload_len, 8 + 48);
        assert_memory_equal(fr->buf + 62, exp, 48);
        assert_int_equal(tk_stack_stats(h.s)->mld_reports_sent, 1);
    }
    for (int i = 0; i < 2; i++) {
        const uint8_t *target = i == 0 ? ll.addr6 : A2;
        uint8_t sn[16], mac[6];
        tk_ipv6_solicited_node(target, sn);
        tk_ipv6_mcast_mac(sn, mac);
        size_t len;
        const uint8_t *m = expect6(&h.frames[i + 1], mac, unspec, sn, 255, &len);
        tk_nd_msg want;
        memset(&want, 0, sizeof want);
        want.type = TK_ICMP6_ND_NS;
        memcpy(want.target, target, 16);
        uint8_t exp[64];
        assert_int_equal(tk_wire_nd_emit(&want, unspec, sn, exp, sizeof exp), 24);
        assert_int_equal(len, 24);
        assert_memory_equal(m, exp, 24);
    }
    assert_int_equal(tk_stack_next_deadline(h.s), h.now + TK_SEC(1));
    h.now += TK_SEC(1);
    tkh_poll(&h);
    assert_int_equal(tk_stack_ipv6_addr(h.s, 0, &ll2), 1);
    assert_memory_equal(ll2.addr6, ll.addr6, 16);
    assert_int_equal(tk_stack_ipv6_addr(h.s, 1, &gl), 1);
    tkh_fini(&h);
    /* The same secret (the harness's seed) and MAC: the same address. */
    init6(&h, false);
    assert_int_equal(tk_stack_ipv6_addr(h.s, 0, &ll2), 0);
    assert_memory_equal(ll2.addr6, ll.addr6, 16);
    tkh_fini(&h);
    /* Another MAC: another identifier. */
    tk_config cfg;
    tkh_config(&cfg);
    cfg.ipv6 = true;
    cfg.mac[5] = 0x44;
    tkh_init(&h, &cfg);
    assert_int_equal(tk_stack_ipv6_addr(h.s, 0, &ll2), 0);
    assert_memory_not_equal(ll2.addr6 + 8, ll.addr6 + 8, 8);
    assert_int_equal(tk_stack_ipv6_addr(h.s, 1, &gl), -ENOENT);
    tkh_fini(&h);
}

/* NET-6 (RFC 4862 5.4.4, RFC 7217 6): an NA for a tentative address is a
 * duplicate: the static address is never used, the link-local one is
 * formed again with the next DAD counter and checked again. */
static void test_NET_06_dad_conflict(void **state) {
    (void)state;
    tkh h;
    init6(&h, false);
    tkh_poll(&h);
    tk_sockaddr ll, ll2, gl;
    assert_int_equal(tk_stack_ipv6_addr(h.s, 0, &ll), 0);
    for (int i = 0; i < 2; i++) {
        tk_nd_msg na;
        memset(&na, 0, sizeof na);
        na.type = TK_ICMP6_ND_NA;
        na.flags = TK_ND_NA_OVERRIDE;
        memcpy(na.target, i == 0 ? ll.addr6 : A2, 16);
        na.has_tlla = true;
        memcpy(na.tlla, peer_mac, 6);
        uint8_t f[128];
        size_t n = nd_frame(f, &na, A1, all_nodes, NULL);
        assert_int_equal(tk_stack_input(h.s, f, n, h.now), 0);
    }
    assert_int_equal(tk_stack_stats(h.s)->nd_dad_duplicates, 2);
    assert_int_equal(tk_stack_ipv6_addr(h.s, 1, &gl), -EADDRINUSE);
    assert_int_equal(tk_stack_ipv6_addr(h.s, 0, &ll2), 0);
    assert_memory_not_equal(ll2.addr6, ll.addr6, 16);
    tkh_clear(&h);
    tkh_poll(&h); /* its group reported, DAD for the new link-local address */
    assert_int_equal(h.nframes, 2);
    assert_int_equal(tk_stack_stats(h.s)->mld_reports_sent, 2);
    h.now += TK_SEC(1);
    tkh_poll(&h);
    assert_int_equal(tk_stack_ipv6_addr(h.s, 0, &ll2), 1);
    tkh_fini(&h);
}

/* NET-6 (RFC 4861 7.2.3, 7.2.4): an NS for our address is answered with a
 * solicited NA carrying our MAC, sent to the soliciting node's MAC
 * learned from its option; an NS for another address is not. */
static void test_NET_06_ns_answered(void **state) {
    (void)state;
    tkh h;
    init6(&h, true);
    tk_nd_msg ns;
    memset(&ns, 0, sizeof ns);
    ns.type = TK_ICMP6_ND_NS;
    memcpy(ns.target, A2, 16);
    ns.has_slla = true;
    memcpy(ns.slla, peer_mac, 6);
    uint8_t sn[16], f[128];
    tk_ipv6_solicited_node(A2, sn);
    size_t n = nd_frame(f, &ns, A1, sn, NULL);
    assert_int_equal(tk_stack_input(h.s, f, n, h.now), 0);
    assert_int_equal(h.nframes, 1);
    size_t len;
    const uint8_t *m = expect6(&h.frames[0], peer_mac, A2, A1, 255, &len);
    tk_nd_msg na;
    memset(&na, 0, sizeof na);
    na.type = TK_ICMP6_ND_NA;
    na.flags = TK_ND_NA_SOLICITED | TK_ND_NA_OVERRIDE;
    memcpy(na.target, A2, 16);
    na.has_tlla = true;
    memcpy(na.tlla, local_mac, 6);
    uint8_t exp[64];
    assert_int_equal(tk_wire_nd_emit(&na, A2, A1, exp, sizeof exp), 32);
    assert_int_equal(len, 32);
    assert_memory_equal(m, exp, 32);
    assert_int_equal(tk_stack_stats(h.s)->nd_ns_in, 1);
    assert_int_equal(tk_stack_stats(h.s)->nd_na_sent, 1);
    /* DAD of another node for our address: the NA goes to all nodes,
     * not solicited. */
    tkh_clear(&h);
    ns.has_slla = false;
    const uint8_t unspec[16] = {0};
    n = nd_frame(f, &ns, unspec, sn, NULL);
    assert_int_equal(tk_stack_input(h.s, f, n, h.now), 0);
    assert_int_equal(h.nframes, 1);
    const uint8_t all_mac[6] = {0x33, 0x33, 0, 0, 0, 1};
    m = expect6(&h.frames[0], all_mac, A2, all_nodes, 255, &len);
    na.flags = TK_ND_NA_OVERRIDE;
    assert_int_equal(tk_wire_nd_emit(&na, A2, all_nodes, exp, sizeof exp), 32);
    assert_memory_equal(m, exp, 32);
    /* Another target: silence. */
    tkh_clear(&h);
    ns.has_slla = true;
    memcpy(ns.target, A1, 16);
    tk_ipv6_solicited_node(A1, sn);
    n = nd_frame(f, &ns, A2, sn, NULL);
    uint8_t sn_mac[6];
    tk_ipv6_mcast_mac(sn, sn_mac);
    assert_int_equal(tk_stack_input(h.s, f, n, h.now), -EINVAL); /* not our group */
    assert_int_equal(h.nframes, 0);
    assert_int_equal(tk_stack_stats(h.s)->drop_eth_not_for_us, 1);
    tkh_fini(&h);
}

/* NET-4/NET-6: the kernel's echo request, sent to us; the reply waits in
 * the queue while our NS resolves the peer, and leaves when the NA comes:
 * byte for byte the kernel's own reply (same data, checksum, addresses). */
static void test_NET_04_echo_reply_after_resolution(void **state) {
    (void)state;
    tkh h;
    init6(&h, true);
    uint8_t f[128];
    size_t n = frame6(f, local_mac, A1, A2, TK_IPPROTO_ICMPV6, 64, v6_echo_req + 40, 16);
    assert_int_equal(tk_stack_input(h.s, f, n, h.now), 0);
    assert_int_equal(h.nframes, 1); /* the NS */
    uint8_t sn[16], sn_mac[6];
    tk_ipv6_solicited_node(A1, sn);
    tk_ipv6_mcast_mac(sn, sn_mac);
    size_t len;
    const uint8_t *m = expect6(&h.frames[0], sn_mac, A2, sn, 255, &len);
    tk_nd_msg ns;
    memset(&ns, 0, sizeof ns);
    ns.type = TK_ICMP6_ND_NS;
    memcpy(ns.target, A1, 16);
    ns.has_slla = true;
    memcpy(ns.slla, local_mac, 6);
    uint8_t exp[64];
    assert_int_equal(tk_wire_nd_emit(&ns, A2, sn, exp, sizeof exp), 32);
    assert_memory_equal(m, exp, 32);
    assert_int_equal(tk_stack_stats(h.s)->nd_queued, 1);
    /* The solicited NA: the reply leaves. */
    tk_nd_msg na;
    memset(&na, 0, sizeof na);
    na.type = TK_ICMP6_ND_NA;
    na.flags = TK_ND_NA_SOLICITED | TK_ND_NA_OVERRIDE;
    memcpy(na.target, A1, 16);
    na.has_tlla = true;
    memcpy(na.tlla, peer_mac, 6);
    n = nd_frame(f, &na, A1, A2, local_mac);
    assert_int_equal(tk_stack_input(h.s, f, n, h.now), 0);
    assert_int_equal(h.nframes, 2);
    m = expect6(&h.frames[1], peer_mac, A2, A1, 64, &len);
    assert_int_equal(len, 16);
    assert_memory_equal(m, v6_echo_rep + 40, 16);
    assert_int_equal(tk_stack_stats(h.s)->icmp6_echo_replies, 1);
    /* A second request goes at once: the neighbour is REACHABLE. */
    n = frame6(f, local_mac, A1, A2, TK_IPPROTO_ICMPV6, 64, v6_echo_req + 40, 16);
    assert_int_equal(tk_stack_input(h.s, f, n, h.now), 0);
    assert_int_equal(h.nframes, 3);
    m = expect6(&h.frames[2], peer_mac, A2, A1, 64, &len);
    assert_memory_equal(m, v6_echo_rep + 40, 16);
    /* RFC 6437: both replies carry the flow's label, non-zero, 20 bits;
     * the NS carried none. */
    tk_ipv6_hdr r1, r2, nsh;
    assert_int_equal(tk_wire_ipv6_parse(h.frames[1].buf + 14, h.frames[1].len - 14, &r1), 40);
    assert_int_equal(tk_wire_ipv6_parse(h.frames[2].buf + 14, h.frames[2].len - 14, &r2), 40);
    assert_int_equal(tk_wire_ipv6_parse(h.frames[0].buf + 14, h.frames[0].len - 14, &nsh), 40);
    assert_true(r1.flow != 0 && r1.flow <= 0xfffff);
    assert_int_equal(r1.flow, r2.flow);
    assert_int_equal(nsh.flow, 0);
    tkh_fini(&h);
}

/* NET-6: resolution gives up after three solicitations a second apart;
 * the queued frame is dropped and counted. */
static void test_NET_06_resolution_fails(void **state) {
    (void)state;
    tkh h;
    init6(&h, true);
    uint8_t f[128];
    size_t n = frame6(f, local_mac, A1, A2, TK_IPPROTO_ICMPV6, 64, v6_echo_req + 40, 16);
    assert_int_equal(tk_stack_input(h.s, f, n, h.now), 0);
    for (int i = 0; i < 3; i++) {
        h.now += TK_SEC(1);
        tkh_poll(&h);
    }
    assert_int_equal(h.nframes, 3);                           /* three multicast NS, nothing else */
    assert_int_equal(tk_stack_stats(h.s)->nd_ns_sent, 2 + 3); /* after the two of DAD */
    assert_int_equal(tk_stack_stats(h.s)->nd_queue_drops, 1);
    /* Nothing left for the neighbour: the next event is the second
     * router solicitation, four seconds after the first. */
    assert_int_equal(tk_stack_next_deadline(h.s), h.now + TK_SEC(1));
    tkh_fini(&h);
}

/* NET-6 (RFC 4861 7.1.1): an NS whose hop limit is not 255 came through a
 * router: dropped, counted, not answered; nor is one with code 1. */
static void test_NET_06_nd_validation_counted(void **state) {
    (void)state;
    tkh h;
    init6(&h, true);
    tk_nd_msg ns;
    memset(&ns, 0, sizeof ns);
    ns.type = TK_ICMP6_ND_NS;
    memcpy(ns.target, A2, 16);
    ns.has_slla = true;
    memcpy(ns.slla, peer_mac, 6);
    uint8_t f[128];
    size_t n = nd_frame(f, &ns, A1, A2, local_mac);
    f[14 + 7] = 64;
    assert_int_equal(tk_stack_input(h.s, f, n, h.now), TK_WIRE_ND_HOPLIMIT);
    assert_int_equal(tk_stack_stats(h.s)->drop_nd_hop_limit, 1);
    n = nd_frame(f, &ns, A1, A2, local_mac);
    f[54 + 1] = 1; /* code 1; the checksum fixed for it */
    uint16_t c = (uint16_t)(f[54 + 2] << 8 | f[54 + 3]);
    c = (uint16_t)(c - 1 - (c < 1)); /* one's-complement: the sum grew by 1 */
    f[54 + 2] = (uint8_t)(c >> 8);
    f[54 + 3] = (uint8_t)c;
    int rc = tk_stack_input(h.s, f, n, h.now);
    assert_true(rc == TK_WIRE_ND_CODE || rc == -EINVAL);
    assert_int_equal(tk_stack_stats(h.s)->drop_nd_code + tk_stack_stats(h.s)->drop_icmp6_bad, 1);
    assert_int_equal(h.nframes, 0);
    tkh_fini(&h);
}

/* A packet A1 > A2 with payload pl, for the refusal tests. */
static size_t pkt_to_us(uint8_t *f, uint8_t next, const uint8_t *pl, size_t plen) {
    return frame6(f, local_mac, A1, A2, next, 64, pl, plen);
}

/* NET-4 (RFC 8200 4.2, 4.4; RFC 4443 3.4): an unknown option of type
 * 10xxxxxx, a routing header with segments left and an unknown next
 * header are dropped, each counted by its reason, and answered with the
 * Parameter Problem that names the byte. */
static void test_NET_04_refusals_counted_and_reported(void **state) {
    (void)state;
    tkh h;
    init6(&h, true);
    /* Make the peer reachable, so errors leave at once. */
    tk_nd_msg ns;
    memset(&ns, 0, sizeof ns);
    ns.type = TK_ICMP6_ND_NS;
    memcpy(ns.target, A2, 16);
    ns.has_slla = true;
    memcpy(ns.slla, peer_mac, 6);
    uint8_t f[256];
    size_t n = nd_frame(f, &ns, A1, A2, local_mac);
    assert_int_equal(tk_stack_input(h.s, f, n, h.now), 0);
    tkh_clear(&h);
    struct {
        uint8_t next;
        uint8_t pl[32];
        size_t plen;
        int rc;
        uint8_t code;
        uint32_t ptr;
    } cases[] = {
        {TK_IPPROTO_DSTOPTS, {59, 0, 0x80, 2, 0, 0, 1, 0}, 8, TK_WIRE_IP6_OPT_UNKNOWN, 2, 42},
        {TK_IPPROTO_ROUTING, {59, 2, 0, 1}, 24, TK_WIRE_IP6_ROUTING, 0, 42},
        {132, {0}, 20, -EPROTONOSUPPORT, 1, 6}, /* SCTP: nothing takes it */
        {TK_IPPROTO_DSTOPTS,
         {TK_IPPROTO_HOPOPTS, 0, 1, 4, 0, 0, 0, 0, 59, 0, 1, 4},
         16,
         TK_WIRE_IP6_HBH_PLACE,
         1,
         40},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        n = pkt_to_us(f, cases[i].next, cases[i].pl, cases[i].plen);
        assert_int_equal(tk_stack_input(h.s, f, n, h.now), cases[i].rc);
        assert_int_equal(h.nframes, (int)i + 1);
        size_t len;
        const uint8_t *m = expect6(&h.frames[i], peer_mac, A2, A1, 64, &len);
        assert_int_equal(m[0], TK_ICMP6_PARAM_PROBLEM);
        assert_int_equal(m[1], cases[i].code);
        uint32_t ptr = (uint32_t)m[4] << 24 | (uint32_t)m[5] << 16 | (uint32_t)m[6] << 8 | m[7];
        assert_int_equal(ptr, cases[i].ptr);
        assert_int_equal(len, 8 + n - 14); /* the whole packet quoted */
        assert_memory_equal(m + 8, f + 14, n - 14);
    }
    const tk_stats *st = tk_stack_stats(h.s);
    assert_int_equal(st->drop_ip6_unknown_option, 1);
    assert_int_equal(st->drop_ip6_routing, 1);
    assert_int_equal(st->drop_ip6_proto, 1);
    assert_int_equal(st->drop_ip6_hbh_not_first, 1);
    assert_int_equal(st->icmp6_errors_sent, 4);
    /* Silently: a fragment held for reassembly (test_net_ip6_frag.c), no
     * next header, another destination, a multicast source, a short
     * header. */
    tkh_clear(&h);
    uint8_t fh[16] = {59, 0, 0, 1, 0, 0, 0, 9};
    n = pkt_to_us(f, TK_IPPROTO_FRAGMENT, fh, 16);
    assert_int_equal(tk_stack_input(h.s, f, n, h.now), 0);
    n = pkt_to_us(f, TK_IPPROTO_NONE, fh, 0);
    assert_int_equal(tk_stack_input(h.s, f, n, h.now), -ENOMSG);
    n = frame6(f, local_mac, A1, A1, TK_IPPROTO_NONE, 64, fh, 0);
    assert_int_equal(tk_stack_input(h.s, f, n, h.now), -EINVAL);
    n = frame6(f, local_mac, all_nodes, A2, TK_IPPROTO_NONE, 64, fh, 0);
    assert_int_equal(tk_stack_input(h.s, f, n, h.now), -EINVAL);
    assert_int_equal(tk_stack_input(h.s, f, 14 + 39, h.now), -EINVAL);
    assert_int_equal(h.nframes, 0);
    assert_int_equal(st->ip6_frags_in, 1);
    assert_int_equal(st->drop_ip6_fragment, 0);
    assert_int_equal(st->drop_ip6_no_next, 1);
    assert_int_equal(st->drop_ip6_not_for_us, 1);
    assert_int_equal(st->drop_ip6_bad_src, 1);
    assert_int_equal(st->drop_ip6_bad_header, 1);
    tkh_fini(&h);
}

/* NET-4 (RFC 4443 2.4 (f)): errors are rate limited: a burst of ten, then
 * one per 100 ms. */
static void test_NET_04_error_rate_limit(void **state) {
    (void)state;
    tkh h;
    init6(&h, true);
    uint8_t f[128];
    tk_nd_msg ns;
    memset(&ns, 0, sizeof ns);
    ns.type = TK_ICMP6_ND_NS;
    memcpy(ns.target, A2, 16);
    ns.has_slla = true;
    memcpy(ns.slla, peer_mac, 6);
    size_t n = nd_frame(f, &ns, A1, A2, local_mac);
    assert_int_equal(tk_stack_input(h.s, f, n, h.now), 0);
    tkh_clear(&h);
    uint8_t tcp[20] = {0};
    n = pkt_to_us(f, 132, tcp, sizeof tcp); /* SCTP: nothing takes it */
    for (int i = 0; i < 12; i++)
        assert_int_equal(tk_stack_input(h.s, f, n, h.now), -EPROTONOSUPPORT);
    assert_int_equal(h.nframes, 10);
    assert_int_equal(tk_stack_stats(h.s)->icmp6_errors_limited, 2);
    h.now += TK_MS(100);
    assert_int_equal(tk_stack_input(h.s, f, n, h.now), -EPROTONOSUPPORT);
    assert_int_equal(h.nframes, 11);
    tkh_fini(&h);
}

/* NET-4: with IPv6 off (the default) IPv6 frames are an unknown type, as
 * before; no address exists. */
static void test_NET_04_ipv6_off_by_default(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    uint8_t f[128];
    size_t n = frame6(f, local_mac, A1, A2, TK_IPPROTO_ICMPV6, 64, v6_echo_req + 40, 16);
    assert_int_equal(tk_stack_input(h.s, f, n, h.now), -EPROTONOSUPPORT);
    assert_int_equal(tk_stack_stats(h.s)->drop_eth_type, 1);
    tk_sockaddr a;
    assert_int_equal(tk_stack_ipv6_addr(h.s, 0, &a), -ENOENT);
    assert_int_equal(h.nframes, 0);
    tkh_fini(&h);
}

/* NET-6 (RFC 3810 7.3.2): a query is answered with the current state of
 * our groups (record type 2), from the link-local address; a query that
 * was forwarded (hop limit not 1) is dropped and counted. */
static void test_NET_06_mld_query_answered(void **state) {
    (void)state;
    tkh h;
    init6(&h, true);
    const uint8_t rtr[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    uint8_t body[20] = {0}; /* MLDv2 general query: max resp, group ::, flags, sources 0 */
    tk_icmp_hdr q = {TK_MLD_QUERY, 0, 0, 10000u << 16, body, sizeof body};
    uint8_t icmp[64], f[128];
    int n = tk_wire_icmp6_emit(&q, rtr, all_nodes, icmp, sizeof icmp);
    const uint8_t all_mac[6] = {0x33, 0x33, 0, 0, 0, 1};
    size_t len = frame6(f, all_mac, rtr, all_nodes, TK_IPPROTO_ICMPV6, 1, icmp, (size_t)n);
    assert_int_equal(tk_stack_input(h.s, f, len, h.now), 0);
    assert_int_equal(h.nframes, 1);
    tk_sockaddr ll;
    assert_int_equal(tk_stack_ipv6_addr(h.s, 0, &ll), 1);
    tk_ipv6_hdr ih;
    assert_int_equal(tk_wire_ipv6_parse(h.frames[0].buf + 14, h.frames[0].len - 14, &ih), 40);
    assert_memory_equal(ih.src, ll.addr6, 16);
    assert_int_equal(ih.hop_limit, 1);
    uint8_t g[32], exp[64];
    tk_ipv6_solicited_node(ll.addr6, g);
    tk_ipv6_solicited_node(A2, g + 16);
    assert_int_equal(tk_wire_mld2_report_emit(g, 2, TK_MLD2_IS_EXCLUDE, ll.addr6, exp, 64), 48);
    assert_memory_equal(h.frames[0].buf + 62, exp, 48);
    f[14 + 7] = 64;
    assert_int_equal(tk_stack_input(h.s, f, len, h.now), -EINVAL);
    assert_int_equal(tk_stack_stats(h.s)->drop_icmp6_bad, 1);
    assert_int_equal(h.nframes, 1);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_NET_06_linklocal_and_dad),
        cmocka_unit_test(test_NET_06_dad_conflict),
        cmocka_unit_test(test_NET_06_ns_answered),
        cmocka_unit_test(test_NET_04_echo_reply_after_resolution),
        cmocka_unit_test(test_NET_06_resolution_fails),
        cmocka_unit_test(test_NET_06_nd_validation_counted),
        cmocka_unit_test(test_NET_04_refusals_counted_and_reported),
        cmocka_unit_test(test_NET_04_error_rate_limit),
        cmocka_unit_test(test_NET_04_ipv6_off_by_default),
        cmocka_unit_test(test_NET_06_mld_query_answered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
