/* IPv4 fragment reassembly within a budget (NET-1, SEC-5): fragments in
 * any order, duplicates, overlaps, the size budget, slot exhaustion and the
 * timeout; and a fragmented ping answered by the stack. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "net/ipfrag.h"
#include "support/tk_harness.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/icmp.h"
#include "tcpkit/wire/ipv4.h"

typedef struct fixture {
    tk_config cfg;
    tk_ipfrag f;
    void *mem;
    uint8_t data[4096];
} fixture;

static fixture *fx_new(uint32_t slots, uint32_t max_bytes) {
    fixture *x = calloc(1, sizeof(*x));
    tk_config_default(&x->cfg);
    x->cfg.ipfrag_slots = slots;
    x->cfg.ipfrag_max_bytes = max_bytes;
    x->mem = malloc(tk_ipfrag_mem_size(&x->cfg));
    tk_ipfrag_init(&x->f, x->mem, &x->cfg);
    for (size_t i = 0; i < sizeof(x->data); i++)
        x->data[i] = (uint8_t)(i * 7u + 3u);
    return x;
}

static void fx_free(fixture *x) {
    free(x->mem);
    free(x);
}

/* Offers payload bytes [off, off+len) of datagram id from src. */
static int offer_from(fixture *x, uint32_t src, uint16_t id, uint32_t off, uint32_t len, bool more,
                      tk_time now, const uint8_t **out, size_t *out_len) {
    tk_ipv4_hdr h;
    memset(&h, 0, sizeof(h));
    h.src = src;
    h.dst = 0xc6120001u;
    h.proto = TK_IPPROTO_TCP;
    h.id = id;
    h.frag = (uint16_t)((off / 8u) | (more ? TK_IPV4_MF : 0u));
    uint32_t timed_out;
    return tk_ipfrag_input(&x->f, &h, x->data + off, len, now, out, out_len, &timed_out);
}

static int offer(fixture *x, uint16_t id, uint32_t off, uint32_t len, bool more, tk_time now,
                 const uint8_t **out, size_t *out_len) {
    return offer_from(x, 0xc6120002u, id, off, len, more, now, out, out_len);
}

static void test_NET_1_ipfrag_out_of_order_reassembled(void **state) {
    (void)state;
    fixture *x = fx_new(2, 4096);
    const uint8_t *out = NULL;
    size_t len = 0;
    assert_int_equal(offer(x, 7, 1000, 500, false, 0, &out, &len), TK_IPFRAG_HELD);
    assert_int_equal(offer(x, 7, 0, 504, true, 0, &out, &len), TK_IPFRAG_HELD);
    /* A duplicate changes nothing. */
    assert_int_equal(offer(x, 7, 0, 504, true, 0, &out, &len), TK_IPFRAG_HELD);
    assert_int_equal(tk_ipfrag_pending(&x->f), 1);
    assert_int_equal(offer(x, 7, 504, 496, true, 0, &out, &len), TK_IPFRAG_COMPLETE);
    assert_int_equal(len, 1500);
    assert_memory_equal(out, x->data, 1500);
    assert_int_equal(tk_ipfrag_pending(&x->f), 0);
    fx_free(x);
}

static void test_NET_1_ipfrag_overlap_first_copy_wins(void **state) {
    (void)state;
    fixture *x = fx_new(1, 4096);
    const uint8_t *out = NULL;
    size_t len = 0;
    assert_int_equal(offer(x, 9, 0, 16, true, 0, &out, &len), TK_IPFRAG_HELD);
    /* Overlapping [8, 32) with different bytes: [8, 16) keeps the first. */
    uint8_t saved[8];
    memcpy(saved, x->data + 8, 8);
    memset(x->data + 8, 0xee, 8);
    assert_int_equal(offer(x, 9, 8, 24, false, 0, &out, &len), TK_IPFRAG_COMPLETE);
    assert_int_equal(len, 32);
    assert_memory_equal(out + 8, saved, 8);
    assert_memory_equal(out + 16, x->data + 16, 16);
    fx_free(x);
}

