/* 10,000 malformed IPv6 / ICMPv6 / NDP frames (SPEC NET-4, NET-6, SEC-4):
 * seeded mutations of real packets (the Linux kernel's, and ones with
 * extension headers), half of them with the ICMPv6 checksum made right
 * again so that they reach the deeper checks. Under ASan/UBSan nothing may
 * crash, and every frame the stack refuses is counted: its drop counters
 * (or its no-route / queue-full counters) grow by exactly one. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/ipv6_vectors.h"
#include "support/tk_harness.h"
#include "tcpkit/wire/checksum.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/ipv6.h"

#define FRAMES 10000

static const uint8_t local_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t peer_mac[6] = {0x02, 0, 0, 0, 0, 0x33};
static const uint8_t A2[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

static uint32_t rng = 0x6a09e667u;

static uint32_t rnd(void) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* Every drop_* counter. */
static uint64_t drops(const tk_stack *s) {
    const tk_stats *st = tk_stack_stats(s);
    uint64_t n = 0;
    for (size_t i = 0; i < tk_stats_count(); i++)
        if (strncmp(tk_stats_name(i), "drop_", 5) == 0)
            n += tk_stats_value(st, i);
    return n;
}

/* The packets mutated: the kernel's, addressed to us where they were to
 * 2001:2::2 already, some with extension headers, and the two fragments of
 * an echo request (reassembly, RFC 8200 4.5). */
static size_t base_packet(uint8_t *p, uint32_t which) {
    static const struct {
        const uint8_t *b;
        size_t n;
    } k[] = {
        {v6_ns, sizeof v6_ns},         {v6_na, sizeof v6_na}, {v6_echo_req, sizeof v6_echo_req},
        {v6_dad_ns, sizeof v6_dad_ns}, {v6_rs, sizeof v6_rs}, {v6_mld_ll, sizeof v6_mld_ll},
    };
    which %= 10;
    if (which >= 8) { /* the kernel's echo request cut at 8 bytes into two fragments */
        memcpy(p, v6_echo_req, 40);
        p[6] = TK_IPPROTO_FRAGMENT;
        bool first = which == 8;
        (void)tk_wire_ipv6_frag_emit(58, first ? 0 : 8, first, 0x600d, p + 40, 8);
        memcpy(p + 48, v6_echo_req + (first ? 40 : 48), 8);
        p[4] = 0;
        p[5] = 16;
        return 56;
    }
    if (which < 6) {
        memcpy(p, k[which].b, k[which].n);
        return k[which].n;
    }
    /* Destination options (PadN), then an echo request. */
    memcpy(p, v6_echo_req, 40);
    const uint8_t d[8] = {58, 0, 1, 4, 0, 0, 0, 0};
    memcpy(p + 40, d, 8);
    memcpy(p + 48, v6_echo_req + 40, 16);
    p[5] = 24;
    p[6] = which == 6 ? TK_IPPROTO_DSTOPTS : TK_IPPROTO_HOPOPTS;
    return 64;
}

/* Makes the ICMPv6 checksum right when the packet is plain IPv6 + ICMPv6
 * with a sane length (after the chain, for the two with one header). */
static void fix_checksum(uint8_t *p, size_t len) {
    if (len < 48 || p[0] >> 4 != 6)
        return;
    size_t plen = (size_t)(p[4] << 8 | p[5]);
    size_t off = 40;
    if ((p[6] == TK_IPPROTO_DSTOPTS || p[6] == TK_IPPROTO_HOPOPTS) && p[40] == 58)
        off = 48;
    else if (p[6] != 58)
        return;
    if (40 + plen > len || off + 8 > 40 + plen)
        return;
    size_t n = 40 + plen - off;
    p[off + 2] = p[off + 3] = 0;
    uint32_t sum = tk_csum_pseudo6(p + 8, p + 24, 58, (uint32_t)n);
    uint16_t c = tk_csum_finish(tk_csum_add(sum, p + off, n));
    p[off + 2] = (uint8_t)(c >> 8);
    p[off + 3] = (uint8_t)c;
}

static size_t mutate(uint8_t *p, size_t len) {
    int k = 1 + (int)(rnd() % 4);
    for (int i = 0; i < k; i++) {
        switch (rnd() % 6) {
        case 0: /* a bit */
            p[rnd() % len] ^= (uint8_t)(1u << (rnd() % 8));
            break;
        case 1: /* a byte */
            p[rnd() % len] = (uint8_t)rnd();
            break;
        case 2: /* cut short */
            len = 1 + rnd() % len;
            break;
        case 3: /* the payload length */
            if (len > 5)
                p[5] = (uint8_t)(p[5] + (int)(rnd() % 17) - 8);
            break;
        case 4: /* the hop limit, type or code of an NDP message */
            if (len > 42)
                p[(rnd() % 2) ? 7 : 40 + rnd() % 2] = (uint8_t)rnd();
            break;
        default: /* an option length */
            if (len > 65)
                p[65] = (uint8_t)(rnd() % 4);
            break;
        }
    }
    return len;
}

static void test_NET_04_NET_06_malformed_frames_counted(void **state) {
    (void)state;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.ipv6 = true;
    memcpy(cfg.addr6, A2, 16);
    tkh h;
    tkh_init(&h, &cfg);
    tkh_poll(&h);
    h.now += TK_SEC(1);
    tkh_poll(&h);
    int refused = 0, taken = 0;
    for (int i = 0; i < FRAMES; i++) {
        uint8_t f[14 + 128];
        tk_eth_hdr eh;
        uint8_t *p = f + 14;
        size_t len = mutate(p, base_packet(p, rnd()));
        if (rnd() % 2)
            fix_checksum(p, len);
        /* To our MAC, or to the group the packet's destination maps to. */
        if (len >= 40 && p[24] == 0xff && rnd() % 4 != 0)
            tk_ipv6_mcast_mac(p + 24, eh.dst);
        else
            memcpy(eh.dst, local_mac, 6);
        memcpy(eh.src, peer_mac, 6);
        eh.type = TK_ETHERTYPE_IPV6;
        (void)tk_wire_eth_emit(&eh, f, 14);
        const tk_stats *st = tk_stack_stats(h.s);
        uint64_t before = drops(h.s), out_before = st->out6_no_route + st->nd_queue_drops;
        int rc = tk_stack_input(h.s, f, 14 + len, h.now);
        uint64_t d = drops(h.s) - before;
        uint64_t out = st->out6_no_route + st->nd_queue_drops - out_before;
        /* Refused: one drop counter by its reason. Or taken, and its
         * answer (echo reply, NA) could not go: counted as such. */
        if (rc < 0) {
            if (d != 1 && out != 1)
                fail_msg("frame %d: rc %d, %llu drops, %llu output failures", i, rc,
                         (unsigned long long)d, (unsigned long long)out);
            assert_true(d == 1 || (d == 0 && out == 1));
            refused++;
        } else {
            assert_int_equal(d, 0);
            taken++;
        }
        h.now += TK_MS(1);
        if (i % 64 == 0)
            tkh_poll(&h);
        tkh_clear(&h);
    }
    assert_int_equal(refused + taken, FRAMES);
    assert_true(refused > FRAMES / 2); /* the mutations do break most */
    assert_true(taken > 100);          /* and some still get through */
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_NET_04_NET_06_malformed_frames_counted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
