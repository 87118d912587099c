/* Link capabilities (SPEC NET-7): the offload requests a stack hands a
 * link with checksum offload and TSO (exact tk_link_tx and virtio-net
 * header fields), the super-segments and what the simulated link cuts them
 * into, offloads switched off, and receive trusting the link's checksum
 * verdict. */
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
#include "support/tk_harness.h"
#include "support/tk_simxfer.h"
#include "tap.h"
#include "tcpkit/socket.h"
#include "tcpkit/stats.h"
#include "tcpkit/wire/checksum.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/tcp.h"

#define FRAME_CAP  (65535 + 14)
#define L4_START   34u /* Ethernet + IPv4 */
#define TS_HDR_LEN 32u /* TCP header with the timestamp option */
#define SEG_SIZE   1448u

typedef struct rec {
    uint32_t tx_frames, tso, partial, plain, wire_frames, wire_bad;
    size_t tx_max, wire_max;
    tk_link_tx first_tx; /* of the first super-segment of A */
    uint8_t first[FRAME_CAP];
    size_t first_len;
} rec;

static uint16_t be16(const uint8_t *p) {
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p) {
    return (uint32_t)be16(p) << 16 | be16(p + 2);
}

static void on_tx(void *ctx, int side, const uint8_t *frame, size_t len, const tk_link_tx *tx) {
    rec *r = ctx;
    if (side != TK_SIM_A)
        return;
    r->tx_frames++;
    r->tx_max = len > r->tx_max ? len : r->tx_max;
    if (tx->flags & TK_TX_TSO4) {
        if (r->tso++ == 0) {
            r->first_tx = *tx;
            memcpy(r->first, frame, len);
            r->first_len = len;
        }
    }
    if (tx->flags & TK_TX_CSUM_PARTIAL)
        r->partial++;
    if (tx->flags == 0)
        r->plain++;
}

/* A frame on the wire: complete, within the MTU, checksums right. */
static void on_frame(void *ctx, int side, int where, const uint8_t *frame, size_t len, tk_time now,
                     int outcome) {
    (void)now;
    (void)outcome;
    rec *r = ctx;
    if (side != TK_SIM_A || where != TK_SIM_TX || be16(frame + 12) != TK_ETHERTYPE_IPV4)
        return;
    r->wire_frames++;
    r->wire_max = len > r->wire_max ? len : r->wire_max;
    const uint8_t *ip = frame + 14;
    tk_tcp_hdr h;
    if (tk_csum_finish(tk_csum_add(0, ip, 20)) != 0 ||
        tk_wire_tcp_parse(ip + 20, len - L4_START, be32(ip + 12), be32(ip + 16), true, &h) < 0)
        r->wire_bad++;
}

/* A sends len patterned bytes to B; returns the bytes B read that match. */
static uint64_t transfer(uint32_t caps, rec *r, uint64_t len, tk_simnet **out) {
    tk_simnet_opts o;
    tk_simnet_opts_default(&o, 5);
    for (int i = 0; i < 2; i++)
        o.cfg[i].link_caps = caps;
    o.on_tx = on_tx;
    o.on_frame = on_frame;
    o.ctx = r;
    memset(r, 0, sizeof *r);
    tk_simnet *n = NULL;
    assert_int_equal(tk_simnet_create(&n, &o), 0);
    tk_sockaddr at = tk_sockaddr_in4(TK_SIM_ADDR_B, 80);
    *out = n;
    return tk_simxfer(n, &at, len);
}

