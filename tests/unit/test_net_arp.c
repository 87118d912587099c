/* The ARP cache (NET-1, SEC-5): expiry, request retries, the bounded queue
 * of frames waiting for resolution; and the stack resolving a peer it has
 * never heard from before sending to it. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "net/arp.h"
#include "support/tk_harness.h"
#include "tcpkit/socket.h"
#include "tcpkit/wire/arp.h"
#include "tcpkit/wire/eth.h"

#define HOP   0xc6120001u
#define OTHER 0xc6120005u
#define FCAP  1514u

static const uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 0xaa};
static const uint8_t mac_b[6] = {0x02, 0, 0, 0, 0, 0xbb};

typedef struct fixture {
    tk_config cfg;
    tk_arp_cache c;
    void *mem;
    uint8_t sent[8][64];
    size_t sent_len[8];
    int nsent;
    uint32_t asked[8];
    int nasked;
} fixture;

static fixture *fx_new(uint32_t entries, uint32_t qframes) {
    fixture *f = calloc(1, sizeof(*f));
    tk_config_default(&f->cfg);
    f->cfg.arp_cache_size = entries;
    f->cfg.arp_queue_frames = qframes;
    f->mem = malloc(tk_arp_mem_size(&f->cfg, FCAP));
    tk_arp_init(&f->c, f->mem, &f->cfg, FCAP);
    return f;
}

static void fx_free(fixture *f) {
    free(f->mem);
    free(f);
}

static void on_send(void *ctx, uint8_t *frame, size_t len) {
    fixture *f = ctx;
    memcpy(f->sent[f->nsent], frame, len < 64 ? len : 64);
    f->sent_len[f->nsent++] = len;
}

static void on_request(void *ctx, uint32_t addr) {
    fixture *f = ctx;
    f->asked[f->nasked++] = addr;
}

static void frame_with_tag(uint8_t *fr, uint8_t tag) {
    memset(fr, 0, 60);
    fr[20] = tag;
}

static void test_NET_1_arp_learn_then_lookup_until_expiry(void **state) {
    (void)state;
    fixture *f = fx_new(4, 4);
    uint8_t mac[6];
    assert_false(tk_arp_lookup(&f->c, HOP, 0, mac));
    /* Only a request for us creates an entry (RFC 826). */
    assert_false(tk_arp_learn(&f->c, HOP, mac_a, false, 0));
    assert_false(tk_arp_lookup(&f->c, HOP, 0, mac));
    assert_false(tk_arp_learn(&f->c, HOP, mac_a, true, TK_SEC(1)));
    assert_true(tk_arp_lookup(&f->c, HOP, TK_SEC(1), mac));
    assert_memory_equal(mac, mac_a, 6);
    assert_true(tk_arp_lookup(&f->c, HOP, TK_SEC(60) + TK_SEC(1) - 1, mac));
    assert_false(tk_arp_lookup(&f->c, HOP, TK_SEC(61), mac));
    /* A later sighting refreshes the entry and may change the MAC. */
    assert_false(tk_arp_learn(&f->c, HOP, mac_b, false, TK_SEC(50)));
    assert_true(tk_arp_lookup(&f->c, HOP, TK_SEC(100), mac));
    assert_memory_equal(mac, mac_b, 6);
    fx_free(f);
}

static void test_NET_1_arp_queue_flushed_in_order_on_reply(void **state) {
    (void)state;
    fixture *f = fx_new(4, 4);
    uint8_t fr[60];
    frame_with_tag(fr, 1);
    assert_int_equal(tk_arp_enqueue(&f->c, HOP, fr, 60, 0), 1);
    frame_with_tag(fr, 2);
    assert_int_equal(tk_arp_enqueue(&f->c, HOP, fr, 60, 10), 0);
    frame_with_tag(fr, 3);
    assert_int_equal(tk_arp_enqueue(&f->c, OTHER, fr, 60, 20), 1);
    assert_int_equal(tk_arp_queued(&f->c), 3);
    assert_true(tk_arp_learn(&f->c, HOP, mac_a, false, 30));
    assert_int_equal(tk_arp_flush(&f->c, HOP, on_send, f), 2);
    assert_int_equal(f->nsent, 2);
    assert_int_equal(f->sent[0][20], 1);
    assert_int_equal(f->sent[1][20], 2);
    assert_memory_equal(f->sent[0], mac_a, 6);
    assert_memory_equal(f->sent[1], mac_a, 6);
    assert_int_equal(f->sent_len[0], 60);
    assert_int_equal(tk_arp_queued(&f->c), 1);
    fx_free(f);
}

