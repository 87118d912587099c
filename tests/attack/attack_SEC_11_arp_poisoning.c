/* SEC-11: ARP poisoning. The stack has resolved a neighbour (198.18.0.7)
 * through ARP; an attacker on the link sends IPv4 frames from that address
 * with its own MAC (valid ones, and ones dropped for a bad TCP checksum)
 * and gratuitous ARP. The stack keeps sending to the real MAC. ARP follows
 * RFC 826's merge rule except that gratuitous packets are refused unless
 * arp_accept_gratuitous is set (docs/security.md). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_harness.h"
#include "tcpkit/wire/arp.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/icmp.h"
#include "tcpkit/wire/ipv4.h"
#include "tcpkit/wire/tcp.h"

#define PEER    0xc6120007u /* 198.18.0.7: the real neighbour */
#define STRANGE 0xc6120008u /* 198.18.0.8: a host never resolved */
#define OTHER   0xc6120009u /* 198.18.0.9: somebody else on the link */

static const uint8_t mac_real[6] = {0x02, 0, 0, 0, 0x07, 0x07};
static const uint8_t mac_evil[6] = {0x02, 0xee, 0xee, 0xee, 0xee, 0xee};
static const uint8_t mac_new[6] = {0x02, 0, 0, 0, 0x07, 0x77};
static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static void eth(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint16_t type) {
    tk_eth_hdr eh;
    memcpy(eh.dst, dst, 6);
    memcpy(eh.src, src, 6);
    eh.type = type;
    tk_wire_eth_emit(&eh, f, 14);
}

/* An ARP packet from mac (Ethernet source and sender hardware address). */
static void arp_in(tkh *h, uint16_t op, const uint8_t mac[6], uint32_t spa, uint32_t tpa,
                   const uint8_t eth_dst[6]) {
    uint8_t f[64];
    eth(f, eth_dst, mac, TK_ETHERTYPE_ARP);
    tk_arp_pkt a = {.op = op, .spa = spa, .tpa = tpa};
    memcpy(a.sha, mac, 6);
    memset(a.tha, 0, 6);
    if (op == TK_ARP_REPLY && tpa == h->cfg.addr)
        memcpy(a.tha, h->cfg.mac, 6);
    tk_wire_arp_emit(&a, f + 14, 28);
    assert_int_equal(tk_stack_input(h->s, f, 42, h->now), 0);
}

/* An IPv4 header from src to the stack, followed by len bytes. */
static void ip4(uint8_t *f, uint32_t src, uint8_t proto, size_t len) {
    tk_ipv4_hdr ih;
    memset(&ih, 0, sizeof(ih));
    ih.total_len = (uint16_t)(20 + len);
    ih.id = 0x1111;
    ih.ttl = 64;
    ih.proto = proto;
    ih.src = src;
    ih.dst = TKH_LOCAL_ADDR;
    tk_wire_ipv4_emit(&ih, f + 14, 20);
}

/* An echo request from src with Ethernet source mac; the stack answers. */
static void ping_in(tkh *h, const uint8_t mac[6], uint32_t src) {
    uint8_t f[128], data[16] = "tcpkit-sec-11";
    eth(f, h->cfg.mac, mac, TK_ETHERTYPE_IPV4);
    tk_icmp_hdr ic = {
        .type = TK_ICMP_ECHO_REQUEST, .rest = 0x00110001u, .data = data, .data_len = sizeof data};
    int n = tk_wire_icmp_emit(&ic, f + 34, sizeof f - 34);
    ip4(f, src, TK_IPPROTO_ICMP, (size_t)n);
    assert_int_equal(tk_stack_input(h->s, f, 34 + (size_t)n, h->now), 0);
}

/* A TCP SYN from src with Ethernet source mac and a wrong checksum. */
static void bad_tcp_in(tkh *h, const uint8_t mac[6], uint32_t src) {
    uint8_t f[128];
    eth(f, h->cfg.mac, mac, TK_ETHERTYPE_IPV4);
    tk_tcp_hdr th = tkh_hdr(40000, 80, TK_TCP_SYN, 1, 0, 65535, NULL);
    int n = tk_wire_tcp_emit(&th, NULL, 0, src, TKH_LOCAL_ADDR, f + 34, sizeof f - 34);
    f[34 + 16] ^= 0x5a; /* the checksum field */
    ip4(f, src, TK_IPPROTO_TCP, (size_t)n);
    (void)tk_stack_input(h->s, f, 34 + (size_t)n, h->now);
}

