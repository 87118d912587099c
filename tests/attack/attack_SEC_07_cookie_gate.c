/* SEC-7: blind ACKs guessing a SYN cookie. A listener that sent no cookie
 * lately never checks one (2^24 blind ACKs, 0 connections); one that is
 * sending cookies still rejects 2^20 guesses (the MAC covers the MSS
 * index). A cookie connection between two stacks keeps window scaling,
 * SACK and timestamps (SEC-2). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lan.h"
#include "tcpkit/socket.h"
#include "tcpkit/stats.h"
#include "tcpkit/tcp_state.h"

static int listener(tk_lan *net, int idx) {
    tk_stack *s = net->st[idx];
    int ls = tk_socket(s);
    tk_sockaddr a = tk_sockaddr_in4(0, 80);
    assert_int_equal(tk_bind(s, ls, &a), 0);
    assert_int_equal(tk_listen(s, ls, 128), 0);
    return ls;
}

static void blind_acks(tk_lan *net, uint32_t count) {
    for (uint32_t i = 0; i < count; i++) {
        tk_tcp_hdr h;
        memset(&h, 0, sizeof(h));
        h.sport = (uint16_t)(1024u + tk_lan_random(net) % 60000u);
        h.dport = 80;
        h.seq = tk_lan_random(net);
        h.ack = tk_lan_random(net);
        h.flags = TK_TCP_ACK;
        h.win = 65535;
        uint32_t src = 0xc6130000u | (tk_lan_random(net) & 0xffffu);
        (void)tk_lan_inject_tcp(net, 0, src, &h, NULL, 0);
        if ((i & 0xfffu) == 0)
            tk_lan_run_until(net, net->now + TK_MS(1));
    }
}

static void setup(tk_lan *net, uint32_t syn_backlog) {
    assert_int_equal(tk_lan_init(net, TK_MS(1), 0x5ec07u), 0);
    tk_config sc, cc;
    tk_lan_config(&sc, 1);
    sc.max_syn_backlog = syn_backlog;
    tk_lan_config(&cc, 2);
    assert_true(tk_lan_add(net, &sc) >= 0);
    assert_true(tk_lan_add(net, &cc) >= 0);
}

/* Acceptance: 2^24 blind ACKs to a listener that sent no cookie: none is
 * even checked, none makes a connection (each gets RS-8's RST). */
static void test_SEC_07_blind_acks_no_recent_cookie(void **state) {
    (void)state;
    tk_lan net;
    setup(&net, 128);
    listener(&net, 0);
    blind_acks(&net, 1u << 24);
    const tk_stats *st = tk_stack_stats(net.st[0]);
    printf("2^24 blind ACKs, no cookie sent: %llu ungated, %llu checked, %llu accepted, %u "
           "established\n",
           (unsigned long long)st->syncookies_ungated, (unsigned long long)st->syncookies_failed,
           (unsigned long long)st->syncookies_accepted,
           tk_stack_state_count(net.st[0], TK_TCP_ESTABLISHED));
    assert_int_equal(st->syncookies_ungated, 1u << 24);
    assert_int_equal(st->syncookies_failed, 0);
    assert_int_equal(st->syncookies_accepted, 0);
    assert_int_equal(tk_stack_state_count(net.st[0], TK_TCP_ESTABLISHED), 0);
    tk_lan_fini(&net);
}

/* While cookies are going out the gate is open, and the MAC still holds:
 * 2^20 guesses, 0 connections. */
static void test_SEC_07_blind_acks_gate_open(void **state) {
    (void)state;
    tk_lan net;
    setup(&net, 0); /* a syncache of 0: every SYN gets a cookie */
    listener(&net, 0);
    tk_tcp_hdr syn;
    memset(&syn, 0, sizeof(syn));
    syn.sport = 4000;
    syn.dport = 80;
    syn.seq = 1;
    syn.flags = TK_TCP_SYN;
    syn.win = 65535;
    (void)tk_lan_inject_tcp(&net, 0, 0xc6130001u, &syn, NULL, 0);
    assert_int_equal(tk_stack_stats(net.st[0])->syncookies_sent, 1);
    blind_acks(&net, 1u << 20);
    const tk_stats *st = tk_stack_stats(net.st[0]);
    printf("2^20 blind ACKs, cookies going out: %llu checked, %llu accepted\n",
           (unsigned long long)st->syncookies_failed, (unsigned long long)st->syncookies_accepted);
    assert_int_equal(st->syncookies_failed, 1u << 20);
    assert_int_equal(st->syncookies_accepted, 0);
    assert_int_equal(tk_stack_state_count(net.st[0], TK_TCP_ESTABLISHED), 0);
    tk_lan_fini(&net);
}

static const tk_conn_info *find_conn(tk_stack *s, tk_conn_info *ci, int max) {
    int n = tk_stack_conn_table(s, ci, max);
    for (int i = 0; i < n && i < max; i++)
        if (ci[i].state == TK_TCP_ESTABLISHED)
            return &ci[i];
    return NULL;
}

/* SEC-2: a cookie connection between two tcpkit stacks negotiates window
 * scale, SACK and timestamps, and 256 KiB cross it intact. */
static void test_SEC_02_cookie_keeps_options(void **state) {
    (void)state;
    tk_lan net;
    setup(&net, 0);
    int ls = listener(&net, 0);
    tk_stack *s = net.st[0], *c = net.st[1];
    int sd = tk_socket(c);
    tk_sockaddr to = tk_sockaddr_in4(net.cfg[0].addr, 80);
    assert_int_equal(tk_connect(c, sd, &to), -EINPROGRESS);
    tk_stack_poll(c, net.now);
    tk_lan_run_until(&net, net.now + TK_MS(10));
    int as = tk_accept(s, ls, NULL);
    assert_true(as >= 0);
    assert_int_equal(tk_stack_stats(s)->syncookies_accepted, 1);
    tk_conn_info ci[8];
    const tk_conn_info *sc = find_conn(s, ci, 8);
    assert_non_null(sc);
    assert_int_equal(sc->options, TK_CONN_OPT_TS | TK_CONN_OPT_SACK | TK_CONN_OPT_WSCALE);
    static uint8_t out[256 * 1024], in[256 * 1024];
    for (size_t i = 0; i < sizeof out; i++)
        out[i] = (uint8_t)(i * 7u + (i >> 9));
    size_t sent = 0, got = 0;
    while (got < sizeof in && net.now < TK_SEC(60)) {
        long n = tk_send(c, sd, out + sent, sizeof out - sent);
        if (n > 0)
            sent += (size_t)n;
        tk_stack_poll(c, net.now);
        tk_lan_run_until(&net, net.now + TK_MS(1));
        while ((n = tk_recv(s, as, in + got, sizeof in - got)) > 0)
            got += (size_t)n;
        tk_stack_poll(s, net.now);
    }
    assert_int_equal(got, sizeof in);
    assert_memory_equal(in, out, sizeof in);
    tk_conn_info cc[8];
    const tk_conn_info *cl = find_conn(c, cc, 8);
    assert_non_null(cl);
    assert_true(cl->snd_wnd > 65535u); /* the server's window is scaled */
    tk_lan_fini(&net);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_SEC_07_blind_acks_no_recent_cookie),
        cmocka_unit_test(test_SEC_07_blind_acks_gate_open),
        cmocka_unit_test(test_SEC_02_cookie_keeps_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