static void test_SEC_5_arp_queue_bounded(void **state) {
    (void)state;
    fixture *f = fx_new(4, 2);
    uint8_t fr[60];
    frame_with_tag(fr, 1);
    assert_int_equal(tk_arp_enqueue(&f->c, HOP, fr, 60, 0), 1);
    assert_int_equal(tk_arp_enqueue(&f->c, HOP, fr, 60, 0), 0);
    assert_int_equal(tk_arp_enqueue(&f->c, HOP, fr, 60, 0), -ENOBUFS);
    assert_int_equal(tk_arp_queued(&f->c), 2);
    assert_int_equal(tk_arp_enqueue(&f->c, HOP, fr, FCAP + 1, 0), -EMSGSIZE);
    fx_free(f);
}

static void test_SEC_5_arp_cache_full_of_resolutions(void **state) {
    (void)state;
    fixture *f = fx_new(2, 8);
    uint8_t fr[60];
    frame_with_tag(fr, 1);
    assert_int_equal(tk_arp_enqueue(&f->c, HOP, fr, 60, 0), 1);
    assert_int_equal(tk_arp_enqueue(&f->c, OTHER, fr, 60, 0), 1);
    /* Both entries are resolving: a third address has no room. */
    assert_int_equal(tk_arp_enqueue(&f->c, 0xc6120009u, fr, 60, 0), -ENOBUFS);
    /* A resolved entry may be replaced. */
    assert_true(tk_arp_learn(&f->c, HOP, mac_a, false, 0));
    assert_int_equal(tk_arp_enqueue(&f->c, 0xc6120009u, fr, 60, 0), 1);
    fx_free(f);
}

static void test_NET_1_arp_retries_then_drops(void **state) {
    (void)state;
    fixture *f = fx_new(4, 4);
    uint8_t fr[60];
    frame_with_tag(fr, 1);
    assert_int_equal(tk_arp_enqueue(&f->c, HOP, fr, 60, 0), 1);
    assert_int_equal(tk_arp_next_deadline(&f->c), TK_SEC(1));
    assert_int_equal(tk_arp_poll(&f->c, TK_SEC(1) - 1, on_request, f), 0);
    assert_int_equal(f->nasked, 0);
    assert_int_equal(tk_arp_poll(&f->c, TK_SEC(1), on_request, f), 0);
    assert_int_equal(f->nasked, 1);
    assert_int_equal(f->asked[0], HOP);
    assert_int_equal(tk_arp_poll(&f->c, TK_SEC(2), on_request, f), 0);
    assert_int_equal(f->nasked, 2);
    /* Third request was the first one; out of retries: the frame goes. */
    assert_int_equal(tk_arp_poll(&f->c, TK_SEC(3), on_request, f), 1);
    assert_int_equal(f->nasked, 2);
    assert_int_equal(tk_arp_queued(&f->c), 0);
    assert_int_equal(tk_arp_next_deadline(&f->c), TK_TIME_NEVER);
    fx_free(f);
}

static void test_NET_1_arp_full_queue_still_resolves(void **state) {
    (void)state;
    fixture *f = fx_new(4, 1);
    uint8_t fr[60];
    frame_with_tag(fr, 1);
    assert_int_equal(tk_arp_enqueue(&f->c, HOP, fr, 60, 0), 1);
    /* No room for OTHER's frame; its request is due at once. */
    assert_int_equal(tk_arp_enqueue(&f->c, OTHER, fr, 60, TK_MS(5)), -ENOBUFS);
    assert_int_equal(tk_arp_next_deadline(&f->c), TK_MS(5));
    assert_int_equal(tk_arp_poll(&f->c, TK_MS(5), on_request, f), 0);
    assert_int_equal(f->nasked, 1);
    assert_int_equal(f->asked[0], OTHER);
    fx_free(f);
}

/* The cached earliest retry follows every change: a second resolution
 * that is due sooner, a reply ending the earlier one, and the last one
 * ending; a poll before it is due sends nothing. */