/* The destination MAC and Ethernet type of the only frame the stack sent
 * since the last call. */
static uint16_t sent_to(tkh *h, uint8_t dst[6]) {
    assert_int_equal(h->nframes - h->head, 1);
    tk_eth_hdr eh;
    assert_int_equal(tk_wire_eth_parse(h->frames[h->head].buf, h->frames[h->head].len, &eh),
                     TK_ETH_HLEN);
    memcpy(dst, eh.dst, 6);
    tkh_clear(h);
    return eh.type;
}

/* The echo reply to PEER goes to want. */
static void expect_reply_to(tkh *h, const uint8_t from[6], const uint8_t want[6]) {
    uint8_t dst[6];
    ping_in(h, from, PEER);
    assert_int_equal(sent_to(h, dst), TK_ETHERTYPE_IPV4);
    assert_memory_equal(dst, want, 6);
}

static void resolve_peer(tkh *h) {
    uint8_t dst[6];
    arp_in(h, TK_ARP_REQUEST, mac_real, PEER, TKH_LOCAL_ADDR, bcast);
    assert_int_equal(sent_to(h, dst), TK_ETHERTYPE_ARP); /* our reply */
    assert_memory_equal(dst, mac_real, 6);
    expect_reply_to(h, mac_real, mac_real);
}

static void test_SEC_11_ipv4_never_changes_an_entry(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    resolve_peer(&h);
    const tk_stats *st = tk_stack_stats(h.s);
    /* Valid IPv4 from the peer's address with the attacker's MAC: answered,
     * but to the real MAC. */
    for (int i = 0; i < 10; i++)
        expect_reply_to(&h, mac_evil, mac_real);
    /* Frames dropped for a bad TCP checksum teach nothing either. */
    for (int i = 0; i < 10; i++)
        bad_tcp_in(&h, mac_evil, PEER);
    assert_int_equal(st->drop_tcp_bad_csum, 10);
    assert_int_equal(h.nframes, 0);
    expect_reply_to(&h, mac_real, mac_real);
    /* An IPv4 frame from a host never resolved creates no entry: the answer
     * waits for ARP. */
    uint8_t dst[6];
    ping_in(&h, mac_evil, STRANGE);
    assert_int_equal(sent_to(&h, dst), TK_ETHERTYPE_ARP);
    assert_memory_equal(dst, bcast, 6);
    printf("SEC-11: 10 forged pings and 10 bad-checksum SYNs from the peer's address with "
           "another MAC: every reply still went to the real MAC\n");
    tkh_fini(&h);
}

static void test_SEC_11_gratuitous_arp_refused(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    resolve_peer(&h);
    const tk_stats *st = tk_stack_stats(h.s);
    /* Announcement (sender == target), as a request and as a reply. */
    arp_in(&h, TK_ARP_REQUEST, mac_evil, PEER, PEER, bcast);
    arp_in(&h, TK_ARP_REPLY, mac_evil, PEER, PEER, bcast);
    /* A reply to us that answers no request of ours. */
    arp_in(&h, TK_ARP_REPLY, mac_evil, PEER, TKH_LOCAL_ADDR, h.cfg.mac);
    /* A reply addressed to somebody else. */
    arp_in(&h, TK_ARP_REPLY, mac_evil, PEER, OTHER, bcast);
    assert_int_equal(h.nframes, 0);
    assert_int_equal(st->arp_gratuitous_refused, 4);
    expect_reply_to(&h, mac_evil, mac_real);
    /* The same MAC again changes nothing and is not counted. */
    arp_in(&h, TK_ARP_REPLY, mac_real, PEER, PEER, bcast);
    assert_int_equal(st->arp_gratuitous_refused, 4);
    /* Gratuitous ARP never creates an entry. */
    uint8_t dst[6];
    arp_in(&h, TK_ARP_REPLY, mac_evil, STRANGE, STRANGE, bcast);
    arp_in(&h, TK_ARP_REPLY, mac_evil, STRANGE, TKH_LOCAL_ADDR, h.cfg.mac);
    assert_int_equal(h.nframes, 0);
    ping_in(&h, mac_evil, STRANGE);
    assert_int_equal(sent_to(&h, dst), TK_ETHERTYPE_ARP);
    assert_memory_equal(dst, bcast, 6);
    printf("SEC-11: 4 gratuitous ARP packets with another MAC refused "
           "(arp_gratuitous_refused = %llu)\n",
           (unsigned long long)st->arp_gratuitous_refused);
    tkh_fini(&h);
}