static void test_SEC_5_ipfrag_budget_and_slots(void **state) {
    (void)state;
    fixture *x = fx_new(1, 1024);
    const uint8_t *out = NULL;
    size_t len = 0;
    /* Past the per-datagram budget: the whole datagram is dropped. */
    assert_int_equal(offer(x, 1, 0, 512, true, 0, &out, &len), TK_IPFRAG_HELD);
    assert_int_equal(offer(x, 1, 1016, 16, false, 0, &out, &len), -ENOBUFS);
    assert_int_equal(tk_ipfrag_pending(&x->f), 0);
    /* One slot: a second datagram evicts the first (SEC-12: it used to
     * wait for the first to finish or expire); after the timeout the slot
     * is simply free again. */
    assert_int_equal(offer(x, 2, 0, 8, true, 0, &out, &len), TK_IPFRAG_HELD);
    assert_int_equal(x->f.evicted, 0);
    assert_int_equal(offer(x, 3, 0, 8, true, 0, &out, &len), TK_IPFRAG_HELD);
    assert_int_equal(x->f.evicted, 1);
    assert_int_equal(offer(x, 4, 0, 8, true, TK_SEC(30), &out, &len), TK_IPFRAG_HELD);
    assert_int_equal(x->f.evicted, 0);
    assert_int_equal(tk_ipfrag_pending(&x->f), 1);
    fx_free(x);
}

/* SEC-12: with every slot taken, the oldest datagram goes; a source holding
 * more than half of the slots loses its own oldest first. */
static void test_SEC_12_ipfrag_eviction_order(void **state) {
    (void)state;
    fixture *x = fx_new(4, 1024);
    const uint8_t *out = NULL;
    size_t len = 0;
    const uint32_t a = 0xc6120010u, b = 0xc6120011u, c = 0xc6120012u;
    /* b's datagram 1 is the oldest; a then takes the other three slots. */
    assert_int_equal(offer_from(x, b, 1, 0, 8, true, 0, &out, &len), TK_IPFRAG_HELD);
    for (uint16_t id = 10; id < 13; id++)
        assert_int_equal(offer_from(x, a, id, 0, 8, true, TK_SEC(id), &out, &len), TK_IPFRAG_HELD);
    /* c's new datagram evicts a's oldest (10), not b's older one. */
    assert_int_equal(offer_from(x, c, 2, 0, 8, true, TK_SEC(20), &out, &len), TK_IPFRAG_HELD);
    assert_int_equal(x->f.evicted, 1);
    assert_int_equal(offer_from(x, b, 1, 8, 8, false, TK_SEC(21), &out, &len), TK_IPFRAG_COMPLETE);
    assert_int_equal(len, 16);
    /* a holds 11 and 12, c holds 2: nobody holds more than half; the next
     * new datagram evicts the oldest of all (a's 11), leaving 12 and 2. */
    assert_int_equal(offer_from(x, b, 3, 0, 8, true, TK_SEC(22), &out, &len), TK_IPFRAG_HELD);
    assert_int_equal(x->f.evicted, 0);
    assert_int_equal(offer_from(x, b, 4, 0, 8, true, TK_SEC(23), &out, &len), TK_IPFRAG_HELD);
    assert_int_equal(x->f.evicted, 1);
    assert_int_equal(offer_from(x, a, 12, 8, 8, false, TK_SEC(24), &out, &len), TK_IPFRAG_COMPLETE);
    assert_int_equal(offer_from(x, c, 2, 8, 8, false, TK_SEC(24), &out, &len), TK_IPFRAG_COMPLETE);
    assert_int_equal(offer_from(x, a, 11, 8, 8, false, TK_SEC(24), &out, &len),
                     TK_IPFRAG_HELD); /* evicted: starts again */
    fx_free(x);
}