static void test_NET_1_arp_next_retry_cached(void **state) {
    (void)state;
    fixture *f = fx_new(4, 4);
    uint8_t fr[60];
    frame_with_tag(fr, 1);
    assert_int_equal(tk_arp_next_deadline(&f->c), TK_TIME_NEVER);
    assert_int_equal(tk_arp_enqueue(&f->c, HOP, fr, 60, TK_MS(300)), 1);
    assert_int_equal(tk_arp_next_deadline(&f->c), TK_MS(1300));
    assert_int_equal(tk_arp_enqueue(&f->c, OTHER, fr, 60, TK_MS(100)), 1);
    assert_int_equal(tk_arp_next_deadline(&f->c), TK_MS(1100));
    assert_int_equal(tk_arp_poll(&f->c, TK_MS(1099), on_request, f), 0);
    assert_int_equal(f->nasked, 0);
    assert_true(tk_arp_learn(&f->c, OTHER, mac_b, false, TK_MS(500)));
    assert_int_equal(tk_arp_next_deadline(&f->c), TK_MS(1300));
    assert_int_equal(tk_arp_poll(&f->c, TK_MS(1300), on_request, f), 0);
    assert_int_equal(f->nasked, 1);
    assert_int_equal(tk_arp_next_deadline(&f->c), TK_MS(2300));
    assert_true(tk_arp_learn(&f->c, HOP, mac_a, false, TK_MS(1400)));
    assert_int_equal(tk_arp_next_deadline(&f->c), TK_TIME_NEVER);
    fx_free(f);
}

/* The whole stack: connect() to an address it never heard of sends an ARP
 * request, queues the SYN, and sends it once the reply arrives. */
static void test_NET_1_stack_resolves_before_syn(void **state) {
    (void)state;
    tk_config cfg;
    tkh_config(&cfg);
    tkh h;
    tkh_init(&h, &cfg);
    int sd = tk_socket(h.s);
    tk_sockaddr dst = tk_sockaddr_in4(0xc6120007u, 80);
    assert_int_equal(tk_connect(h.s, sd, &dst), -EINPROGRESS);
    tkh_poll(&h);
    assert_int_equal(h.nframes, 1);
    const uint8_t *req = h.frames[h.head].buf;
    tk_eth_hdr eh;
    tk_wire_eth_parse(req, h.frames[h.head].len, &eh);
    assert_int_equal(eh.type, TK_ETHERTYPE_ARP);
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    assert_memory_equal(eh.dst, bcast, 6);
    tk_arp_pkt a;
    assert_int_equal(tk_wire_arp_parse(req + 14, h.frames[h.head].len - 14, &a), TK_ARP_LEN);
    assert_int_equal(a.op, TK_ARP_REQUEST);
    assert_int_equal(a.tpa, 0xc6120007u);
    assert_int_equal(a.spa, TKH_LOCAL_ADDR);
    assert_int_equal(tk_stack_stats(h.s)->arp_requests_sent, 1);
    assert_int_equal(tk_stack_stats(h.s)->arp_queued, 1);
    tkh_clear(&h);

    /* The reply: the queued SYN leaves with the peer's MAC. */
    uint8_t f[64];
    tk_eth_hdr reh;
    memcpy(reh.dst, cfg.mac, 6);
    memcpy(reh.src, mac_b, 6);
    reh.type = TK_ETHERTYPE_ARP;
    tk_wire_eth_emit(&reh, f, 14);
    tk_arp_pkt r = {.op = TK_ARP_REPLY, .spa = 0xc6120007u, .tpa = TKH_LOCAL_ADDR};
    memcpy(r.sha, mac_b, 6);
    memcpy(r.tha, cfg.mac, 6);
    tk_wire_arp_emit(&r, f + 14, 28);
    assert_int_equal(tk_stack_input(h.s, f, 42, h.now), 0);
    assert_int_equal(h.nframes, 1);
    tk_wire_eth_parse(h.frames[h.head].buf, h.frames[h.head].len, &eh);
    assert_memory_equal(eh.dst, mac_b, 6);
    assert_int_equal(eh.type, TK_ETHERTYPE_IPV4);
    tkh_seg seg;
    assert_true(tkh_next(&h, &seg));
    assert_int_equal(seg.flags, TK_TCP_SYN);
    assert_int_equal(seg.dport, 80);
    tkh_fini(&h);
}

/* SEC-11: the cache learns only from ARP, so an entry in use is polled
 * with a unicast request in its last arp_retries * arp_retry_interval
 * (3 s), at most once per interval; the answer clears the poll. */
