/* The one configuration validator (tk_config_valid): each rule holds the
 * same when a stack is sized, created, or given new settings at run time. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "support/tk_harness.h"

typedef void (*mutate_fn)(tk_config *c);

static int out_none(void *ctx, const uint8_t *frame, size_t len) {
    (void)ctx;
    (void)frame;
    (void)len;
    return 0;
}

/* tk_stack_init's own answer for cfg, with a block big enough for the
 * valid configuration it was made from. */
static int init_rc(const tk_config *cfg) {
    tk_config base;
    tkh_config(&base);
    size_t need = tk_stack_mem_size(&base);
    void *mem = aligned_alloc(16, (need + 15) & ~(size_t)15);
    tk_stack_io io = {.output = out_none};
    tk_stack *s = NULL;
    int rc = tk_stack_init(&s, mem, need, cfg, &io);
    if (rc == 0)
        tk_stack_destroy(s, 0);
    free(mem);
    return rc;
}

/* A running stack for the run-time half of each check. */
static int setup(void **state) {
    tkh *h = test_malloc(sizeof(*h));
    tkh_init(h, NULL);
    *state = h;
    return 0;
}

static int teardown(void **state) {
    tkh *h = *state;
    tkh_fini(h);
    test_free(h);
    return 0;
}

/* The mutation makes cfg invalid everywhere: sizing, creation, and at run
 * time (where the layout fields are kept so only the rule can refuse it). */
static void assert_refused(tkh *h, mutate_fn mutate) {
    tk_config c;
    tkh_config(&c);
    assert_true(tk_config_valid(&c));
    mutate(&c);
    assert_false(tk_config_valid(&c));
    assert_int_equal(tk_stack_mem_size(&c), 0);
    assert_int_equal(init_rc(&c), -EINVAL);
    tk_config run = *tk_stack_config(h->s);
    mutate(&run);
    assert_int_equal(tk_stack_set_config(h->s, &run), -EINVAL);
}

static void rto_min_above_max(tk_config *c) {
    c->rto_min = c->rto_max + 1;
}
static void rto_max_above_limit(tk_config *c) {
    c->rto_max = TK_RTO_LIMIT + 1;
}
static void rto_min_zero(tk_config *c) {
    c->rto_min = 0;
}
static void invalid_ack_count_zero(tk_config *c) {
    c->invalid_ack_count = 0;
}
static void no_syncache_no_cookies(tk_config *c) {
    c->max_syn_backlog = 0;
    c->syn_cookies = false;
}
static void ephemeral_reversed(tk_config *c) {
    c->ephemeral_lo = 60000;
    c->ephemeral_hi = 50000;
}
static void ephemeral_zero(tk_config *c) {
    c->ephemeral_lo = 0;
}
static void mss_tiny(tk_config *c) {
    c->default_mss = 63;
}
static void initial_window_65(tk_config *c) {
    c->initial_window = 65;
}
static void ttl_zero(tk_config *c) {
    c->ip_ttl = 0;
}
static void ecn_3(tk_config *c) {
    c->ecn = 3;
}
static void tunnel_overhead_7(tk_config *c) {
    c->udp_tunnel_overhead = 7;
}
static void wscale_min_15(tk_config *c) {
    c->wscale_min = 15;
}

/* The rule set_config alone enforced before: an RTO floor above its
 * ceiling (RFC 6298 2.4/2.5) was accepted at creation. */
static void test_DT_6_rto_bounds_checked_everywhere(void **state) {
    assert_refused(*state, rto_min_above_max);
    assert_refused(*state, rto_min_zero);
    assert_refused(*state, rto_max_above_limit); /* the estimator's 32 bits */
}

/* The rule creation alone enforced before: at least one ACK per interval. */
static void test_SEC_8_invalid_ack_count_checked_everywhere(void **state) {
    assert_refused(*state, invalid_ack_count_zero);
}

static void test_SEC_2_syncache_or_cookies(void **state) {
    assert_refused(*state, no_syncache_no_cookies);
}

static void test_CM_15_ephemeral_range(void **state) {
    assert_refused(*state, ephemeral_reversed);
    assert_refused(*state, ephemeral_zero);
}

static void test_OP_1_default_mss_floor(void **state) {
    assert_refused(*state, mss_tiny);
}

static void test_DT_9_initial_window_cap(void **state) {
    assert_refused(*state, initial_window_65);
}

/* OP-2: RFC 7323 2.3 caps the shift at 14. */
static void test_OP_2_wscale_min_cap(void **state) {
    assert_refused(*state, wscale_min_15);
}

static void test_NET_1_ttl_ecn_tunnel(void **state) {
    assert_refused(*state, ttl_zero);
    assert_refused(*state, ecn_3);
    assert_refused(*state, tunnel_overhead_7);
}

/* SEC-5: pool bounds are checked when sizing; a running stack refuses any
 * change to them (they size its memory block). */
static void test_SEC_5_pool_bounds(void **state) {
    tk_config c;
    tkh_config(&c);
    c.max_sockets = 0;
    assert_false(tk_config_valid(&c));
    tkh_config(&c);
    c.rcvbuf = 1023;
    assert_int_equal(tk_stack_mem_size(&c), 0);
    tkh_config(&c);
    c.sndbuf = (1u << 30) + 1u;
    assert_false(tk_config_valid(&c));
    tkh_config(&c);
    c.max_syn_backlog = 65537;
    assert_false(tk_config_valid(&c));
    tkh_config(&c);
    c.mtu = 67;
    assert_false(tk_config_valid(&c));
    assert_false(tk_config_valid(NULL));
    tkh *h = *state;
    tk_config run = *tk_stack_config(h->s);
    run.max_sockets++;
    assert_true(tk_config_valid(&run));
    assert_int_equal(tk_stack_set_config(h->s, &run), -EINVAL);
}

/* Boundary values that are valid stay valid in all three places. */
static void test_API_1_config_edges_accepted(void **state) {
    tkh *h = *state;
    tk_config run = *tk_stack_config(h->s);
    run.rto_min = run.rto_max;
    run.initial_window = 64;
    run.ecn = 0;
    run.ephemeral_lo = run.ephemeral_hi;
    assert_true(tk_config_valid(&run));
    assert_true(tk_stack_mem_size(&run) > 0);
    assert_int_equal(init_rc(&run), 0);
    assert_int_equal(tk_stack_set_config(h->s, &run), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_DT_6_rto_bounds_checked_everywhere, setup, teardown),
        cmocka_unit_test_setup_teardown(test_SEC_8_invalid_ack_count_checked_everywhere, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_SEC_2_syncache_or_cookies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_CM_15_ephemeral_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_OP_1_default_mss_floor, setup, teardown),
        cmocka_unit_test_setup_teardown(test_DT_9_initial_window_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_OP_2_wscale_min_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_NET_1_ttl_ecn_tunnel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_SEC_5_pool_bounds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_API_1_config_edges_accepted, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
