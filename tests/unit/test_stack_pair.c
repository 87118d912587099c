/* Two stacks on an in-memory link: whole connection lives (CM-1, CM-3,
 * CM-9, RS-1, DT-2). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_harness.h"

#define A 0
#define B 1

static int server_listen(tkp *p, uint16_t port) {
    int ls = tk_socket(p->st[B]);
    assert_true(ls >= 0);
    tk_sockaddr a = tk_sockaddr_in4(0, port);
    assert_int_equal(tk_bind(p->st[B], ls, &a), 0);
    assert_int_equal(tk_listen(p->st[B], ls, 4), 0);
    return ls;
}

static void connect_pair(tkp *p, int *cs, int *ss) {
    int ls = server_listen(p, 80);
    *cs = tk_socket(p->st[A]);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, 80);
    assert_int_equal(tk_connect(p->st[A], *cs, &r), -EINPROGRESS);
    *ss = -EAGAIN;
    for (int i = 0; i < 12000 && *ss == -EAGAIN; i++) {
        tkp_run_until(p, p->now + TK_MS(10));
        *ss = tk_accept(p->st[B], ls, NULL);
    }
    assert_true(*ss >= 0);
    for (int i = 0; i < 12000 && !(tk_poll_events(p->st[A], *cs) & TK_POLLOUT); i++)
        tkp_run_until(p, p->now + TK_MS(10));
    assert_int_equal(tk_poll_events(p->st[A], *cs) & TK_POLLOUT, TK_POLLOUT);
    assert_int_equal(tk_close(p->st[B], ls), 0);
}

static void test_CM_01_pair_handshake(void **state) {
    (void)state;
    tkp p;
    tkp_init(&p, NULL, NULL, TK_MS(1));
    int ls = server_listen(&p, 80);
    int cs = tk_socket(p.st[A]);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, 80);
    assert_int_equal(tk_connect(p.st[A], cs, &r), -EINPROGRESS);
    assert_int_equal(tk_poll_events(p.st[A], cs) & TK_POLLOUT, 0);
    tkp_run_until(&p, p.now + TK_MS(10));
    assert_int_equal(tk_poll_events(p.st[A], cs) & TK_POLLOUT, TK_POLLOUT);
    assert_int_equal(tk_poll_events(p.st[B], ls), TK_POLLIN);
    tk_sockaddr peer;
    int ss = tk_accept(p.st[B], ls, &peer);
    assert_true(ss >= 0);
    assert_int_equal(peer.addr, TKH_LOCAL_ADDR);
    tk_sockaddr me;
    assert_int_equal(tk_getsockname(p.st[A], cs, &me), 0);
    assert_int_equal(peer.port, me.port);
    assert_true(me.port >= 49152);
    assert_int_equal(tk_stack_state_count(p.st[A], TK_TCP_ESTABLISHED), 1);
    assert_int_equal(tk_stack_state_count(p.st[B], TK_TCP_ESTABLISHED), 1);
    /* Active: CLOSED -> SYN_SENT -> ESTABLISHED; passive: via SYN_RCVD. */
    assert_int_equal(p.events[A][0].new_state, TK_TCP_SYN_SENT);
    assert_int_equal(p.events[A][1].new_state, TK_TCP_ESTABLISHED);
    assert_string_equal(p.events[A][1].cause, "rcv SYN-ACK");
    assert_int_equal(p.events[B][1].new_state, TK_TCP_SYN_RCVD);
    assert_int_equal(p.events[B][2].new_state, TK_TCP_ESTABLISHED);
    assert_int_equal(tk_stack_stats(p.st[A])->segs_out, 2);
    assert_int_equal(tk_stack_stats(p.st[B])->segs_out, 1);
    tkp_fini(&p);
}

static void fill(uint8_t *buf, size_t n, uint32_t seed) {
    for (size_t i = 0; i < n; i++)
        buf[i] = (uint8_t)((i * 7u + seed) ^ (i >> 8));
}

/* Sends n bytes from one side to the other, reading as they arrive. */
static void transfer(tkp *p, int from, int fsd, int tsd, size_t n) {
    static uint8_t out[300000], in[300000];
    assert_true(n <= sizeof(out));
    fill(out, n, (uint32_t)n);
    size_t sent = 0, got = 0;
    for (int round = 0; round < 400000 && got < n; round++) {
        if (sent < n) {
            long k = tk_send(p->st[from], fsd, out + sent, n - sent);
            if (k > 0)
                sent += (size_t)k;
            else
                assert_int_equal(k, -EAGAIN);
        }
        tkp_run_until(p, p->now + TK_MS(1));
        long r;
        while ((r = tk_recv(p->st[1 - from], tsd, in + got, n - got)) > 0)
            got += (size_t)r;
    }
    assert_int_equal(got, n);
    assert_memory_equal(in, out, n);
}

