/* The fault injector's spec (NET-2 under faults): parsing of
 * loss=5%,delay=20ms,... into the simulated link's parameters, and frames
 * travelling through it in both directions. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "impair.h"

static void test_NET_2_impair_spec_parsed(void **state) {
    (void)state;
    tk_simlink_params p;
    uint64_t seed = 1;
    assert_int_equal(
        tk_impair_parse("loss=5%,delay=20ms,reorder=10%,dup=1%,corrupt=0.5%", &p, &seed), 0);
    assert_int_equal(p.loss_ppm, 50000);
    assert_int_equal(p.delay, TK_MS(20));
    assert_int_equal(p.reorder_ppm, 100000);
    assert_int_equal(p.dup_ppm, 10000);
    assert_int_equal(p.corrupt_ppm, 5000);
    assert_int_equal(p.reorder_delay, TK_MS(5));
    assert_int_equal(p.jitter, 0);
    assert_int_equal(seed, 1);
    assert_int_equal(tk_impair_parse("jitter=250us,delay=1s,reorder_delay=3,seed=42", &p, &seed),
                     0);
    assert_int_equal(p.jitter, 250);
    assert_int_equal(p.delay, TK_SEC(1));
    assert_int_equal(p.reorder_delay, TK_MS(3));
    assert_int_equal(seed, 42);
    assert_int_equal(p.loss_ppm, 0);
}

static void test_NET_2_impair_spec_rejected(void **state) {
    (void)state;
    tk_simlink_params p;
    uint64_t seed = 1;
    assert_int_equal(tk_impair_parse("loss=101%", &p, &seed), -EINVAL);
    assert_int_equal(tk_impair_parse("loss=-1%", &p, &seed), -EINVAL);
    assert_int_equal(tk_impair_parse("loss", &p, &seed), -EINVAL);
    assert_int_equal(tk_impair_parse("drop=5%", &p, &seed), -EINVAL);
    assert_int_equal(tk_impair_parse("delay=20parsecs", &p, &seed), -EINVAL);
    assert_int_equal(tk_impair_parse("loss=5%x", &p, &seed), -EINVAL);
    assert_int_equal(tk_impair_parse("seed=abc", &p, &seed), -EINVAL);
    assert_int_equal(tk_impair_parse(NULL, &p, &seed), -EINVAL);
}

typedef struct got {
    int n[2];
    tk_time at[2];
} got;

static void on_frame(void *ctx, int dir, const uint8_t *frame, size_t len, tk_time at) {
    got *g = ctx;
    assert_int_equal(len, 60);
    assert_int_equal(frame[59], dir == TK_IMPAIR_TO_WIRE ? 0xaa : 0xbb);
    g->n[dir]++;
    g->at[dir] = at;
}

static void test_NET_2_impair_delays_both_directions(void **state) {
    (void)state;
    tk_impair im;
    assert_int_equal(tk_impair_open(&im, "delay=20ms"), 0);
    uint8_t out[60], in[60];
    memset(out, 0xaa, sizeof out);
    memset(in, 0xbb, sizeof in);
    tk_impair_send(&im, TK_IMPAIR_TO_WIRE, out, sizeof out, TK_MS(100));
    tk_impair_send(&im, TK_IMPAIR_TO_STACK, in, sizeof in, TK_MS(105));
    assert_int_equal(tk_impair_next_deadline(&im), TK_MS(120));
    got g = {{0, 0}, {0, 0}};
    assert_int_equal(tk_impair_deliver(&im, TK_MS(119), on_frame, &g), 0);
    assert_int_equal(tk_impair_deliver(&im, TK_MS(130), on_frame, &g), 2);
    assert_int_equal(g.n[TK_IMPAIR_TO_WIRE], 1);
    assert_int_equal(g.n[TK_IMPAIR_TO_STACK], 1);
    assert_int_equal(g.at[TK_IMPAIR_TO_WIRE], TK_MS(120));
    assert_int_equal(g.at[TK_IMPAIR_TO_STACK], TK_MS(125));
    assert_int_equal(tk_impair_next_deadline(&im), TK_TIME_NEVER);
    tk_impair_close(&im);
}

static void test_NET_2_impair_total_loss(void **state) {
    (void)state;
    tk_impair im;
    assert_int_equal(tk_impair_open(&im, "loss=100%"), 0);
    uint8_t f[60];
    memset(f, 0xaa, sizeof f);
    for (int i = 0; i < 10; i++)
        tk_impair_send(&im, TK_IMPAIR_TO_WIRE, f, sizeof f, 0);
    got g = {{0, 0}, {0, 0}};
    assert_int_equal(tk_impair_deliver(&im, TK_SEC(1), on_frame, &g), 0);
    assert_int_equal(g.n[TK_IMPAIR_TO_WIRE], 0);
    tk_impair_close(&im);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_NET_2_impair_spec_parsed),
        cmocka_unit_test(test_NET_2_impair_spec_rejected),
        cmocka_unit_test(test_NET_2_impair_delays_both_directions),
        cmocka_unit_test(test_NET_2_impair_total_loss),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