static void test_NET_1_ipfrag_inconsistent_rejected(void **state) {
    (void)state;
    fixture *x = fx_new(1, 4096);
    const uint8_t *out = NULL;
    size_t len = 0;
    /* A middle fragment must be a multiple of 8 bytes. */
    assert_int_equal(offer(x, 4, 0, 12, true, 0, &out, &len), -EINVAL);
    /* Two different ends. */
    assert_int_equal(offer(x, 5, 64, 16, false, 0, &out, &len), TK_IPFRAG_HELD);
    assert_int_equal(offer(x, 5, 64, 24, false, 0, &out, &len), -EINVAL);
    assert_int_equal(tk_ipfrag_pending(&x->f), 0);
    /* Data past the end already announced. */
    assert_int_equal(offer(x, 6, 16, 16, false, 0, &out, &len), TK_IPFRAG_HELD);
    assert_int_equal(offer(x, 6, 32, 8, true, 0, &out, &len), -EINVAL);
    fx_free(x);
}

/* A 1200-byte ping in two fragments, answered in one datagram. */
static size_t frag_frame(uint8_t *f, const tk_config *cfg, const uint8_t *icmp, uint32_t off,
                         uint32_t len, bool more) {
    tk_eth_hdr eh;
    memcpy(eh.dst, cfg->mac, 6);
    memset(eh.src, 0x22, 6);
    eh.src[0] = 0x02;
    eh.type = TK_ETHERTYPE_IPV4;
    tk_wire_eth_emit(&eh, f, 14);
    tk_ipv4_hdr ih;
    memset(&ih, 0, sizeof(ih));
    ih.total_len = (uint16_t)(20 + len);
    ih.id = 0x4242;
    ih.frag = (uint16_t)(off / 8u | (more ? TK_IPV4_MF : 0u));
    ih.ttl = 64;
    ih.proto = TK_IPPROTO_ICMP;
    ih.src = TKH_REMOTE_ADDR;
    ih.dst = TKH_LOCAL_ADDR;
    tk_wire_ipv4_emit(&ih, f + 14, 20);
    memcpy(f + 34, icmp + off, len);
    return 34 + len;
}

static void test_NET_1_fragmented_ping_answered(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    static uint8_t data[1192], icmp[1200], f[1600];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)i;
    tk_icmp_hdr ic = {
        .type = TK_ICMP_ECHO_REQUEST, .rest = 0x00070001u, .data = data, .data_len = sizeof data};
    assert_int_equal(tk_wire_icmp_emit(&ic, icmp, sizeof icmp), 1200);
    size_t n = frag_frame(f, &h.cfg, icmp, 800, 400, false);
    assert_int_equal(tk_stack_input(h.s, f, n, h.now), 0);
    assert_int_equal(h.nframes, 0);
    n = frag_frame(f, &h.cfg, icmp, 0, 800, true);
    assert_int_equal(tk_stack_input(h.s, f, n, h.now), 0);
    assert_int_equal(h.nframes, 1);
    const tkh_frame *r = &h.frames[h.head];
    assert_int_equal(r->len, 14 + 20 + 1200);
    tk_icmp_hdr rep;
    assert_int_equal(tk_wire_icmp_parse(r->buf + 34, 1200, true, &rep), TK_ICMP_HLEN);
    assert_int_equal(rep.type, TK_ICMP_ECHO_REPLY);
    assert_int_equal(rep.rest, 0x00070001u);
    assert_memory_equal(rep.data, data, sizeof data);
    const tk_stats *st = tk_stack_stats(h.s);
    assert_int_equal(st->ip_frags_in, 2);
    assert_int_equal(st->ip_reassembled, 1);
    assert_int_equal(st->drop_ip_fragment, 0);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_NET_1_ipfrag_out_of_order_reassembled),
        cmocka_unit_test(test_NET_1_ipfrag_overlap_first_copy_wins),
        cmocka_unit_test(test_SEC_5_ipfrag_budget_and_slots),
        cmocka_unit_test(test_SEC_12_ipfrag_eviction_order),
        cmocka_unit_test(test_NET_1_ipfrag_inconsistent_rejected),
        cmocka_unit_test(test_NET_1_fragmented_ping_answered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
