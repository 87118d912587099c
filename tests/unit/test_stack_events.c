/* The event interface (SPEC EMB-3, tcpkit/events.h): per-socket callbacks
 * and the stack's event queue, on two stacks joined by an in-memory link. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_harness.h"
#include "tcpkit/events.h"

#define A 0
#define B 1

typedef struct seen {
    unsigned all; /* every bit reported */
    int calls;
    int last_sd;
} seen;

static void on_event(tk_stack *s, int sd, unsigned events, void *arg) {
    (void)s;
    seen *w = arg;
    w->all |= events;
    w->calls++;
    w->last_sd = sd;
}

/* Drains B's queue: the bits reported for sd (asserting no other socket
 * had any). */
static unsigned queued_for(tkp *p, int sd) {
    tk_event ev[4];
    unsigned bits = 0;
    int n;
    while ((n = tk_stack_events(p->st[B], ev, 4)) > 0)
        for (int i = 0; i < n; i++) {
            assert_int_equal(ev[i].sd, sd);
            bits |= ev[i].events;
        }
    assert_int_equal(n, 0);
    return bits;
}

static int listen_b(tkp *p) {
    int ls = tk_socket(p->st[B]);
    tk_sockaddr a = tk_sockaddr_in4(0, 80);
    assert_int_equal(tk_bind(p->st[B], ls, &a), 0);
    assert_int_equal(tk_listen(p->st[B], ls, 4), 0);
    return ls;
}

static int connect_a(tkp *p, seen *w) {
    int cs = tk_socket(p->st[A]);
    assert_int_equal(tk_set_events(p->st[A], cs, TK_EV_ALL, on_event, w), 0);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, 80);
    assert_int_equal(tk_connect(p->st[A], cs, &r), -EINPROGRESS);
    return cs;
}

/* connect(): CONNECTED and WRITABLE to the callback; the listener's
 * READABLE into the queue, once, and nothing after it was taken. */
static void test_EMB_03_API_03_events_connect_and_accept(void **state) {
    (void)state;
    tkp p;
    tkp_init(&p, NULL, NULL, TK_MS(1));
    int ls = listen_b(&p);
    assert_int_equal(tk_set_events(p.st[B], ls, TK_EV_READABLE, NULL, NULL), 0);
    seen w = {0};
    int cs = connect_a(&p, &w);
    assert_int_equal(w.calls, 0);
    tkp_run_until(&p, p.now + TK_MS(10));
    assert_int_equal(w.all, TK_EV_CONNECTED | TK_EV_WRITABLE);
    assert_int_equal(w.calls, 1);
    assert_int_equal(w.last_sd, cs);
    assert_int_equal(queued_for(&p, ls), TK_EV_READABLE);
    tkp_run_until(&p, p.now + TK_MS(10));
    assert_int_equal(queued_for(&p, ls), 0);
    assert_true(tk_accept(p.st[B], ls, NULL) >= 0);
    tkp_fini(&p);
}

/* Data after the application emptied the socket is reported again; the
 * peer's FIN is READABLE; both FINs done, CLOSED. A mask filters. */
static void test_EMB_03_API_03_events_data_eof_closed(void **state) {
    (void)state;
    tkp p;
    tkp_init(&p, NULL, NULL, TK_MS(1));
    int ls = listen_b(&p);
    seen w = {0};
    int cs = connect_a(&p, &w);
    tkp_run_until(&p, p.now + TK_MS(10));
    int ss = tk_accept(p.st[B], ls, NULL);
    assert_true(ss >= 0);
    assert_int_equal(tk_set_events(p.st[B], ss, TK_EV_READABLE | TK_EV_CLOSED, NULL, NULL), 0);
    char buf[16];
    for (int round = 0; round < 2; round++) {
        assert_int_equal(tk_send(p.st[A], cs, "hello", 5), 5);
        assert_int_equal(tk_stack_poll(p.st[A], p.now), 0);
        /* Long enough for the delayed ACK that lets Nagle send round 2. */
        tkp_run_until(&p, p.now + TK_MS(100));
        assert_int_equal(queued_for(&p, ss), TK_EV_READABLE);
        assert_int_equal(tk_recv(p.st[B], ss, buf, sizeof buf), 5);
    }
    /* A's data was acknowledged: WRITABLE reached the callback. */
    assert_true(w.all & TK_EV_WRITABLE);
    assert_int_equal(tk_shutdown(p.st[A], cs, TK_SHUT_WR), 0);
    assert_int_equal(tk_stack_poll(p.st[A], p.now), 0);
    tkp_run_until(&p, p.now + TK_MS(5));
    assert_int_equal(queued_for(&p, ss), TK_EV_READABLE);
    assert_int_equal(tk_recv(p.st[B], ss, buf, sizeof buf), 0);
    w.all = 0;
    assert_int_equal(tk_shutdown(p.st[B], ss, TK_SHUT_WR), 0);
    assert_int_equal(tk_stack_poll(p.st[B], p.now), 0);
    tkp_run_until(&p, p.now + TK_MS(5));
    /* A got B's FIN (readable EOF) and is in TIME_WAIT (closed); B's own
     * socket is CLOSED once its FIN was acknowledged. */
    assert_int_equal(w.all & (TK_EV_READABLE | TK_EV_CLOSED), TK_EV_READABLE | TK_EV_CLOSED);
    assert_int_equal(queued_for(&p, ss), TK_EV_CLOSED);
    tkp_fini(&p);
}