static void test_DT_02_pair_data_both_ways(void **state) {
    (void)state;
    tkp p;
    tkp_init(&p, NULL, NULL, TK_MS(1));
    int cs, ss;
    connect_pair(&p, &cs, &ss);
    transfer(&p, A, cs, ss, 200000);
    transfer(&p, B, ss, cs, 150001);
    const tk_stats *st = tk_stack_stats(p.st[A]);
    assert_int_equal(st->retransmits, 0);
    assert_int_equal(st->bytes_out, 200000);
    tkp_fini(&p);
}

static void test_CM_03_pair_close_active_first(void **state) {
    (void)state;
    tkp p;
    tkp_init(&p, NULL, NULL, TK_MS(1));
    int cs, ss;
    connect_pair(&p, &cs, &ss);
    assert_int_equal(tk_close(p.st[A], cs), 0);
    tkp_run_until(&p, p.now + TK_MS(10));
    /* The FIN's ACK waits for the delayed-ACK timer (CM-4). */
    assert_int_equal(tk_stack_state_count(p.st[A], TK_TCP_FIN_WAIT_1), 1);
    tkp_run_until(&p, p.now + TK_MS(40));
    assert_int_equal(tk_stack_state_count(p.st[A], TK_TCP_FIN_WAIT_2), 1);
    assert_int_equal(tk_stack_state_count(p.st[B], TK_TCP_CLOSE_WAIT), 1);
    char c;
    assert_int_equal(tk_recv(p.st[B], ss, &c, 1), 0);
    assert_int_equal(tk_close(p.st[B], ss), 0);
    tkp_run_until(&p, p.now + TK_MS(10));
    assert_int_equal(tk_stack_state_count(p.st[A], TK_TCP_TIME_WAIT), 1);
    assert_int_equal(tk_stack_state_count(p.st[B], TK_TCP_LAST_ACK), 0);
    assert_int_equal(tk_stack_state_count(p.st[B], TK_TCP_CLOSED), 0);
    tk_time tw_start = p.now;
    /* CM-9: 2 x MSL (2 x 30 s). */
    tkp_run_until(&p, tw_start + TK_SEC(59));
    assert_int_equal(tk_stack_state_count(p.st[A], TK_TCP_TIME_WAIT), 1);
    tkp_run_until(&p, tw_start + TK_SEC(61));
    assert_int_equal(tk_stack_state_count(p.st[A], TK_TCP_TIME_WAIT), 0);
    assert_int_equal(tk_stack_stats(p.st[A])->time_wait_expired, 1);
    tkp_fini(&p);
}

static void test_CM_03_pair_close_passive_first(void **state) {
    (void)state;
    tkp p;
    tkp_init(&p, NULL, NULL, TK_MS(1));
    int cs, ss;
    connect_pair(&p, &cs, &ss);
    assert_int_equal(tk_close(p.st[B], ss), 0);
    tkp_run_until(&p, p.now + TK_MS(100));
    char c;
    assert_int_equal(tk_recv(p.st[A], cs, &c, 1), 0);
    assert_int_equal(tk_close(p.st[A], cs), 0);
    tkp_run_until(&p, p.now + TK_MS(100));
    assert_int_equal(tk_stack_state_count(p.st[B], TK_TCP_TIME_WAIT), 1);
    assert_int_equal(tk_stack_state_count(p.st[A], TK_TCP_TIME_WAIT), 0);
    assert_int_equal(tk_stack_state_count(p.st[A], TK_TCP_LAST_ACK), 0);
    tkp_fini(&p);
}

static void test_RS_01_pair_connect_refused(void **state) {
    (void)state;
    tkp p;
    tkp_init(&p, NULL, NULL, TK_MS(1));
    int cs = tk_socket(p.st[A]);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, 81);
    assert_int_equal(tk_connect(p.st[A], cs, &r), -EINPROGRESS);
    tkp_run_until(&p, p.now + TK_MS(10));
    assert_int_equal(tk_poll_events(p.st[A], cs) & TK_POLLERR, TK_POLLERR);
    int err = 0;
    size_t len = sizeof(err);
    assert_int_equal(tk_getsockopt(p.st[A], cs, TK_SOL_SOCKET, TK_SO_ERROR, &err, &len), 0);
    assert_int_equal(err, -ECONNREFUSED);
    assert_int_equal(tk_stack_stats(p.st[B])->rsts_sent, 1);
    assert_int_equal(tk_stack_stats(p.st[B])->drop_no_socket, 1);
    tkp_fini(&p);
}