static void test_SEC_11_arp_poll_due_before_expiry(void **state) {
    (void)state;
    fixture *f = fx_new(4, 4);
    assert_false(tk_arp_learn(&f->c, HOP, mac_a, true, 0));
    assert_false(tk_arp_poll_due(&f->c, OTHER, TK_SEC(57)));
    assert_false(tk_arp_poll_due(&f->c, HOP, TK_SEC(57) - 1));
    assert_true(tk_arp_poll_due(&f->c, HOP, TK_SEC(57)));
    assert_true(tk_arp_find(&f->c, HOP)->asked);
    assert_false(tk_arp_poll_due(&f->c, HOP, TK_SEC(58) - 1));
    assert_true(tk_arp_poll_due(&f->c, HOP, TK_SEC(58)));
    assert_false(tk_arp_learn(&f->c, HOP, mac_a, false, TK_SEC(58)));
    assert_false(tk_arp_find(&f->c, HOP)->asked);
    uint8_t m[6];
    assert_true(tk_arp_lookup(&f->c, HOP, TK_SEC(117), m));
    assert_false(tk_arp_poll_due(&f->c, HOP, TK_SEC(60)));
    assert_false(tk_arp_poll_due(&f->c, HOP, TK_SEC(118)));
    fx_free(f);
}

/* tk_stack_add_neighbor entries never expire and need no ARP. */
static void test_NET_1_static_neighbor_never_expires(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    h.now = TK_SEC(7200);
    tkh_poll(&h);
    uint32_t iss;
    (void)tkh_open_active(&h, 1000, NULL, &iss);
    assert_int_equal(tk_stack_stats(h.s)->arp_requests_sent, 0);
    assert_int_equal(tk_stack_stats(h.s)->arp_queued, 0);
    tkh_fini(&h);
}

/* Nobody answers: three requests a second apart, then the queued SYN is
 * dropped and counted (the SYN's own retransmission is set later here). */
static void test_NET_1_stack_unanswered_arp_gives_up(void **state) {
    (void)state;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.rto_initial = TK_SEC(10);
    tkh h;
    tkh_init(&h, &cfg);
    tk_time t0 = h.now;
    int sd = tk_socket(h.s);
    tk_sockaddr dst = tk_sockaddr_in4(0xc6120007u, 80);
    assert_int_equal(tk_connect(h.s, sd, &dst), -EINPROGRESS);
    tkh_poll(&h);
    const tk_stats *st = tk_stack_stats(h.s);
    assert_int_equal(st->arp_requests_sent, 1);
    assert_int_equal(st->arp_queued, 1);
    assert_int_equal(tk_stack_next_deadline(h.s), t0 + TK_SEC(1));
    tkh_run_until(&h, t0 + TK_SEC(1) - 1);
    assert_int_equal(st->arp_requests_sent, 1);
    tkh_run_until(&h, t0 + TK_SEC(1));
    assert_int_equal(st->arp_requests_sent, 2);
    tkh_run_until(&h, t0 + TK_SEC(2));
    assert_int_equal(st->arp_requests_sent, 3);
    assert_int_equal(st->arp_queue_drops, 0);
    tkh_run_until(&h, t0 + TK_SEC(3));
    assert_int_equal(st->arp_requests_sent, 3);
    assert_int_equal(st->arp_queue_drops, 1);
    assert_int_equal(tk_stack_next_deadline(h.s), t0 + TK_SEC(10));
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_NET_1_arp_learn_then_lookup_until_expiry),
        cmocka_unit_test(test_NET_1_arp_queue_flushed_in_order_on_reply),
        cmocka_unit_test(test_SEC_5_arp_queue_bounded),
        cmocka_unit_test(test_SEC_5_arp_cache_full_of_resolutions),
        cmocka_unit_test(test_NET_1_arp_retries_then_drops),
        cmocka_unit_test(test_NET_1_arp_full_queue_still_resolves),
        cmocka_unit_test(test_NET_1_arp_next_retry_cached),
        cmocka_unit_test(test_NET_1_stack_resolves_before_syn),
        cmocka_unit_test(test_SEC_11_arp_poll_due_before_expiry),
        cmocka_unit_test(test_NET_1_static_neighbor_never_expires),
        cmocka_unit_test(test_NET_1_stack_unanswered_arp_gives_up),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
