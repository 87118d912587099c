/* The simulated link's ECN marking (ce_threshold): ECT packets that find the
 * queue at the threshold are delivered with CE and a valid IPv4 checksum,
 * their DSCP bits kept, IPv6 ones in their traffic class; Not-ECT, CE and
 * frames that are neither IPv4 nor IPv6 pass unchanged. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "simlink.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/ipv4.h"
#include "tcpkit/wire/ipv6.h"

#define NFRAMES 8

typedef struct rx {
    uint32_t n;
    uint8_t frame[NFRAMES][200];
    size_t len[NFRAMES];
} rx;

static void on_frame(void *ctx, int dir, const uint8_t *frame, size_t len, tk_time at) {
    (void)dir;
    (void)at;
    rx *r = ctx;
    assert_true(r->n < NFRAMES && len <= sizeof r->frame[0]);
    memcpy(r->frame[r->n], frame, len);
    r->len[r->n++] = len;
}

/* A 134-byte Ethernet frame: IPv4 with this TOS byte, or ARP. */
static size_t frame(uint8_t *f, uint8_t tos, bool ipv4) {
    memset(f, 0x5a, 134);
    tk_eth_hdr eh = {.type = ipv4 ? TK_ETHERTYPE_IPV4 : TK_ETHERTYPE_ARP};
    memset(eh.dst, 0x02, 6);
    memset(eh.src, 0x04, 6);
    assert_int_equal(tk_wire_eth_emit(&eh, f, 14), 14);
    if (!ipv4)
        return 134;
    tk_ipv4_hdr ih;
    memset(&ih, 0, sizeof ih);
    ih.tos = tos;
    ih.total_len = 120;
    ih.id = 0x1234;
    ih.ttl = 64;
    ih.proto = TK_IPPROTO_TCP;
    ih.src = 0xc6120001u;
    ih.dst = 0xc6120002u;
    assert_int_equal(tk_wire_ipv4_emit(&ih, f + 14, 20), 20);
    return 134;
}

/* The TOS byte of a delivered IPv4 frame, its checksum verified. */
static uint8_t delivered_tos(const rx *r, uint32_t i) {
    tk_ipv4_hdr ih;
    assert_int_equal(tk_wire_ipv4_parse(r->frame[i] + 14, r->len[i] - 14, true, &ih), 20);
    return ih.tos;
}

static void test_ecn_simlink_marks_at_threshold(void **state) {
    (void)state;
    tk_simlink *l = NULL;
    assert_int_equal(tk_simlink_create(&l, 1, 64), 0);
    /* 1 Mbit/s: a 134-byte frame takes 1072 us; all are offered at 0. */
    tk_simlink_params p = {.bandwidth_bps = 1000000, .ce_threshold = 2};
    assert_int_equal(tk_simlink_set_params(l, TK_SIMLINK_AB, &p), 0);
    static const struct {
        uint8_t tos;
        bool ipv4;
        int out;
        uint8_t rx_tos;
    } cases[NFRAMES] = {
        {0xb8 | TK_IP_ECN_ECT0, true, TK_SIMLINK_QUEUED, 0xb8 | TK_IP_ECN_ECT0},
        {0xb8 | TK_IP_ECN_ECT0, true, TK_SIMLINK_QUEUED, 0xb8 | TK_IP_ECN_ECT0},
        {0xb8 | TK_IP_ECN_ECT0, true, TK_SIMLINK_QUEUED | TK_SIMLINK_CE_MARKED, 0xb8 | 3},
        {0xb8 | TK_IP_ECN_NOT_ECT, true, TK_SIMLINK_QUEUED, 0xb8},
        {0x00 | TK_IP_ECN_ECT1, true, TK_SIMLINK_QUEUED | TK_SIMLINK_CE_MARKED, 0x03},
        {0x20 | TK_IP_ECN_CE, true, TK_SIMLINK_QUEUED, 0x23},
        {0xff, true, TK_SIMLINK_QUEUED, 0xff},
        {0, false, TK_SIMLINK_QUEUED, 0},
    };
    uint8_t f[134];
    for (uint32_t i = 0; i < NFRAMES; i++) {
        size_t len = frame(f, cases[i].tos, cases[i].ipv4);
        assert_int_equal(tk_simlink_send(l, TK_SIMLINK_AB, f, len, 0, NULL), cases[i].out);
    }
    rx r = {0};
    assert_int_equal(tk_simlink_deliver(l, TK_SEC(1), on_frame, &r), NFRAMES);
    for (uint32_t i = 0; i < NFRAMES; i++) {
        if (cases[i].ipv4)
            assert_int_equal(delivered_tos(&r, i), cases[i].rx_tos);
        else
            assert_int_equal(r.frame[i][15], 0x5a); /* untouched */
    }
    tk_simlink_stats st;
    assert_int_equal(tk_simlink_get_stats(l, TK_SIMLINK_AB, &st), 0);
    assert_int_equal(st.ce_marked, 2);
    assert_int_equal(st.queue_drops, 0);
    tk_simlink_destroy(l);
}