static void test_NET_7_tso_super_segment_header_fields(void **state) {
    (void)state;
    static rec r;
    tk_simnet *n;
    assert_int_equal(transfer(TK_LINK_CSUM_TCP | TK_LINK_TSO4, &r, 400000, &n), 400000);
    assert_true(r.tso > 0);
    assert_int_equal(tk_stack_stats(tk_simnet_stack(n, TK_SIM_A))->tso_frames_out, r.tso);
    const tk_link_tx *tx = &r.first_tx;
    assert_int_equal(tx->flags, TK_TX_CSUM_PARTIAL | TK_TX_TSO4);
    assert_int_equal(tx->csum_start, L4_START);
    assert_int_equal(tx->csum_offset, 16);
    assert_int_equal(tx->hdr_len, L4_START + TS_HDR_LEN);
    assert_int_equal(tx->seg_size, SEG_SIZE); /* MSS 1460 less the timestamps */
    size_t payload = r.first_len - tx->hdr_len;
    assert_true(payload > SEG_SIZE);
    assert_int_equal(payload % SEG_SIZE, 0);                /* whole segments only */
    assert_int_equal(be16(r.first + 16), r.first_len - 14); /* IPv4 total length */
    /* The checksum field holds the folded pseudo-header sum. */
    uint32_t ps = tk_csum_pseudo(be32(r.first + 26), be32(r.first + 30), TK_IPPROTO_TCP,
                                 (uint16_t)(r.first_len - L4_START));
    assert_int_equal(be16(r.first + L4_START + 16), (uint16_t)~tk_csum_finish(ps));
    assert_true(r.tx_max > 1514 && r.tx_max <= FRAME_CAP);
    /* The link carried only complete frames within the MTU. */
    assert_int_equal(r.wire_bad, 0);
    assert_int_equal(r.wire_max, 1514);
    assert_true(r.wire_frames > r.tx_frames);
    tk_simnet_destroy(n);
}

typedef struct cut {
    int n;
    uint8_t f[64][1514];
    size_t len[64];
} cut;

static void collect(void *ctx, const uint8_t *frame, size_t len) {
    cut *c = ctx;
    assert_true(c->n < 64 && len <= 1514);
    memcpy(c->f[c->n], frame, len);
    c->len[c->n++] = len;
}

static void test_NET_7_simulated_link_cuts_super_segment_exactly(void **state) {
    (void)state;
    static rec r;
    static cut c;
    tk_simnet *n;
    assert_int_equal(transfer(TK_LINK_CSUM_TCP | TK_LINK_TSO4, &r, 400000, &n), 400000);
    tk_simnet_destroy(n);
    assert_true(r.tso > 0);
    uint8_t *tcp = r.first + L4_START;
    tcp[13] |= 0x80 | 0x08 | 0x01; /* CWR, PSH and FIN: where do they go? */
    size_t hl = r.first_tx.hdr_len, payload = r.first_len - hl;
    int want = (int)(payload / SEG_SIZE);
    memset(&c, 0, sizeof c);
    assert_int_equal(tk_gso_segment(r.first, r.first_len, &r.first_tx, c.f[63], 1514, collect, &c),
                     want);
    uint32_t seq0 = be32(tcp + 4);
    uint16_t id0 = be16(r.first + 18);
    for (int i = 0; i < want; i++) {
        const uint8_t *f = c.f[i], *ip = f + 14, *t = f + L4_START;
        assert_int_equal(c.len[i], hl + SEG_SIZE);
        assert_int_equal(be16(ip + 2), 20 + TS_HDR_LEN + SEG_SIZE);
        assert_int_equal(be16(ip + 4), (uint16_t)(id0 + i));
        assert_int_equal(tk_csum_finish(tk_csum_add(0, ip, 20)), 0);
        assert_memory_equal(t + 20, tcp + 20, TS_HDR_LEN - 20); /* options copied */
        assert_memory_equal(f + hl, r.first + hl + (size_t)i * SEG_SIZE, SEG_SIZE);
        tk_tcp_hdr h;
        assert_int_equal(
            tk_wire_tcp_parse(t, TS_HDR_LEN + SEG_SIZE, be32(ip + 12), be32(ip + 16), true, &h),
            TS_HDR_LEN);
        assert_int_equal(h.seq, seq0 + (uint32_t)i * SEG_SIZE);
        uint8_t fl = TK_TCP_ACK | (i == 0 ? 0x80 : 0) | (i == want - 1 ? 0x09 : 0);
        assert_int_equal(h.flags, fl);
    }
}

static void count_frame(void *ctx, const uint8_t *frame, size_t len) {
    cut *c = ctx;
    assert_true(c->n < 64 && len <= 1514);
    memcpy(c->f[c->n], frame, len);
    c->len[c->n++] = len;
}

/* A frame without requests (tx NULL, as tk_stack_io.output frames reach
 * the TAP loop's capture, or flags 0) passes through untouched. */