/* Data that arrived before tk_accept is reported at the first poll after
 * subscribing: nothing is lost between accept and subscription. */
static void test_EMB_03_API_03_events_already_true(void **state) {
    (void)state;
    tkp p;
    tkp_init(&p, NULL, NULL, TK_MS(1));
    int ls = listen_b(&p);
    seen w = {0};
    int cs = connect_a(&p, &w);
    tkp_run_until(&p, p.now + TK_MS(10));
    assert_int_equal(tk_send(p.st[A], cs, "early", 5), 5);
    assert_int_equal(tk_stack_poll(p.st[A], p.now), 0);
    tkp_run_until(&p, p.now + TK_MS(10));
    int ss = tk_accept(p.st[B], ls, NULL);
    assert_true(ss >= 0);
    assert_int_equal(tk_set_events(p.st[B], ss, TK_EV_READABLE | TK_EV_CONNECTED, NULL, NULL), 0);
    assert_int_equal(queued_for(&p, ss), 0);
    assert_int_equal(tk_stack_poll(p.st[B], p.now), 0);
    assert_int_equal(queued_for(&p, ss), TK_EV_READABLE);
    tkp_fini(&p);
}

/* A reset: ERROR and CLOSED. tk_close ends a subscription: nothing more is
 * reported for the descriptor, queued events included. */
static void test_EMB_03_API_03_events_reset_and_close(void **state) {
    (void)state;
    tkp p;
    tkp_init(&p, NULL, NULL, TK_MS(1));
    int ls = listen_b(&p);
    seen w = {0};
    int cs = connect_a(&p, &w);
    tkp_run_until(&p, p.now + TK_MS(10));
    int ss = tk_accept(p.st[B], ls, NULL);
    assert_int_equal(tk_set_events(p.st[B], ss, TK_EV_ALL, NULL, NULL), 0);
    tk_linger lg = {1, 0};
    assert_int_equal(tk_setsockopt(p.st[B], ss, TK_SOL_SOCKET, TK_SO_LINGER, &lg, sizeof lg), 0);
    assert_int_equal(tk_send(p.st[A], cs, "x", 1), 1);
    assert_int_equal(tk_stack_poll(p.st[A], p.now), 0);
    tkp_run_until(&p, p.now + TK_MS(5));
    assert_int_equal(tk_close(p.st[B], ss), 0); /* queued READABLE dropped */
    assert_int_equal(queued_for(&p, ss), 0);
    w.all = 0;
    assert_int_equal(tk_stack_poll(p.st[B], p.now), 0);
    tkp_run_until(&p, p.now + TK_MS(5));
    assert_int_equal(w.all & (TK_EV_ERROR | TK_EV_CLOSED), TK_EV_ERROR | TK_EV_CLOSED);
    int err = 0;
    size_t len = sizeof err;
    assert_int_equal(tk_getsockopt(p.st[A], cs, TK_SOL_SOCKET, TK_SO_ERROR, &err, &len), 0);
    assert_int_equal(err, -ECONNRESET);
    assert_int_equal(tk_set_events(p.st[A], cs, 0x40, NULL, NULL), -EINVAL);
    assert_int_equal(tk_set_events(p.st[A], 999, TK_EV_ALL, NULL, NULL), -EBADF);
    tkp_fini(&p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_EMB_03_API_03_events_connect_and_accept),
        cmocka_unit_test(test_EMB_03_API_03_events_data_eof_closed),
        cmocka_unit_test(test_EMB_03_API_03_events_already_true),
        cmocka_unit_test(test_EMB_03_API_03_events_reset_and_close),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
