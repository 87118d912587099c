/* RFC 6298 RTO computation (SPEC DT-6), exact integer microseconds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tcp/rtt.h"
#include "tcpkit/config.h"

#define assert_time(a, b) assert_true((tk_time)(a) == (tk_time)(b))

static void defaults(tk_rtt *r) {
    tk_rtt_init(r, TK_SEC(1), TK_MS(200), TK_SEC(120));
}

static void test_DT_06_initial_rto_before_sample(void **state) {
    (void)state;
    tk_rtt r;
    defaults(&r);
    assert_false(r.has_sample);
    assert_time(tk_rtt_rto(&r, 0), 1000000);
    assert_time(tk_rtt_rto(&r, 1), 2000000); /* SYN retransmission backoff */
    assert_time(tk_rtt_rto(&r, 6), 64000000);
    assert_time(tk_rtt_rto(&r, 7), 120000000);
}

static void test_DT_06_sample_sequence_exact(void **state) {
    (void)state;
    tk_rtt r;
    defaults(&r);
    /* 2.2: SRTT = R, RTTVAR = R/2, RTO = SRTT + max(G, 4*RTTVAR). */
    tk_rtt_sample(&r, 100000);
    assert_true(r.has_sample);
    assert_time(r.srtt, 100000);
    assert_time(r.rttvar, 50000);
    assert_time(r.rto, 300000);
    /* 2.3: RTTVAR = (3*50000 + |100000-120000|)/4, SRTT = (7*100000+120000)/8 */
    tk_rtt_sample(&r, 120000);
    assert_time(r.rttvar, 42500);
    assert_time(r.srtt, 102500);
    assert_time(r.rto, 272500);
    /* RTTVAR = (3*42500 + 22500)/4, SRTT = (7*102500 + 80000)/8 = 99687.5 */
    tk_rtt_sample(&r, 80000);
    assert_time(r.rttvar, 37500);
    assert_time(r.srtt, 99687);
    assert_time(r.rto, 249687);
    /* RTTVAR = (3*37500 + 250313)/4 = 90703.25, SRTT = (7*99687+350000)/8 */
    tk_rtt_sample(&r, 350000);
    assert_time(r.rttvar, 90703);
    assert_time(r.srtt, 130976);
    assert_time(r.rto, 493788);
}

static void test_DT_06_rto_min_clamp(void **state) {
    (void)state;
    tk_rtt r;
    defaults(&r);
    tk_rtt_sample(&r, 10000); /* 10 ms: 10000 + 4*5000 = 30 ms < 200 ms */
    assert_time(r.rto, 200000);
    assert_time(r.srtt, 10000);
}

static void test_DT_06_clock_granularity_floor(void **state) {
    (void)state;
    tk_rtt r;
    tk_rtt_init(&r, TK_SEC(1), 0, TK_SEC(120));
    for (int i = 0; i < 40; i++)
        tk_rtt_sample(&r, 10000);
    /* RTTVAR decays to 0, so RTO = SRTT + G. */
    assert_time(r.rttvar, 0);
    assert_time(r.srtt, 10000);
    assert_time(r.rto, 11000);
}

static void test_DT_06_rto_max_clamp(void **state) {
    (void)state;
    tk_rtt r;
    defaults(&r);
    tk_rtt_sample(&r, TK_SEC(50)); /* 50 s + 100 s > 120 s */
    assert_time(r.rto, 120000000);
    assert_time(r.srtt, 50000000);
    tk_rtt_sample(&r, UINT64_MAX); /* absurd sample: no overflow, still capped */
    assert_time(r.rto, 120000000);
}

static void test_DT_06_backoff_doubles_to_cap(void **state) {
    (void)state;
    tk_rtt r;
    defaults(&r);
    tk_rtt_sample(&r, 100000); /* RTO 300 ms */
    assert_time(tk_rtt_rto(&r, 0), 300000);
    assert_time(tk_rtt_rto(&r, 1), 600000);
    assert_time(tk_rtt_rto(&r, 2), 1200000);
    assert_time(tk_rtt_rto(&r, 8), 76800000);
    assert_time(tk_rtt_rto(&r, 9), 120000000);
    assert_time(tk_rtt_rto(&r, 63), 120000000);
    assert_time(tk_rtt_rto(&r, 64), 120000000);
    assert_time(tk_rtt_rto(&r, UINT32_MAX), 120000000);
    assert_time(r.rto, 300000); /* backoff does not change the estimator */
}

static void test_DT_06_init_clamps_initial(void **state) {
    (void)state;
    tk_rtt r;
    tk_rtt_init(&r, TK_MS(50), TK_MS(200), TK_SEC(120));
    assert_time(r.rto, 200000);
    tk_rtt_init(&r, TK_SEC(500), TK_MS(200), TK_SEC(120));
    assert_time(r.rto, 120000000);
    tk_rtt_init(&r, 0, 0, TK_SEC(1));
    assert_time(tk_rtt_rto(&r, 5), 0); /* a zero RTO stays zero, no endless loop */
}

/* The estimator holds 32-bit microseconds: rto_max is capped at
 * TK_RTO_LIMIT and a sample above rto_max counts as rto_max, so SRTT never
 * exceeds it (before, a 50 s sample with a 10 s ceiling made SRTT 50 s). */
static void test_DT_06_sample_capped_at_rto_max(void **state) {
    (void)state;
    tk_rtt r;
    tk_rtt_init(&r, TK_SEC(1), TK_MS(200), TK_SEC(10));
    tk_rtt_sample(&r, TK_SEC(50));
    assert_time(r.srtt, 10000000);
    assert_time(r.rttvar, 5000000);
    assert_time(r.rto, 10000000);
    tk_rtt_init(&r, TK_SEC(1), TK_MS(200), UINT64_MAX);
    assert_time(r.rto_max, TK_RTO_LIMIT);
    tk_rtt_sample(&r, UINT64_MAX);
    assert_time(r.srtt, TK_RTO_LIMIT);
    assert_time(tk_rtt_rto(&r, 3), TK_RTO_LIMIT);
    assert_true(sizeof(tk_rtt) <= 24);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_DT_06_initial_rto_before_sample),
        cmocka_unit_test(test_DT_06_sample_sequence_exact),
        cmocka_unit_test(test_DT_06_rto_min_clamp),
        cmocka_unit_test(test_DT_06_clock_granularity_floor),
        cmocka_unit_test(test_DT_06_rto_max_clamp),
        cmocka_unit_test(test_DT_06_backoff_doubles_to_cap),
        cmocka_unit_test(test_DT_06_init_clamps_initial),
        cmocka_unit_test(test_DT_06_sample_capped_at_rto_max),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