static void test_NET_7_gso_without_requests_passes_frame(void **state) {
    (void)state;
    static cut c;
    uint8_t frame[60];
    for (size_t i = 0; i < sizeof frame; i++)
        frame[i] = (uint8_t)i;
    memset(&c, 0, sizeof c);
    assert_int_equal(tk_gso_segment(frame, sizeof frame, NULL, c.f[63], 1514, count_frame, &c), 1);
    tk_link_tx none = {0, 0, 0, 0, 0};
    assert_int_equal(tk_gso_segment(frame, sizeof frame, &none, c.f[63], 1514, count_frame, &c), 1);
    assert_int_equal(c.n, 2);
    assert_int_equal(c.len[0], sizeof frame);
    assert_memory_equal(c.f[0], frame, sizeof frame);
    assert_memory_equal(c.f[1], frame, sizeof frame);
    /* Requests that do not fit the frame are refused, not followed. */
    tk_link_tx bad = {TK_TX_CSUM_PARTIAL, 200, 16, 0, 0};
    assert_int_equal(tk_gso_segment(frame, sizeof frame, &bad, c.f[63], 1514, count_frame, &c),
                     -EINVAL);
    assert_int_equal(c.n, 2);
}

static void test_NET_7_checksum_offload_without_tso(void **state) {
    (void)state;
    static rec r;
    tk_simnet *n;
    assert_int_equal(transfer(TK_LINK_CSUM_TCP, &r, 200000, &n), 200000);
    assert_int_equal(r.tso, 0);
    assert_int_equal(r.partial, r.tx_frames); /* every TCP segment of A */
    assert_int_equal(r.tx_max, 1514);
    assert_int_equal(r.wire_bad, 0);
    assert_int_equal(tk_stack_stats(tk_simnet_stack(n, TK_SIM_A))->csum_offload_out, r.tx_frames);
    tk_simnet_destroy(n);
}

static void test_NET_7_offloads_off_frames_are_complete(void **state) {
    (void)state;
    static rec r;
    tk_simnet *n;
    assert_int_equal(transfer(0, &r, 200000, &n), 200000);
    assert_int_equal(r.plain, r.tx_frames);
    assert_int_equal(r.tso + r.partial, 0);
    assert_int_equal(r.tx_max, 1514);
    assert_int_equal(r.wire_bad, 0);
    assert_int_equal(r.wire_frames, r.tx_frames);
    const tk_stats *st = tk_stack_stats(tk_simnet_stack(n, TK_SIM_A));
    assert_int_equal(st->tso_frames_out + st->csum_offload_out, 0);
    tk_simnet_destroy(n);
}

