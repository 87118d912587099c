/* Introspection (API-2): counters by name, connection table, state counts;
 * and the stack object's memory sizing and input validation. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_harness.h"
#include "tcpkit/opts.h"

static void test_API_02_counter_names(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    size_t n = tk_stats_count();
    assert_true(n > 50);
    assert_string_equal(tk_stats_name(0), "frames_in");
    assert_null(tk_stats_name(n));
    tkh_inject(&h, TK_TCP_SYN, 1, 0, 100, NULL, NULL, 0);
    const tk_stats *st = tk_stack_stats(h.s);
    int found = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(tk_stats_name(i), "drop_no_socket") == 0) {
            assert_int_equal(tk_stats_value(st, i), 1);
            found++;
        }
        if (strcmp(tk_stats_name(i), "rsts_sent") == 0) {
            assert_int_equal(tk_stats_value(st, i), 1);
            found++;
        }
    }
    assert_int_equal(found, 2);
    assert_int_equal(st->segs_in, 1);
    assert_int_equal(st->segs_out, 1);
    assert_int_equal(st->frames_in, 1);
    assert_int_equal(st->frames_out, 1);
    tkh_fini(&h);
}

static void test_API_02_conn_table(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    uint32_t iss;
    int sd = tkh_open_passive(&h, 5000, NULL, &iss);
    tk_send(h.s, sd, "abc", 3);
    tkh_poll(&h);
    tkh_inject(&h, TK_TCP_ACK, 5001, iss + 1, 65535, NULL, "xy", 2);
    tk_conn_info ci[1];
    assert_int_equal(tk_stack_conn_table(h.s, ci, 1), 2); /* listener + connection */
    tk_conn_info all[4];
    assert_int_equal(tk_stack_conn_table(h.s, all, 4), 2);
    const tk_conn_info *c = all[0].sd == sd ? &all[0] : &all[1];
    const tk_conn_info *l = all[0].sd == sd ? &all[1] : &all[0];
    assert_int_equal(l->state, TK_TCP_LISTEN);
    assert_int_equal(c->state, TK_TCP_ESTABLISHED);
    assert_int_equal(c->local.port, 80);
    assert_int_equal(c->remote.port, 40000);
    assert_int_equal(c->remote.addr, TKH_REMOTE_ADDR);
    assert_int_equal(c->send_q, 3);
    assert_int_equal(c->recv_q, 2);
    assert_int_equal(c->mss, 536);
    assert_int_equal(c->cwnd, 4 * 536);
    /* The delayed ACK of "xy" (40 ms) comes before the retransmission. */
    assert_int_equal(c->timer_kind, TK_TIMER_DELACK);
    assert_int_equal(c->timer_deadline, h.now + TK_MS(40));
    assert_int_equal(c->rto, TK_MS(200));
    assert_string_equal(tk_timer_kind_name(c->timer_kind), "delack");
    tkh_run_until(&h, h.now + TK_MS(40));
    tk_stack_conn_table(h.s, all, 4);
    assert_int_equal(c->timer_kind, TK_TIMER_RETRANSMIT);
    assert_int_equal(c->timer_deadline, h.now - TK_MS(40) + TK_MS(200));
    assert_string_equal(tk_tcp_state_name(c->state), "ESTABLISHED");
    assert_string_equal(tk_tcp_state_name(TK_TCP_SYN_RCVD), "SYN_RCVD");
    assert_string_equal(tk_tcp_state_name(99), "?");
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_LISTEN), 1);
    assert_int_equal(tk_stack_state_count(h.s, 42), 0);
    tkh_fini(&h);
}

static int out_none(void *ctx, const uint8_t *f, size_t n) {
    (void)ctx;
    (void)f;
    (void)n;
    return 0;
}

/* One block sized by tk_stack_mem_size; smaller blocks are refused. */
static void test_API_02_memory_block(void **state) {
    (void)state;
    tk_config cfg;
    tkh_config(&cfg);
    size_t need = tk_stack_mem_size(&cfg);
    assert_true(need > 16u * (65536u * 2u));
    void *mem = aligned_alloc(16, (need + 15) & ~(size_t)15);
    tk_stack_io io = {.output = out_none};
    tk_stack *s;
    assert_int_equal(tk_stack_init(&s, mem, need - 1, &cfg, &io), -ENOMEM);
    assert_int_equal(tk_stack_init(&s, mem, need, &cfg, &io), 0);
    assert_int_equal(tk_stack_next_deadline(s), TK_TIME_NEVER);
    tk_stack_destroy(s, 0); /* does not free a caller's block */
    free(mem);
    cfg.max_sockets = 0;
    assert_int_equal(tk_stack_mem_size(&cfg), 0);
    tk_stack_io noout = {0};
    tkh_config(&cfg);
    assert_int_equal(tk_stack_create(&s, &cfg, &noout), -EINVAL);
}

/* Settings change while the stack runs, except those that size memory. */
static void test_API_02_set_config_at_run_time(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    tk_config c = *tk_stack_config(h.s);
    assert_int_equal(c.insecure_rst, false);
    c.insecure_rst = true;
    c.keepalive_idle = TK_SEC(5);
    assert_int_equal(tk_stack_set_config(h.s, &c), 0);
    assert_int_equal(tk_stack_config(h.s)->insecure_rst, true);
#if TK_WITH_KEEPALIVE
    /* New sockets take the new keepalive default. */
    int sd = tk_socket(h.s);
    int v;
    size_t len = sizeof(v);
    tk_getsockopt(h.s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_KEEPIDLE, &v, &len);
    assert_int_equal(v, 5);
#endif
    tk_config bad = c;
    bad.mtu = 1400;
    assert_int_equal(tk_stack_set_config(h.s, &bad), -EINVAL);
    bad = c;
    bad.rcvbuf = 1024;
    assert_int_equal(tk_stack_set_config(h.s, &bad), -EINVAL);
    bad = c;
    bad.ephemeral_lo = 0;
    assert_int_equal(tk_stack_set_config(h.s, &bad), -EINVAL);
    bad = c;
    bad.initial_window = 65; /* DT-9: at most 64 segments */
    assert_int_equal(tk_stack_set_config(h.s, &bad), -EINVAL);
    assert_int_equal(tk_stack_mem_size(&bad), 0);
    bad.initial_window = 64;
    assert_int_equal(tk_stack_set_config(h.s, &bad), 0);
    assert_int_equal(tk_stack_config(h.s)->mtu, 1500);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_API_02_counter_names),
        cmocka_unit_test(test_API_02_conn_table),
        cmocka_unit_test(test_API_02_memory_block),
        cmocka_unit_test(test_API_02_set_config_at_run_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
