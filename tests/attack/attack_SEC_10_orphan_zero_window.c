/* SEC-10: a peer that answers every window probe with window 0 must not
 * keep a connection the application closed alive forever. The stack under
 * test is the server; the application sends data into a closed window and
 * close()s; the scripted peer answers each probe at once with window 0.
 * With the defaults the orphan ends after orphan_retries (8) probes with a
 * RST, within (orphan_retries + 1) * rto_max of the close. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "support/tk_conn.h"
#include "support/tk_harness.h"

#define ISS 1000u
#define IRS 5000u
#define S1  (ISS + 1)
#define R1  (IRS + 1)

/* What the peer saw while it kept its window closed. */
typedef struct seen {
    uint32_t probes, rsts;
    tk_time rst_at;
} seen;

/* Runs deadline by deadline until the connection is gone or until limit;
 * every probe is answered at once with window 0 when answer is set. */
static void run_peer(tkh *h, tk_time limit, bool answer, seen *out) {
    while (h->now < limit && tk_stack_state_count(h->s, TK_TCP_FIN_WAIT_1) +
                                     tk_stack_state_count(h->s, TK_TCP_ESTABLISHED) >
                                 0) {
        tk_time t = tk_stack_next_deadline(h->s);
        tkh_run_until(h, t < limit ? t : limit);
        tkh_seg g;
        while (tkh_next(h, &g)) {
            if (g.flags & TK_TCP_RST) {
                out->rsts++;
                out->rst_at = g.at;
                continue;
            }
            out->probes++;
            if (answer)
                tkh_inject(h, TK_TCP_ACK, R1, S1, 0, NULL, NULL, 0);
        }
        tkh_clear(h);
    }
}

/* The figure the defaults promise: every wait is at most rto_max. */
static tk_time orphan_bound(const tk_config *cfg) {
    return (tk_time)(cfg->orphan_retries + 1u) * cfg->rto_max;
}

static void test_SEC_10_orphan_zero_window_reclaimed(void **state) {
    (void)state;
    tkh h;
    tk_tcp_opts o = tkh_mss_opts(TK_OPT_MSS, 1000);
    int sd = tkh_open_fixed(&h, NULL, ISS, IRS, &o);
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 0, NULL, NULL, 0);
    assert_int_equal(tk_send(h.s, sd, "abcdef", 6), 6);
    assert_int_equal(tk_close(h.s, sd), 0);
    tkh_poll(&h);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_FIN_WAIT_1), 1);
    tk_time t0 = h.now, bound = orphan_bound(&h.cfg);
    seen s = {0};
    run_peer(&h, t0 + TK_SEC(24 * 3600), true, &s);
    const tk_stats *st = tk_stack_stats(h.s);
    printf("SEC-10: orphan on a zero window: %u probes answered with window 0, RST after "
           "%.1f s (bound (orphan_retries + 1) * rto_max = %.0f s)\n",
           s.probes, (double)(s.rst_at - t0) / 1e6, (double)bound / 1e6);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_FIN_WAIT_1), 0);
    assert_int_equal(s.rsts, 1);
    assert_true(s.rst_at - t0 <= bound);
    assert_int_equal(s.probes, h.cfg.orphan_retries);
    assert_int_equal(st->orphan_persist_timeouts, 1);
    assert_int_equal(st->conn_timeouts, 1);
    tkh_fini(&h);
}

/* The same orphan with a peer that never answers: retries2 (15) would
 * allow it, orphan_retries ends it first. */
static void test_SEC_10_orphan_silent_peer_bounded(void **state) {
    (void)state;
    tkh h;
    tk_tcp_opts o = tkh_mss_opts(TK_OPT_MSS, 1000);
    int sd = tkh_open_fixed(&h, NULL, ISS, IRS, &o);
    assert_int_equal(tk_send(h.s, sd, "abcdef", 6), 6);
    assert_int_equal(tk_close(h.s, sd), 0);
    tkh_poll(&h);
    tk_time t0 = h.now;
    seen s = {0};
    run_peer(&h, t0 + TK_SEC(24 * 3600), false, &s);
    const tk_stats *st = tk_stack_stats(h.s);
    printf("SEC-10: orphan retransmitting into silence: %u segments, gone after %.1f s\n", s.probes,
           (double)(h.now - t0) / 1e6);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_FIN_WAIT_1), 0);
    assert_int_equal(st->rto_timeouts, h.cfg.orphan_retries);
    assert_int_equal(st->orphan_rexmit_timeouts, 1);
    assert_true(h.now - t0 <= orphan_bound(&h.cfg));
    tkh_fini(&h);
}

/* An open socket keeps RFC 9293 behaviour by default (it lives while
 * probes are answered); persist_max_idle bounds it when set. */
static void test_SEC_10_open_socket_persist_max_idle(void **state) {
    (void)state;
    for (int limited = 0; limited < 2; limited++) {
        tkh h;
        tk_config cfg;
        tkh_config(&cfg);
        cfg.persist_max_idle = limited ? TK_SEC(600) : 0;
        tk_tcp_opts o = tkh_mss_opts(TK_OPT_MSS, 1000);
        int sd = tkh_open_fixed(&h, &cfg, ISS, IRS, &o);
        tkh_inject(&h, TK_TCP_ACK, R1, S1, 0, NULL, NULL, 0);
        assert_int_equal(tk_send(h.s, sd, "abcdef", 6), 6);
        tkh_poll(&h);
        tk_time t0 = h.now;
        seen s = {0};
        run_peer(&h, t0 + TK_SEC(3600), true, &s);
        uint32_t open = tk_stack_state_count(h.s, TK_TCP_ESTABLISHED);
        printf("SEC-10: open socket, persist_max_idle %s: %u probes, %s after %.0f s\n",
               limited ? "600 s" : "off", s.probes, open ? "still ESTABLISHED" : "RST",
               (double)((open ? h.now : s.rst_at) - t0) / 1e6);
        char c;
        if (limited) {
            assert_int_equal(open, 0);
            assert_int_equal(s.rsts, 1);
            assert_true(s.rst_at - t0 >= TK_SEC(600));
            assert_true(s.rst_at - t0 <= TK_SEC(600) + h.cfg.rto_max);
            assert_int_equal(tk_stack_stats(h.s)->persist_idle_timeouts, 1);
            assert_int_equal(tk_recv(h.s, sd, &c, 1), -ETIMEDOUT);
        } else {
            assert_int_equal(open, 1);
            assert_int_equal(s.rsts, 0);
            assert_int_equal(tk_stack_stats(h.s)->persist_idle_timeouts, 0);
        }
        tkh_fini(&h);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_SEC_10_orphan_zero_window_reclaimed),
        cmocka_unit_test(test_SEC_10_orphan_silent_peer_bounded),
        cmocka_unit_test(test_SEC_10_open_socket_persist_max_idle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
