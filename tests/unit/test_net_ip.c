/* Ethernet/IPv4 in and out: validation drops, ARP replies, ICMP echo,
 * neighbour learning (SEC-4, NET-1 parts the engine owns). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_harness.h"
#include "tcpkit/opts.h"
#include "tcpkit/wire/arp.h"
#include "tcpkit/wire/err.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/icmp.h"
#include "tcpkit/wire/ipv4.h"

static const uint8_t local_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t other_mac[6] = {0x02, 0, 0, 0, 0, 0x33};

static size_t eth(uint8_t *buf, const uint8_t *dst, uint16_t type) {
    tk_eth_hdr eh;
    memcpy(eh.dst, dst, 6);
    memcpy(eh.src, other_mac, 6);
    eh.type = type;
    return (size_t)tk_wire_eth_emit(&eh, buf, 14);
}

static size_t ipv4(uint8_t *buf, uint32_t src, uint32_t dst, uint8_t proto, size_t plen) {
    tk_ipv4_hdr ih;
    memset(&ih, 0, sizeof(ih));
    ih.total_len = (uint16_t)(20 + plen);
    ih.ttl = 64;
    ih.proto = proto;
    ih.src = src;
    ih.dst = dst;
    return (size_t)tk_wire_ipv4_emit(&ih, buf, 20);
}

static void test_net_arp_request_answered(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    uint8_t f[64];
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    size_t n = eth(f, bcast, TK_ETHERTYPE_ARP);
    tk_arp_pkt a = {.op = TK_ARP_REQUEST, .spa = 0xc6120009u, .tpa = TKH_LOCAL_ADDR};
    memcpy(a.sha, other_mac, 6);
    n += (size_t)tk_wire_arp_emit(&a, f + n, 28);
    assert_int_equal(tk_stack_input(h.s, f, n, h.now), 0);
    assert_int_equal(h.nframes, 1);
    tk_eth_hdr eh;
    tk_wire_eth_parse(h.frames[0].buf, h.frames[0].len, &eh);
    assert_memory_equal(eh.dst, other_mac, 6);
    assert_int_equal(eh.type, TK_ETHERTYPE_ARP);
    tk_arp_pkt r;
    assert_int_equal(tk_wire_arp_parse(h.frames[0].buf + 14, h.frames[0].len - 14, &r), 28);
    assert_int_equal(r.op, TK_ARP_REPLY);
    assert_int_equal(r.spa, TKH_LOCAL_ADDR);
    assert_memory_equal(r.sha, local_mac, 6);
    assert_int_equal(r.tpa, 0xc6120009u);
    /* The sender was learned: a RST to it now finds its MAC. */
    h.rport = 1;
    tkh_fini(&h);
}

static void test_net_icmp_echo_reply(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    uint8_t f[128];
    size_t n = eth(f, local_mac, TK_ETHERTYPE_IPV4);
    static const uint8_t payload[] = "ping-data";
    tk_icmp_hdr ic = {.type = TK_ICMP_ECHO_REQUEST,
                      .rest = 0x12340001u,
                      .data = payload,
                      .data_len = sizeof(payload)};
    uint8_t icmp[64];
    int ilen = tk_wire_icmp_emit(&ic, icmp, sizeof(icmp));
    n += ipv4(f + n, TKH_REMOTE_ADDR, TKH_LOCAL_ADDR, TK_IPPROTO_ICMP, (size_t)ilen);
    memcpy(f + n, icmp, (size_t)ilen);
    n += (size_t)ilen;
    assert_int_equal(tk_stack_input(h.s, f, n, h.now), 0);
    assert_int_equal(h.nframes, 1);
    const uint8_t *o = h.frames[0].buf;
    tk_ipv4_hdr ih;
    assert_int_equal(tk_wire_ipv4_parse(o + 14, h.frames[0].len - 14, true, &ih), 20);
    assert_int_equal(ih.src, TKH_LOCAL_ADDR);
    assert_int_equal(ih.dst, TKH_REMOTE_ADDR);
    tk_icmp_hdr rep;
    assert_int_equal(tk_wire_icmp_parse(o + 34, ih.total_len - 20u, true, &rep), 8);
    assert_int_equal(rep.type, TK_ICMP_ECHO_REPLY);
    assert_int_equal(rep.rest, 0x12340001u);
    assert_int_equal(rep.data_len, sizeof(payload));
    assert_memory_equal(rep.data, payload, sizeof(payload));
    assert_int_equal(tk_stack_stats(h.s)->icmp_echo_replies, 1);
    tkh_fini(&h);
}

