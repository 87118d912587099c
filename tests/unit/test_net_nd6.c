/* The IPv6 neighbour cache's state machine (SPEC NET-6, RFC 4861 7.3.3 and
 * Appendix C), driven directly: every transition and timer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "net/nd6.h"
#include "tcpkit/wire/ndp.h"

static const uint8_t X[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7};
static const uint8_t MAC_A[6] = {2, 0, 0, 0, 0, 0xa};
static const uint8_t MAC_B[6] = {2, 0, 0, 0, 0, 0xb};
#define STRIDE 128

typedef struct rec {
    int solicits, unicast, sent;
    uint8_t last_mac[6];
} rec;

static void on_solicit(void *ctx, const tk_nd6_entry *e, bool unicast) {
    rec *r = ctx;
    (void)e;
    r->solicits++;
    r->unicast += unicast;
}

static void on_send(void *ctx, uint8_t *frame, size_t len) {
    rec *r = ctx;
    (void)len;
    r->sent++;
    memcpy(r->last_mac, frame, 6);
}

static tk_nd6_cache *cache(uint8_t *q) {
    static tk_nd6_cache c; /* one test at a time */
    tk_nd6_init(&c, q, STRIDE);
    return &c;
}

static void test_NET_06_nd6_incomplete_to_reachable(void **state) {
    (void)state;
    uint8_t q[TK_ND6_QUEUE * STRIDE];
    tk_nd6_cache *c = cache(q);
    uint8_t frame[64] = {0}, mac[6];
    rec r = {0};
    assert_int_equal(tk_nd6_resolve(c, X, frame, sizeof frame, 100, mac), TK_ND6_SOLICIT);
    assert_int_equal(tk_nd6_find(c, X)->state, TK_ND6_INCOMPLETE);
    assert_int_equal(tk_nd6_resolve(c, X, frame, sizeof frame, 100, mac), TK_ND6_QUEUED);
    assert_int_equal(tk_nd6_queued(c), 2);
    /* An NA without a link-layer address leaves it INCOMPLETE. */
    assert_false(tk_nd6_advert(c, X, TK_ND_NA_SOLICITED, NULL, 200));
    assert_int_equal(tk_nd6_find(c, X)->state, TK_ND6_INCOMPLETE);
    assert_true(tk_nd6_advert(c, X, TK_ND_NA_SOLICITED, MAC_A, 200));
    assert_int_equal(tk_nd6_find(c, X)->state, TK_ND6_REACHABLE);
    assert_int_equal(tk_nd6_flush(c, X, on_send, &r), 2);
    assert_int_equal(r.sent, 2);
    assert_memory_equal(r.last_mac, MAC_A, 6);
    assert_int_equal(tk_nd6_queued(c), 0);
    assert_int_equal(tk_nd6_resolve(c, X, frame, sizeof frame, 300, mac), TK_ND6_SEND);
    assert_memory_equal(mac, MAC_A, 6);
    assert_int_equal(tk_nd6_next_deadline(c), 200 + TK_ND6_REACHABLE_TIME);
}

/* REACHABLE -> STALE (reachable time) -> DELAY (used) -> PROBE (5 s) ->
 * three unicast solicitations -> gone. */
static void test_NET_06_nd6_stale_delay_probe(void **state) {
    (void)state;
    uint8_t q[TK_ND6_QUEUE * STRIDE];
    tk_nd6_cache *c = cache(q);
    uint8_t frame[64] = {0}, mac[6];
    rec r = {0};
    (void)tk_nd6_resolve(c, X, frame, sizeof frame, 0, mac);
    (void)tk_nd6_advert(c, X, TK_ND_NA_SOLICITED, MAC_A, 0);
    tk_time t = TK_ND6_REACHABLE_TIME;
    tk_nd6_poll(c, t, on_solicit, &r);
    assert_int_equal(tk_nd6_find(c, X)->state, TK_ND6_STALE);
    assert_int_equal(tk_nd6_next_deadline(c), TK_TIME_NEVER);
    assert_int_equal(tk_nd6_resolve(c, X, frame, sizeof frame, t, mac), TK_ND6_SEND);
    assert_int_equal(tk_nd6_find(c, X)->state, TK_ND6_DELAY);
    assert_int_equal(tk_nd6_next_deadline(c), t + TK_ND6_DELAY_FIRST_PROBE);
    t += TK_ND6_DELAY_FIRST_PROBE;
    tk_nd6_poll(c, t, on_solicit, &r);
    assert_int_equal(tk_nd6_find(c, X)->state, TK_ND6_PROBE);
    assert_int_equal(r.solicits, 1);
    assert_int_equal(r.unicast, 1);
    /* Still usable while probing. */
    assert_int_equal(tk_nd6_resolve(c, X, frame, sizeof frame, t, mac), TK_ND6_SEND);
    for (int i = 0; i < 2; i++) {
        t += TK_ND6_RETRANS_TIMER;
        tk_nd6_poll(c, t, on_solicit, &r);
    }
    assert_int_equal(r.unicast, 3);
    t += TK_ND6_RETRANS_TIMER;
    tk_nd6_poll(c, t, on_solicit, &r);
    assert_null(tk_nd6_find(c, X));
    assert_int_equal(r.solicits, 3);
}

