/* Link offloads over IPv6 (SPEC NET-7, NET-4): a TCP/IPv6 connection on a
 * link with checksum offload and TSO6 hands the link partial checksums and
 * super-segments (TK_TX_TSO6, exact fields), the simulated link cuts them
 * into whole frames with the IPv6 payload length and the TCP checksum
 * right, the data arrives intact; the TAP driver's virtio-net header says
 * GSO_TCPV6; a request of the wrong IP version is refused. */
#include <errno.h>
#include <linux/virtio_net.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "gso.h"
#include "simnet.h"
#include "support/tk_simxfer.h"
#include "tap.h"
#include "tcp/addr6.h"
#include "tcpkit/socket.h"
#include "tcpkit/stats.h"
#include "tcpkit/wire/checksum.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/ipv4.h"
#include "tcpkit/wire/ipv6.h"
#include "tcpkit/wire/tcp.h"

#define FRAME_CAP  (65535 + 14)
#define L4_START   54u   /* Ethernet + IPv6 */
#define TS_HDR_LEN 32u   /* TCP header with the timestamp option */
#define SEG_SIZE   1428u /* MSS 1440 (MTU - 60) less the timestamps */

static const uint8_t addr_a[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t addr_b[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

typedef struct rec {
    uint32_t tso6, tso4, partial, wire_frames, wire_bad, wire_v4;
    size_t tx_max, wire_max;
    tk_link_tx first_tx;
    uint8_t first[FRAME_CAP];
    size_t first_len;
} rec;

static uint16_t be16(const uint8_t *p) {
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void on_tx(void *ctx, int side, const uint8_t *frame, size_t len, const tk_link_tx *tx) {
    rec *r = ctx;
    if (side != TK_SIM_A)
        return;
    r->tx_max = len > r->tx_max ? len : r->tx_max;
    if ((tx->flags & TK_TX_TSO6) && r->tso6++ == 0) {
        r->first_tx = *tx;
        memcpy(r->first, frame, len);
        r->first_len = len;
    }
    if (tx->flags & TK_TX_TSO4)
        r->tso4++;
    if (tx->flags & TK_TX_CSUM_PARTIAL)
        r->partial++;
}

/* A TCP/IPv6 frame on the wire: within the MTU, its checksum right. */
static void on_frame(void *ctx, int side, int where, const uint8_t *frame, size_t len, tk_time now,
                     int outcome) {
    (void)now, (void)outcome;
    rec *r = ctx;
    if (side != TK_SIM_A || where != TK_SIM_TX)
        return;
    if (be16(frame + 12) == TK_ETHERTYPE_IPV4)
        r->wire_v4++;
    if (be16(frame + 12) != TK_ETHERTYPE_IPV6 || frame[14 + 6] != 6)
        return;
    r->wire_frames++;
    r->wire_max = len > r->wire_max ? len : r->wire_max;
    uint32_t ps, pd;
    tk_addr6_pseudo(frame + 22, frame + 38, &ps, &pd);
    tk_tcp_hdr h;
    if (be16(frame + 18) != len - L4_START ||
        tk_wire_tcp_parse(frame + L4_START, len - L4_START, ps, pd, true, &h) < 0)
        r->wire_bad++;
}

/* A sends len patterned bytes to B over IPv6; returns the bytes B read
 * that match. */
static uint64_t transfer6(uint32_t caps, rec *r, uint64_t len) {
    tk_simnet_opts o;
    tk_simnet_opts_default(&o, 7);
    for (int i = 0; i < 2; i++) {
        o.cfg[i].link_caps = caps;
        o.cfg[i].ipv6 = true;
        o.cfg[i].dad_transmits = 0;
        memcpy(o.cfg[i].addr6, i == 0 ? addr_a : addr_b, 16);
    }
    o.on_tx = on_tx;
    o.on_frame = on_frame;
    o.ctx = r;
    memset(r, 0, sizeof *r);
    tk_simnet *n = NULL;
    assert_int_equal(tk_simnet_create(&n, &o), 0);
    tk_sockaddr at = tk_sockaddr_in6(addr_b, 80, 0);
    uint64_t got = tk_simxfer(n, &at, len);
    tk_simnet_destroy(n);
    return got;
}

static void test_NET_07_NET_04_tso6_super_segments(void **state) {
    (void)state;
    static rec r;
    assert_int_equal(transfer6(TK_LINK_CSUM_TCP | TK_LINK_TSO4 | TK_LINK_TSO6, &r, 400000), 400000);
    assert_true(r.tso6 > 0);
    assert_int_equal(r.tso4, 0);
    const tk_link_tx *tx = &r.first_tx;
    assert_int_equal(tx->flags, TK_TX_CSUM_PARTIAL | TK_TX_TSO6);
    assert_int_equal(tx->csum_start, L4_START);
    assert_int_equal(tx->csum_offset, 16);
    assert_int_equal(tx->hdr_len, L4_START + TS_HDR_LEN);
    assert_int_equal(tx->seg_size, SEG_SIZE);
    size_t payload = r.first_len - tx->hdr_len;
    assert_true(payload > SEG_SIZE);
    assert_int_equal(payload % SEG_SIZE, 0);
    assert_int_equal(be16(r.first + 18), r.first_len - L4_START); /* IPv6 payload length */
    /* The checksum field: the folded pseudo-header sum of RFC 8200 8.1. */
    uint32_t ps, pd;
    tk_addr6_pseudo(r.first + 22, r.first + 38, &ps, &pd);
    uint32_t sum = tk_csum_pseudo(ps, pd, TK_IPPROTO_TCP, (uint16_t)(r.first_len - L4_START));
    assert_int_equal(be16(r.first + L4_START + 16), (uint16_t)~tk_csum_finish(sum));
    assert_true(r.tx_max > 1514);
    assert_int_equal(r.wire_bad, 0);
    assert_int_equal(r.wire_max, 1514);
    assert_int_equal(r.wire_v4, 0);
}

/* Without TSO6 only checksums are offloaded; without either, nothing. */
static void test_NET_07_NET_04_tso6_off(void **state) {
    (void)state;
    static rec r;
    assert_int_equal(transfer6(TK_LINK_CSUM_TCP | TK_LINK_TSO4, &r, 100000), 100000);
    assert_int_equal(r.tso6, 0);
    assert_true(r.partial > 0);
    assert_int_equal(r.tx_max, 1514);
    assert_int_equal(r.wire_bad, 0);
    assert_int_equal(transfer6(0, &r, 100000), 100000);
    assert_int_equal(r.partial, 0);
    assert_int_equal(r.wire_bad, 0);
}

static int count_frames;
static void count(void *ctx, const uint8_t *frame, size_t len) {
    (void)ctx, (void)frame, (void)len;
    count_frames++;
}

/* The TAP header of a TSO6 frame; a TSO4 request on an IPv6 frame (and a
 * TSO6 one on IPv4) is refused by the software segmenter. */
static void test_NET_07_NET_04_tso6_vnet_hdr_and_version_check(void **state) {
    (void)state;
    static uint8_t f[200];
    memset(f, 0, sizeof f);
    f[12] = 0x86, f[13] = 0xdd;
    f[14] = 0x60;
    f[14 + 5] = 200 - 54;
    f[14 + 6] = 6;
    f[L4_START + 12] = 5 << 4;
    tk_link_tx tx = {TK_TX_CSUM_PARTIAL | TK_TX_TSO6, L4_START, 16, L4_START + 20, 100};
    struct virtio_net_hdr h;
    tk_tap_vnet_hdr(&h, f, sizeof f, &tx);
    assert_int_equal(h.gso_type, VIRTIO_NET_HDR_GSO_TCPV6);
    assert_int_equal(h.gso_size, 100);
    assert_int_equal(h.hdr_len, L4_START + 20);
    assert_int_equal(h.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
    static uint8_t scratch[1514];
    count_frames = 0;
    assert_int_equal(tk_gso_segment(f, sizeof f, &tx, scratch, sizeof scratch, count, NULL), 2);
    assert_int_equal(count_frames, 2);
    tx.flags = TK_TX_CSUM_PARTIAL | TK_TX_TSO4;
    assert_int_equal(tk_gso_segment(f, sizeof f, &tx, scratch, sizeof scratch, count, NULL),
                     -EINVAL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_NET_07_NET_04_tso6_super_segments),
        cmocka_unit_test(test_NET_07_NET_04_tso6_off),
        cmocka_unit_test(test_NET_07_NET_04_tso6_vnet_hdr_and_version_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