/* SEC-4: malformed or foreign frames are dropped and counted by reason. */
static void test_net_bad_frames_dropped(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    uint8_t f[128];
    memset(f, 0, sizeof(f));
    assert_true(tk_stack_input(h.s, f, 10, h.now) < 0);
    assert_int_equal(tk_stack_stats(h.s)->drop_eth_short, 1);
    size_t n = eth(f, other_mac, TK_ETHERTYPE_IPV4);
    assert_true(tk_stack_input(h.s, f, n + 20, h.now) < 0);
    assert_int_equal(tk_stack_stats(h.s)->drop_eth_not_for_us, 1);
    n = eth(f, local_mac, 0x88cc);
    assert_true(tk_stack_input(h.s, f, n + 20, h.now) < 0);
    assert_int_equal(tk_stack_stats(h.s)->drop_eth_type, 1);
    n = eth(f, local_mac, TK_ETHERTYPE_IPV4);
    ipv4(f + n, TKH_REMOTE_ADDR, TKH_LOCAL_ADDR, TK_IPPROTO_TCP, 20);
    f[n + 10] ^= 0xff; /* header checksum */
    assert_true(tk_stack_input(h.s, f, n + 40, h.now) < 0);
    assert_int_equal(tk_stack_stats(h.s)->drop_ip_bad_csum, 1);
    ipv4(f + n, TKH_REMOTE_ADDR, 0xc6120077u, TK_IPPROTO_TCP, 20);
    assert_true(tk_stack_input(h.s, f, n + 40, h.now) < 0);
    assert_int_equal(tk_stack_stats(h.s)->drop_ip_not_for_us, 1);
    ipv4(f + n, TKH_REMOTE_ADDR, TKH_LOCAL_ADDR, 47, 20); /* GRE */
    assert_true(tk_stack_input(h.s, f, n + 40, h.now) < 0);
    assert_int_equal(tk_stack_stats(h.s)->drop_ip_proto, 1);
    /* UDP goes to the tunnel code (tcp/encap.c): zeros are a bad length.
     * With TCP over UDP compiled out, UDP is an unknown protocol. */
    ipv4(f + n, TKH_REMOTE_ADDR, TKH_LOCAL_ADDR, TK_IPPROTO_UDP, 20);
#if TK_WITH_ENCAP
    assert_int_equal(tk_stack_input(h.s, f, n + 40, h.now), TK_WIRE_UDP_LEN);
    assert_int_equal(tk_stack_stats(h.s)->drop_udp_bad_header, 1);
    assert_int_equal(tk_stack_stats(h.s)->drop_ip_proto, 1);
#else
    assert_true(tk_stack_input(h.s, f, n + 40, h.now) < 0);
    assert_int_equal(tk_stack_stats(h.s)->drop_udp_bad_header, 0);
    assert_int_equal(tk_stack_stats(h.s)->drop_ip_proto, 2);
#endif
    ipv4(f + n, TKH_REMOTE_ADDR, TKH_LOCAL_ADDR, TK_IPPROTO_TCP, 100);
    assert_true(tk_stack_input(h.s, f, n + 40, h.now) < 0); /* total length past the frame */
    assert_int_equal(tk_stack_stats(h.s)->drop_ip_bad_header, 1);
    /* A TCP segment with a bad checksum. */
    tk_tcp_hdr th;
    memset(&th, 0, sizeof(th));
    th.sport = 1;
    th.dport = 80;
    th.flags = TK_TCP_SYN;
    ipv4(f + n, TKH_REMOTE_ADDR, TKH_LOCAL_ADDR, TK_IPPROTO_TCP, 20);
    tk_wire_tcp_emit(&th, NULL, 0, TKH_REMOTE_ADDR, TKH_LOCAL_ADDR, f + n + 20, 20);
    f[n + 20 + 16] ^= 1;
    assert_true(tk_stack_input(h.s, f, n + 40, h.now) < 0);
    assert_int_equal(tk_stack_stats(h.s)->drop_tcp_bad_csum, 1);
    assert_int_equal(h.nframes, 0);
    tkh_fini(&h);
}