/* DT-1: loss, duplication, reordering (jitter) and corruption over many
 * seeds: both streams arrive complete and in order, byte for byte. */
static void test_DT_01_DT_10_faulty_link_many_seeds(void **state) {
    (void)state;
    uint64_t rexmits = 0, bad_csum = 0, dropped = 0;
    for (uint32_t seed = 1; seed <= 16; seed++) {
        /* Odd seeds start both sequence spaces just below 2^32 (DT-10). */
        tk_config ca, cb;
        tkh_config(&ca);
        tkh_config(&cb);
        ca.isn_fixed = cb.isn_fixed = (seed & 1u) != 0;
        ca.isn_value = 0xffffff00u;
        cb.isn_value = 0xfffff000u;
        tkp p;
        tkp_init(&p, &ca, &cb, TK_MS(5));
        p.fault_rng = seed * 2654435761u;
        p.loss_ppm = 50000;
        p.dup_ppm = 50000;
        p.corrupt_ppm = 10000;
        p.jitter = TK_MS(15);
        int cs, ss;
        connect_pair(&p, &cs, &ss);
        transfer(&p, A, cs, ss, 60000);
        transfer(&p, B, ss, cs, 30011);
        /* Both close; after the retries every connection is gone but the
         * TIME_WAIT one on the side that closed first. */
        assert_int_equal(tk_close(p.st[A], cs), 0);
        tkp_run_until(&p, p.now + TK_MS(50));
        assert_int_equal(tk_close(p.st[B], ss), 0);
        tkp_run_until(&p, p.now + TK_SEC(200));
        for (int i = 0; i < 2; i++)
            for (int st = TK_TCP_SYN_SENT; st < TK_TCP_TIME_WAIT; st++)
                assert_int_equal(tk_stack_state_count(p.st[i], st), 0);
        for (int i = 0; i < 2; i++) {
            rexmits += tk_stack_stats(p.st[i])->retransmits;
            bad_csum += tk_stack_stats(p.st[i])->drop_tcp_bad_csum;
        }
        dropped += p.dropped;
        tkp_fini(&p);
    }
    /* The faults really happened and were repaired. */
    assert_true(dropped > 10);
    assert_true(rexmits >= dropped / 4);
    assert_true(bad_csum > 0);
}

static bool outage(void *ctx, int from, const uint8_t *frame, size_t len, tk_time now) {
    (void)from;
    (void)frame;
    (void)len;
    const tk_time *win = ctx;
    return now < win[0] || now >= win[1];
}

/* DT-7: the cable is unplugged for 5 s during a transfer; the connection
 * stays ESTABLISHED and the transfer completes without loss or
 * duplication. */
static void test_DT_07_link_outage_survives(void **state) {
    (void)state;
    tkp p;
    tkp_init(&p, NULL, NULL, TK_MS(2));
    int cs, ss;
    connect_pair(&p, &cs, &ss);
    tk_time win[2] = {p.now + TK_MS(20), p.now + TK_MS(5020)};
    p.filter = outage;
    p.filter_ctx = win;
    transfer(&p, A, cs, ss, 250000);
    assert_true(p.now > win[1]);
    assert_true(p.dropped > 0);
    assert_int_equal(tk_stack_state_count(p.st[A], TK_TCP_ESTABLISHED), 1);
    assert_int_equal(tk_stack_state_count(p.st[B], TK_TCP_ESTABLISHED), 1);
    assert_true(tk_stack_stats(p.st[A])->rto_timeouts >= 3);
    tkp_fini(&p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_CM_01_pair_handshake),
        cmocka_unit_test(test_DT_02_pair_data_both_ways),
        cmocka_unit_test(test_CM_03_pair_close_active_first),
        cmocka_unit_test(test_CM_03_pair_close_passive_first),
        cmocka_unit_test(test_RS_01_pair_connect_refused),
        cmocka_unit_test(test_DT_01_DT_10_faulty_link_many_seeds),
        cmocka_unit_test(test_DT_07_link_outage_survives),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