static void test_NET_7_tap_vnet_header_fields(void **state) {
    (void)state;
    uint8_t frame[200];
    memset(frame, 0, sizeof frame);
    frame[L4_START + 13] = 0x80 | TK_TCP_ACK; /* CWR */
    tk_link_tx tx = {TK_TX_CSUM_PARTIAL | TK_TX_TSO4, 34, 16, 66, 1448};
    struct virtio_net_hdr h;
    tk_tap_vnet_hdr(&h, frame, sizeof frame, &tx);
    assert_int_equal(h.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
    assert_int_equal(h.csum_start, 34);
    assert_int_equal(h.csum_offset, 16);
    assert_int_equal(h.gso_type, VIRTIO_NET_HDR_GSO_TCPV4 | VIRTIO_NET_HDR_GSO_ECN);
    assert_int_equal(h.gso_size, 1448);
    assert_int_equal(h.hdr_len, 66);
    frame[L4_START + 13] = TK_TCP_ACK;
    tk_tap_vnet_hdr(&h, frame, sizeof frame, &tx);
    assert_int_equal(h.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
    tk_link_tx csum = {TK_TX_CSUM_PARTIAL, 34, 16, 66, 0};
    tk_tap_vnet_hdr(&h, frame, sizeof frame, &csum);
    assert_int_equal(h.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
    assert_int_equal(h.gso_type, VIRTIO_NET_HDR_GSO_NONE);
    assert_int_equal(h.gso_size, 0);
    assert_int_equal(h.hdr_len, 0);
    struct virtio_net_hdr zero;
    memset(&zero, 0, sizeof zero);
    tk_tap_vnet_hdr(&h, frame, sizeof frame, NULL);
    assert_memory_equal(&h, &zero, sizeof h);
}

static void syn_with_bad_csum(uint32_t rx_flags, bool *answered, uint64_t *bad, uint64_t *trusted) {
    tkh h;
    tkh_init(&h, NULL);
    h.lport = 80;
    h.rport = 40000;
    (void)tkh_listen(&h);
    h.in_bad_csum = true;
    h.in_rx_flags = rx_flags;
    (void)tkh_inject(&h, TK_TCP_SYN, 1000, 0, 65535, NULL, NULL, 0);
    tkh_poll(&h);
    tkh_seg g;
    *answered = tkh_next(&h, &g) && g.flags == (TK_TCP_SYN | TK_TCP_ACK) && g.ack == 1001;
    *bad = tk_stack_stats(h.s)->drop_tcp_bad_csum;
    *trusted = tk_stack_stats(h.s)->rx_csum_trusted;
    tkh_fini(&h);
}

static void test_NET_7_rx_trusts_data_valid(void **state) {
    (void)state;
    bool answered;
    uint64_t bad, trusted;
    syn_with_bad_csum(TK_RX_CSUM_VALID, &answered, &bad, &trusted);
    assert_true(answered);
    assert_int_equal(bad, 0);
    assert_int_equal(trusted, 1);
    syn_with_bad_csum(0, &answered, &bad, &trusted);
    assert_false(answered);
    assert_int_equal(bad, 1);
    assert_int_equal(trusted, 0);
}

static int out_plain(void *ctx, const uint8_t *f, size_t len) {
    (void)ctx;
    (void)f;
    (void)len;
    return 0;
}

static int out_tx(void *ctx, const uint8_t *f, size_t len, const tk_link_tx *tx) {
    (void)tx;
    return out_plain(ctx, f, len);
}

static void test_NET_7_link_caps_config_and_switch(void **state) {
    (void)state;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.link_caps = TK_LINK_TSO4; /* TSO leaves checksums to the link too */
    assert_false(tk_config_valid(&cfg));
    cfg.link_caps = 0x4;
    assert_false(tk_config_valid(&cfg));
    cfg.link_caps = TK_LINK_CSUM_TCP | TK_LINK_TSO4;
    cfg.link_tso_max = 1499;
    assert_false(tk_config_valid(&cfg));
    cfg.link_tso_max = 65536;
    assert_false(tk_config_valid(&cfg));
    cfg.link_tso_max = 0;
    assert_true(tk_config_valid(&cfg));
    tk_stack *s = NULL;
    tk_stack_io plain = {.output = out_plain};
    assert_int_equal(tk_stack_create(&s, &cfg, &plain), -EINVAL); /* who would finish them? */
    tk_stack_io io = {.output_offload = out_tx};
    assert_int_equal(tk_stack_create(&s, &cfg, &io), 0);
    /* The switch: offloads go off at run time, and cannot come back. */
    tk_config c2 = *tk_stack_config(s);
    c2.link_caps = TK_LINK_CSUM_TCP;
    assert_int_equal(tk_stack_set_config(s, &c2), 0);
    c2.link_caps = 0;
    assert_int_equal(tk_stack_set_config(s, &c2), 0);
    c2.link_caps = TK_LINK_CSUM_TCP;
    assert_int_equal(tk_stack_set_config(s, &c2), -EINVAL);
    tk_stack_destroy(s, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_NET_7_tso_super_segment_header_fields),
        cmocka_unit_test(test_NET_7_simulated_link_cuts_super_segment_exactly),
        cmocka_unit_test(test_NET_7_gso_without_requests_passes_frame),
        cmocka_unit_test(test_NET_7_checksum_offload_without_tso),
        cmocka_unit_test(test_NET_7_offloads_off_frames_are_complete),
        cmocka_unit_test(test_NET_7_tap_vnet_header_fields),
        cmocka_unit_test(test_NET_7_rx_trusts_data_valid),
        cmocka_unit_test(test_NET_7_link_caps_config_and_switch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