/* A solicited NA during PROBE confirms: REACHABLE again. */
static void test_NET_06_nd6_probe_confirmed(void **state) {
    (void)state;
    uint8_t q[TK_ND6_QUEUE * STRIDE];
    tk_nd6_cache *c = cache(q);
    uint8_t frame[64] = {0}, mac[6];
    rec r = {0};
    assert_false(tk_nd6_learn(c, X, MAC_A, 0)); /* from an NS: STALE */
    assert_int_equal(tk_nd6_find(c, X)->state, TK_ND6_STALE);
    (void)tk_nd6_resolve(c, X, frame, sizeof frame, 0, mac);
    tk_nd6_poll(c, TK_ND6_DELAY_FIRST_PROBE, on_solicit, &r);
    assert_int_equal(tk_nd6_find(c, X)->state, TK_ND6_PROBE);
    (void)tk_nd6_advert(c, X, TK_ND_NA_SOLICITED, NULL, TK_ND6_DELAY_FIRST_PROBE);
    assert_int_equal(tk_nd6_find(c, X)->state, TK_ND6_REACHABLE);
}

/* RFC 4861 7.2.5: without the Override flag a different address does not
 * replace the known one (a REACHABLE entry becomes STALE); with it, it
 * does; an unsolicited NA with a new address makes the entry STALE. */
static void test_NET_06_nd6_override_rules(void **state) {
    (void)state;
    uint8_t q[TK_ND6_QUEUE * STRIDE];
    tk_nd6_cache *c = cache(q);
    uint8_t frame[64] = {0}, mac[6];
    (void)tk_nd6_resolve(c, X, frame, sizeof frame, 0, mac);
    (void)tk_nd6_advert(c, X, TK_ND_NA_SOLICITED, MAC_A, 0);
    (void)tk_nd6_advert(c, X, TK_ND_NA_SOLICITED, MAC_B, 1);
    tk_nd6_entry *e = tk_nd6_find(c, X);
    assert_int_equal(e->state, TK_ND6_STALE);
    assert_memory_equal(e->mac, MAC_A, 6);
    (void)tk_nd6_advert(c, X, TK_ND_NA_OVERRIDE, MAC_B, 2);
    assert_int_equal(e->state, TK_ND6_STALE);
    assert_memory_equal(e->mac, MAC_B, 6);
    (void)tk_nd6_advert(c, X, TK_ND_NA_OVERRIDE | TK_ND_NA_SOLICITED | TK_ND_NA_ROUTER, MAC_A, 3);
    assert_int_equal(e->state, TK_ND6_REACHABLE);
    assert_memory_equal(e->mac, MAC_A, 6);
    assert_true(e->router);
    /* An NA for an address not in the cache creates nothing. */
    uint8_t y[16];
    memcpy(y, X, 16);
    y[15] = 9;
    assert_false(tk_nd6_advert(c, y, TK_ND_NA_OVERRIDE, MAC_A, 4));
    assert_null(tk_nd6_find(c, y));
}

/* The queue holds TK_ND6_QUEUE frames in all; then frames are refused,
 * and a new resolution is refused too. An entry out of multicast
 * solicitations drops its frames. */
static void test_NET_06_nd6_queue_bounded(void **state) {
    (void)state;
    uint8_t q[TK_ND6_QUEUE * STRIDE];
    tk_nd6_cache *c = cache(q);
    uint8_t frame[64] = {0}, big[STRIDE + 1] = {0}, mac[6];
    rec r = {0};
    assert_int_equal(tk_nd6_resolve(c, X, big, sizeof big, 0, mac), TK_ND6_NO_ROOM);
    assert_int_equal(tk_nd6_resolve(c, X, frame, sizeof frame, 0, mac), TK_ND6_SOLICIT);
    for (int i = 1; i < TK_ND6_QUEUE; i++)
        assert_int_equal(tk_nd6_resolve(c, X, frame, sizeof frame, 0, mac), TK_ND6_QUEUED);
    assert_int_equal(tk_nd6_resolve(c, X, frame, sizeof frame, 0, mac), TK_ND6_NO_ROOM);
    uint8_t y[16];
    memcpy(y, X, 16);
    y[15] = 9;
    assert_int_equal(tk_nd6_resolve(c, y, frame, sizeof frame, 0, mac), TK_ND6_NO_ROOM);
    uint32_t dropped = 0;
    for (int i = 1; i <= 3; i++)
        dropped += tk_nd6_poll(c, (tk_time)i * TK_ND6_RETRANS_TIMER, on_solicit, &r);
    assert_int_equal(r.solicits, 2); /* the first went with the resolve */
    assert_int_equal(r.unicast, 0);
    assert_int_equal(dropped, TK_ND6_QUEUE);
    assert_null(tk_nd6_find(c, X));
    assert_int_equal(tk_nd6_queued(c), 0);
}

/* A full cache replaces its least recently used resolved entry. */
static void test_NET_06_nd6_cache_bounded(void **state) {
    (void)state;
    uint8_t q[TK_ND6_QUEUE * STRIDE];
    tk_nd6_cache *c = cache(q);
    uint8_t a[16];
    memcpy(a, X, 16);
    for (int i = 0; i < TK_ND6_ENTRIES; i++) {
        a[14] = (uint8_t)i;
        (void)tk_nd6_learn(c, a, MAC_A, (tk_time)(100 + i));
    }
    a[14] = 0xee;
    (void)tk_nd6_learn(c, a, MAC_B, 1000);
    assert_non_null(tk_nd6_find(c, a));
    a[14] = 0;
    assert_null(tk_nd6_find(c, a)); /* the oldest went */
    a[14] = 1;
    assert_non_null(tk_nd6_find(c, a));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_NET_06_nd6_incomplete_to_reachable),
        cmocka_unit_test(test_NET_06_nd6_stale_delay_probe),
        cmocka_unit_test(test_NET_06_nd6_probe_confirmed),
        cmocka_unit_test(test_NET_06_nd6_override_rules),
        cmocka_unit_test(test_NET_06_nd6_queue_bounded),
        cmocka_unit_test(test_NET_06_nd6_cache_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