/* RFC 826 merge rule for the rest: a request whose sender is cached updates
 * the entry even when it asks for somebody else; a request for somebody
 * else from an unknown sender creates nothing; a reply to our own request
 * resolves. */
static void test_SEC_11_rfc826_merge_rule(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    resolve_peer(&h);
    arp_in(&h, TK_ARP_REQUEST, mac_new, PEER, OTHER, bcast);
    assert_int_equal(h.nframes, 0);
    expect_reply_to(&h, mac_real, mac_new);
    arp_in(&h, TK_ARP_REQUEST, mac_evil, STRANGE, OTHER, bcast);
    uint8_t dst[6];
    ping_in(&h, mac_evil, STRANGE);
    assert_int_equal(sent_to(&h, dst), TK_ETHERTYPE_ARP);
    assert_memory_equal(dst, bcast, 6);
    /* Our request is outstanding: the reply to us resolves and releases the
     * queued echo reply. */
    arp_in(&h, TK_ARP_REPLY, mac_evil, STRANGE, TKH_LOCAL_ADDR, h.cfg.mac);
    assert_int_equal(sent_to(&h, dst), TK_ETHERTYPE_IPV4);
    assert_memory_equal(dst, mac_evil, 6);
    assert_int_equal(tk_stack_stats(h.s)->arp_gratuitous_refused, 0);
    tkh_fini(&h);
}

/* arp_accept_gratuitous: an announcement updates an existing entry (IP
 * takeover), still never creates one. */
static void test_SEC_11_accept_gratuitous_updates_only(void **state) {
    (void)state;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.arp_accept_gratuitous = true;
    tkh h;
    tkh_init(&h, &cfg);
    resolve_peer(&h);
    arp_in(&h, TK_ARP_REQUEST, mac_new, PEER, PEER, bcast);
    expect_reply_to(&h, mac_real, mac_new);
    arp_in(&h, TK_ARP_REPLY, mac_evil, STRANGE, STRANGE, bcast);
    uint8_t dst[6];
    ping_in(&h, mac_evil, STRANGE);
    assert_int_equal(sent_to(&h, dst), TK_ETHERTYPE_ARP);
    assert_int_equal(tk_stack_stats(h.s)->arp_gratuitous_refused, 0);
    tkh_fini(&h);
}

/* Learning only from ARP, a neighbour in use is kept by a unicast poll
 * (RFC 1122 2.3.2.1) in the last arp_retries * arp_retry_interval of its
 * entry; the answer is a reply to our request, so it is accepted. */
static void test_SEC_11_entry_in_use_refreshed_by_poll(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    tk_time t0 = h.now;
    resolve_peer(&h);
    h.now = t0 + h.cfg.arp_ttl - TK_SEC(4);
    expect_reply_to(&h, mac_real, mac_real);
    h.now = t0 + h.cfg.arp_ttl - TK_SEC(3);
    ping_in(&h, mac_real, PEER);
    assert_int_equal(h.nframes, 2);
    tkh_frame *poll = &h.frames[1];
    tk_eth_hdr eh;
    tk_arp_pkt a;
    tk_wire_eth_parse(poll->buf, poll->len, &eh);
    assert_int_equal(eh.type, TK_ETHERTYPE_ARP);
    assert_memory_equal(eh.dst, mac_real, 6);
    assert_int_equal(tk_wire_arp_parse(poll->buf + 14, poll->len - 14, &a), TK_ARP_LEN);
    assert_int_equal(a.op, TK_ARP_REQUEST);
    assert_int_equal(a.tpa, PEER);
    tkh_clear(&h);
    arp_in(&h, TK_ARP_REPLY, mac_real, PEER, TKH_LOCAL_ADDR, h.cfg.mac);
    h.now = t0 + h.cfg.arp_ttl + TK_SEC(30);
    expect_reply_to(&h, mac_real, mac_real);
    assert_int_equal(tk_stack_stats(h.s)->arp_requests_sent, 1);
    assert_int_equal(tk_stack_stats(h.s)->arp_gratuitous_refused, 0);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_SEC_11_ipv4_never_changes_an_entry),
        cmocka_unit_test(test_SEC_11_gratuitous_arp_refused),
        cmocka_unit_test(test_SEC_11_rfc826_merge_rule),
        cmocka_unit_test(test_SEC_11_accept_gratuitous_updates_only),
        cmocka_unit_test(test_SEC_11_entry_in_use_refreshed_by_poll),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