/* Fragments are not reassembled: dropped and counted. */
static void test_net_fragment_dropped(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    uint8_t f[128];
    size_t n = eth(f, local_mac, TK_ETHERTYPE_IPV4);
    tk_ipv4_hdr ih;
    memset(&ih, 0, sizeof(ih));
    ih.total_len = 40;
    ih.ttl = 64;
    ih.frag = TK_IPV4_MF;
    ih.proto = TK_IPPROTO_TCP;
    ih.src = TKH_REMOTE_ADDR;
    ih.dst = TKH_LOCAL_ADDR;
    tk_wire_ipv4_emit(&ih, f + n, 20);
    memset(f + n + 20, 0, 20);
    assert_true(tk_stack_input(h.s, f, n + 40, h.now) < 0);
    assert_int_equal(tk_stack_stats(h.s)->drop_ip_fragment, 1);
    tkh_fini(&h);
}

/* Without a neighbour entry the SYN waits for ARP: a request goes out, and
 * the reply releases the queued frame. */
static void test_net_unresolved_next_hop_waits_for_arp(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    int sd = tk_socket(h.s);
    tk_sockaddr r = tk_sockaddr_in4(0xc6130005u, 80);
    assert_int_equal(tk_connect(h.s, sd, &r), -EINPROGRESS);
    tkh_poll(&h);
    assert_int_equal(tk_stack_stats(h.s)->out_no_neighbor, 1);
    assert_int_equal(h.nframes, 1);
    tk_eth_hdr eh;
    tk_wire_eth_parse(h.frames[0].buf, h.frames[0].len, &eh);
    assert_int_equal(eh.type, TK_ETHERTYPE_ARP);
    tk_arp_pkt req;
    assert_int_equal(tk_wire_arp_parse(h.frames[0].buf + 14, h.frames[0].len - 14, &req), 28);
    assert_int_equal(req.op, TK_ARP_REQUEST);
    assert_int_equal(req.tpa, 0xc6130005u);
    uint8_t f[64];
    size_t n = eth(f, local_mac, TK_ETHERTYPE_ARP);
    tk_arp_pkt rep = {.op = TK_ARP_REPLY, .spa = 0xc6130005u, .tpa = TKH_LOCAL_ADDR};
    memcpy(rep.sha, other_mac, 6);
    memcpy(rep.tha, local_mac, 6);
    n += (size_t)tk_wire_arp_emit(&rep, f + n, 28);
    assert_int_equal(tk_stack_input(h.s, f, n, h.now), 0);
    assert_int_equal(h.nframes, 2);
    tk_wire_eth_parse(h.frames[1].buf, h.frames[1].len, &eh);
    assert_int_equal(eh.type, TK_ETHERTYPE_IPV4);
    assert_memory_equal(eh.dst, other_mac, 6);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_net_arp_request_answered),
        cmocka_unit_test(test_net_icmp_echo_reply),
        cmocka_unit_test(test_net_bad_frames_dropped),
        cmocka_unit_test(test_net_fragment_dropped),
        cmocka_unit_test(test_net_unresolved_next_hop_waits_for_arp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
