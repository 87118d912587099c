/* SEC-2: a SYN flood of spoofed sources against a listener, while a real
 * client stack connects again and again. Half-open connections live in the
 * syncache, SYN cookies answer when it is full, and legitimate connects
 * complete within 3 virtual seconds; the core allocates nothing (malloc is
 * wrapped and counted), and the application can still open a socket. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bench/flood.h"
#include "tcpkit/socket.h"
#include "tcpkit/stats.h"
#include "tcpkit/tcp_state.h"

/* Allocations made while a plan runs: the same count with and without a
 * flood shows that the core allocates nothing per packet or connection. */
static int g_counting;
static unsigned long g_allocs;
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void *__real_aligned_alloc(size_t a, size_t n);
void *__wrap_aligned_alloc(size_t a, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n) {
    g_allocs += (unsigned long)g_counting;
    return __real_malloc(n);
}
void *__wrap_calloc(size_t n, size_t m) {
    g_allocs += (unsigned long)g_counting;
    return __real_calloc(n, m);
}
void *__wrap_realloc(void *p, size_t n) {
    g_allocs += (unsigned long)g_counting;
    return __real_realloc(p, n);
}
void *__wrap_aligned_alloc(size_t a, size_t n) {
    g_allocs += (unsigned long)g_counting;
    return __real_aligned_alloc(a, n);
}

static unsigned long run_counted(const tk_flood_plan *p, tk_flood_result *r) {
    g_allocs = 0;
    g_counting = 1;
    assert_int_equal(tk_flood_run(p, r), 0);
    g_counting = 0;
    return g_allocs;
}

static void check(const tk_flood_plan *p, const char *name, int min_within) {
    tk_flood_result r, quiet;
    tk_flood_plan calm = *p;
    calm.spoof_per_s = 0;
    unsigned long base = run_counted(&calm, &quiet);
    unsigned long allocs = run_counted(p, &r);
    printf("%s: %llu spoofed SYNs (%u/s for %llu s), %d/%d connects accepted within 3 s (median "
           "%llu ms, worst %llu ms), %d established at the client; SYN_RCVD peak %u (syncache %u), "
           "cookies sent %llu accepted %llu; allocations %lu (%lu without the flood); memory "
           "block %zu bytes\n",
           name, (unsigned long long)r.spoofed, p->spoof_per_s,
           (unsigned long long)(p->duration / TK_SEC(1)), r.within, p->legit,
           (unsigned long long)(r.median / 1000u), (unsigned long long)(r.worst / 1000u),
           r.established, r.syn_rcvd_peak, r.syncache, (unsigned long long)r.cookies_sent,
           (unsigned long long)r.cookies_accepted, allocs, base, r.mem);
    assert_true(r.within >= min_within);
    assert_int_equal(r.accepted, r.started);
    assert_int_equal(r.established, r.started);
    assert_int_equal(allocs, base);
    assert_true(r.app_socket_ok);
    assert_true(r.syn_rcvd_peak <= r.syncache);
}

/* Acceptance: the default configuration, 100,000 spoofed SYNs per second
 * for 10 s, 1,000 legitimate connects: at least 999 within 3 s. */
static void test_SEC_02_flood_default_config(void **state) {
    (void)state;
    tk_flood_plan p = {0, 0, 128, 100000, TK_SEC(10), TK_FLOOD_LEGIT_MAX, false};
    check(&p, "default config", 999);
}

/* The same with a small device: 8 sockets, a syncache of 4, backlog 4. */
static void test_SEC_02_flood_small_config(void **state) {
    (void)state;
    tk_flood_plan p = {8, 4, 4, 100000, TK_SEC(10), TK_FLOOD_LEGIT_MAX, false};
    check(&p, "small config", 999);
}

/* A trickle that never fills the syncache by itself: 2 spoofed SYNs per
 * second for 120 s; at least 99.9 % of connects within 3 s. */
static void test_SEC_02_flood_low_rate(void **state) {
    (void)state;
    tk_flood_plan p = {0, 0, 128, 2, TK_SEC(120), TK_FLOOD_LEGIT_MAX, false};
    check(&p, "low rate", 999);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_SEC_02_flood_default_config),
        cmocka_unit_test(test_SEC_02_flood_small_config),
        cmocka_unit_test(test_SEC_02_flood_low_rate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
