/* SEC-13: a per-source connection-rate limit. One client reconnects in a
 * burst and is refused (RST, ECONNREFUSED) beyond the limit; another
 * client connecting at the same time is not affected; after a second the
 * first gets through again. Off by default. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lan.h"
#include "tcpkit/socket.h"
#include "tcpkit/stats.h"

#define LIMIT 3

/* n connects from stack idx at once; returns how many connected. */
static int burst(tk_lan *net, int idx, int n, int *refused) {
    tk_stack *c = net->st[idx];
    int sd[16];
    tk_sockaddr to = tk_sockaddr_in4(net->cfg[0].addr, 80);
    for (int i = 0; i < n; i++) {
        sd[i] = tk_socket(c);
        assert_true(sd[i] >= 0);
        assert_int_equal(tk_connect(c, sd[i], &to), -EINPROGRESS);
    }
    tk_stack_poll(c, net->now);
    tk_lan_run_until(net, net->now + TK_MS(50));
    int ok = 0;
    for (int i = 0; i < n; i++) {
        int ev = tk_poll_events(c, sd[i]);
        int err = 0;
        size_t len = sizeof err;
        assert_int_equal(tk_getsockopt(c, sd[i], TK_SOL_SOCKET, TK_SO_ERROR, &err, &len), 0);
        if ((ev & TK_POLLOUT) && err == 0)
            ok++;
        else if (err == -ECONNREFUSED)
            (*refused)++;
        assert_int_equal(tk_close(c, sd[i]), 0);
    }
    return ok;
}

static void drain(tk_lan *net, int ls) {
    int sd;
    while ((sd = tk_accept(net->st[0], ls, NULL)) >= 0)
        assert_int_equal(tk_close(net->st[0], sd), 0);
    tk_stack_poll(net->st[0], net->now);
}

static void test_SEC_13_burst_refused_others_unaffected(void **state) {
    (void)state;
    tk_lan net;
    assert_int_equal(tk_lan_init(&net, TK_MS(1), 0x5ec13u), 0);
    tk_config sc, a, b;
    tk_lan_config(&sc, 1);
    sc.syn_rate_limit = LIMIT;
    tk_lan_config(&a, 2);
    tk_lan_config(&b, 3);
    assert_true(tk_lan_add(&net, &sc) >= 0);
    assert_true(tk_lan_add(&net, &a) >= 0);
    assert_true(tk_lan_add(&net, &b) >= 0);
    int ls = tk_socket(net.st[0]);
    tk_sockaddr any = tk_sockaddr_in4(0, 80);
    assert_int_equal(tk_bind(net.st[0], ls, &any), 0);
    assert_int_equal(tk_listen(net.st[0], ls, 64), 0);
    int refused_a = 0, refused_b = 0;
    int ok_a = burst(&net, 1, 10, &refused_a);
    int ok_b = burst(&net, 2, LIMIT, &refused_b);
    drain(&net, ls);
    printf("burst of 10 from one address: %d connected, %d refused; another address: %d of %d\n",
           ok_a, refused_a, ok_b, LIMIT);
    assert_int_equal(ok_a, LIMIT);
    assert_int_equal(refused_a, 10 - LIMIT);
    assert_int_equal(ok_b, LIMIT);
    assert_int_equal(refused_b, 0);
    assert_int_equal(tk_stack_stats(net.st[0])->drop_syn_rate_limited, 10 - LIMIT);
    tk_lan_run_until(&net, net.now + TK_SEC(1)); /* the client that waits gets through */
    int again = 0;
    assert_int_equal(burst(&net, 1, 1, &again), 1);
    tk_lan_fini(&net);
}

/* Off by default: the same burst all connects. */
static void test_SEC_13_off_by_default(void **state) {
    (void)state;
    tk_lan net;
    assert_int_equal(tk_lan_init(&net, TK_MS(1), 0x5ec13u), 0);
    tk_config sc, a;
    tk_lan_config(&sc, 1);
    tk_lan_config(&a, 2);
    assert_int_equal(sc.syn_rate_limit, 0);
    assert_true(tk_lan_add(&net, &sc) >= 0);
    assert_true(tk_lan_add(&net, &a) >= 0);
    int ls = tk_socket(net.st[0]);
    tk_sockaddr any = tk_sockaddr_in4(0, 80);
    assert_int_equal(tk_bind(net.st[0], ls, &any), 0);
    assert_int_equal(tk_listen(net.st[0], ls, 64), 0);
    int refused = 0;
    assert_int_equal(burst(&net, 1, 10, &refused), 10);
    assert_int_equal(refused, 0);
    drain(&net, ls);
    tk_lan_fini(&net);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_SEC_13_burst_refused_others_unaffected),
        cmocka_unit_test(test_SEC_13_off_by_default),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
