/* The shared decoder of frames carrying TCP (tools/lib/capture/frame_tcp.c):
 * plain or inside UDP, what is not TCP (-ENOENT) and what is malformed
 * (-EINVAL), checksums verified unless asked not to. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/capture/frame_tcp.h"
#include "tcpkit/wire/checksum.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/ipv4.h"
#include "tcpkit/wire/udp.h"

#define SRC     0xc6120001u
#define DST     0xc6120002u
#define IP_OFF  TK_ETH_HLEN
#define L4_OFF  (TK_ETH_HLEN + TK_IPV4_HLEN)
#define PAYLOAD 5

static const tk_tcp_hdr hdr = {
    .sport = 8080, .dport = 50000, .seq = 7, .ack = 9, .flags = TK_TCP_ACK, .win = 512};

static void eth_ip(uint8_t *f, uint8_t proto, size_t l4len) {
    tk_eth_hdr eth = {.dst = {2, 0, 0, 0, 0, 2}, .src = {2, 0, 0, 0, 0, 1}, .type = 0x0800};
    tk_ipv4_hdr ip = {.total_len = (uint16_t)(TK_IPV4_HLEN + l4len),
                      .ttl = 64,
                      .tos = 0x10,
                      .proto = proto,
                      .src = SRC,
                      .dst = DST};
    assert_int_equal(tk_wire_eth_emit(&eth, f, TK_ETH_HLEN), TK_ETH_HLEN);
    assert_int_equal(tk_wire_ipv4_emit(&ip, f + IP_OFF, TK_IPV4_HLEN), TK_IPV4_HLEN);
}

/* A plain segment with PAYLOAD bytes, and 6 bytes of Ethernet padding. */
static size_t plain(uint8_t *f) {
    static const uint8_t data[PAYLOAD] = {1, 2, 3, 4, 5};
    int seg = tk_wire_tcp_emit(&hdr, data, PAYLOAD, SRC, DST, f + L4_OFF, 200);
    assert_true(seg > 0);
    eth_ip(f, TK_IPPROTO_TCP, (size_t)seg);
    memset(f + L4_OFF + seg, 0, 6);
    return L4_OFF + (size_t)seg + 6;
}

/* The segment (no payload) inside UDP 9811 > 1; udp_csum false sends none. */
static size_t in_udp(uint8_t *f, bool udp_csum) {
    uint8_t *tcp = f + L4_OFF + TK_UDP_HLEN;
    int seg = tk_wire_tcp_emit(&hdr, NULL, 0, SRC, DST, tcp, 200);
    assert_true(seg > 0);
    tk_udp_hdr u = {.sport = 9811, .dport = 1};
    int dg = tk_wire_udp_emit(&u, (size_t)seg, tk_csum_add(0, tcp, (size_t)seg), SRC, DST,
                              f + L4_OFF, 208);
    assert_int_equal(dg, seg + TK_UDP_HLEN);
    if (!udp_csum)
        f[L4_OFF + 6] = f[L4_OFF + 7] = 0;
    eth_ip(f, TK_IPPROTO_UDP, (size_t)dg);
    return L4_OFF + (size_t)dg;
}

static void test_plain(void **state) {
    (void)state;
    uint8_t f[200];
    size_t n = plain(f);
    tk_frame_tcp d;
    assert_int_equal(tk_frame_tcp_decode(f, n, 0, &d), 0);
    assert_false(d.udp);
    assert_int_equal(d.ip.tos, 0x10);
    assert_int_equal(d.ip.ttl, 64);
    assert_int_equal(d.tcp.sport, 8080);
    assert_int_equal(d.tcp.seq, 7);
    assert_int_equal(d.tcp.ack, 9);
    assert_int_equal(d.tcp.win, 512);
    assert_int_equal(d.tcp_hlen, TK_TCP_HLEN);
    assert_int_equal(d.payload_len, PAYLOAD); /* the padding is not payload */
    assert_int_equal(d.payload[4], 5);
    assert_ptr_equal(d.seg, f + L4_OFF);
}

static void test_not_tcp(void **state) {
    (void)state;
    uint8_t f[200] = {0};
    tk_frame_tcp d;
    assert_int_equal(tk_frame_tcp_decode(f, 10, 0, &d), -ENOENT); /* shorter than Ethernet */
    size_t n = plain(f);
    f[12] = 0x08, f[13] = 0x06; /* ARP */
    assert_int_equal(tk_frame_tcp_decode(f, n, 0, &d), -ENOENT);
    n = in_udp(f, true);
    assert_int_equal(tk_frame_tcp_decode(f, n, 0, &d), -ENOENT);
}

static void test_in_udp(void **state) {
    (void)state;
    uint8_t f[200];
    tk_frame_tcp d;
    size_t n = in_udp(f, true);
    assert_int_equal(tk_frame_tcp_decode(f, n, TK_FRAME_TCP_IN_UDP, &d), 0);
    assert_true(d.udp);
    assert_int_equal(d.udp_sport, 9811);
    assert_int_equal(d.udp_dport, 1);
    assert_int_equal(d.tcp.seq, 7);
    assert_int_equal(d.payload_len, 0);
    n = in_udp(f, false); /* a tunnelled segment must carry a UDP checksum */
    assert_int_equal(tk_frame_tcp_decode(f, n, TK_FRAME_TCP_IN_UDP, &d), -EINVAL);
}

static void test_checksums(void **state) {
    (void)state;
    uint8_t f[200];
    tk_frame_tcp d;
    size_t n = plain(f);
    f[L4_OFF + TK_TCP_HLEN] ^= 0xff; /* a payload byte */
    assert_int_equal(tk_frame_tcp_decode(f, n, 0, &d), -EINVAL);
    assert_int_equal(tk_frame_tcp_decode(f, n, TK_FRAME_TCP_NO_CSUM, &d), 0);
    f[IP_OFF] = 0x55; /* IP version 5 */
    assert_int_equal(tk_frame_tcp_decode(f, n, TK_FRAME_TCP_NO_CSUM, &d), -EINVAL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_not_tcp),
        cmocka_unit_test(test_in_udp),
        cmocka_unit_test(test_checksums),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