/* A 134-byte IPv6 frame with this traffic class (flow label 0xabcde). */
static size_t frame6(uint8_t *f, uint8_t tclass) {
    memset(f, 0x5a, 134);
    tk_eth_hdr eh = {.type = TK_ETHERTYPE_IPV6};
    memset(eh.dst, 0x02, 6);
    memset(eh.src, 0x04, 6);
    assert_int_equal(tk_wire_eth_emit(&eh, f, 14), 14);
    tk_ipv6_hdr ih;
    memset(&ih, 0, sizeof ih);
    ih.tclass = tclass;
    ih.flow = 0xabcde;
    ih.payload_len = 80;
    ih.next = TK_IPPROTO_TCP;
    ih.hop_limit = 64;
    assert_int_equal(tk_wire_ipv6_emit(&ih, f + 14, 40), 40);
    return 134;
}

/* NET-4: IPv6 packets are marked too, in the traffic class's ECN bits; the
 * DSCP bits and the flow label are kept, Not-ECT and CE pass unchanged. */
static void test_ecn_simlink_marks_ipv6(void **state) {
    (void)state;
    tk_simlink *l = NULL;
    assert_int_equal(tk_simlink_create(&l, 1, 64), 0);
    tk_simlink_params p = {.bandwidth_bps = 1000000, .ce_threshold = 2};
    assert_int_equal(tk_simlink_set_params(l, TK_SIMLINK_AB, &p), 0);
    static const struct {
        uint8_t tc, rx_tc;
    } cases[5] = {
        {0xb8 | TK_IP_ECN_ECT0, 0xb8 | TK_IP_ECN_ECT0},
        {0xb8 | TK_IP_ECN_ECT0, 0xb8 | TK_IP_ECN_ECT0},
        {0xb8 | TK_IP_ECN_ECT0, 0xb8 | TK_IP_ECN_CE},
        {0xb8 | TK_IP_ECN_NOT_ECT, 0xb8},
        {0x20 | TK_IP_ECN_ECT1, 0x20 | TK_IP_ECN_CE},
    };
    uint8_t f[134];
    for (uint32_t i = 0; i < 5; i++)
        (void)tk_simlink_send(l, TK_SIMLINK_AB, f, frame6(f, cases[i].tc), 0, NULL);
    rx r = {0};
    assert_int_equal(tk_simlink_deliver(l, TK_SEC(1), on_frame, &r), 5);
    for (uint32_t i = 0; i < 5; i++) {
        tk_ipv6_hdr ih;
        assert_int_equal(tk_wire_ipv6_parse(r.frame[i] + 14, r.len[i] - 14, &ih), 40);
        assert_int_equal(ih.tclass, cases[i].rx_tc);
        assert_int_equal(ih.flow, 0xabcde);
    }
    tk_simlink_stats st;
    assert_int_equal(tk_simlink_get_stats(l, TK_SIMLINK_AB, &st), 0);
    assert_int_equal(st.ce_marked, 2);
    tk_simlink_destroy(l);
}

/* No queue without a bandwidth limit, so nothing is marked; 0 is off. */
static void test_ecn_simlink_off(void **state) {
    (void)state;
    tk_simlink_params params[] = {{.ce_threshold = 1}, {.bandwidth_bps = 1000000}};
    for (size_t k = 0; k < 2; k++) {
        tk_simlink *l = NULL;
        assert_int_equal(tk_simlink_create(&l, 1, 64), 0);
        assert_int_equal(tk_simlink_set_params(l, TK_SIMLINK_AB, &params[k]), 0);
        uint8_t f[134];
        size_t len = frame(f, TK_IP_ECN_ECT0, true);
        for (int i = 0; i < 4; i++)
            assert_int_equal(tk_simlink_send(l, TK_SIMLINK_AB, f, len, 0, NULL), TK_SIMLINK_QUEUED);
        tk_simlink_stats st;
        assert_int_equal(tk_simlink_get_stats(l, TK_SIMLINK_AB, &st), 0);
        assert_int_equal(st.ce_marked, 0);
        tk_simlink_destroy(l);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ecn_simlink_marks_at_threshold),
        cmocka_unit_test(test_ecn_simlink_marks_ipv6),
        cmocka_unit_test(test_ecn_simlink_off),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
