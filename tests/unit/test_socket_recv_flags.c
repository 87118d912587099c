/* recv() flags and queue sizes (SPEC API-6), and the FreeBSD-personality
 * settings fin_ack_now and ack_second_segment. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_conn.h"
#include "support/tk_harness.h"

#define ISS 0x1000u
#define IRS 0x2000u
#define S1  (ISS + 1)
#define R1  (IRS + 1)

/* API-6 MSG_PEEK copies without consuming: the same bytes come again, and
 * FIONREAD (tk_inq) still counts them; a plain recv then takes them. */
static void test_API_06_msg_peek(void **state) {
    (void)state;
    tkh h;
    int sd = tkh_open_fixed(&h, NULL, ISS, IRS, NULL);
    tkh_inject(&h, TK_TCP_ACK | TK_TCP_PSH, R1, S1, 65535, NULL, "hello", 5);
    char buf[16] = {0};
    assert_int_equal(tk_recv_flags(h.s, sd, buf, 3, TK_MSG_PEEK), 3);
    assert_memory_equal(buf, "hel", 3);
    assert_int_equal(tk_inq(h.s, sd), 5);
    memset(buf, 0, sizeof buf);
    assert_int_equal(tk_recv_flags(h.s, sd, buf, sizeof buf, TK_MSG_PEEK), 5);
    assert_memory_equal(buf, "hello", 5);
    assert_int_equal(tk_recv_flags(h.s, sd, buf, 2, 0), 2);
    assert_int_equal(tk_inq(h.s, sd), 3);
    assert_int_equal(tk_recv_flags(h.s, sd, buf, sizeof buf, TK_MSG_PEEK), 3);
    assert_memory_equal(buf, "llo", 3);
    assert_int_equal(tk_recv(h.s, sd, buf, sizeof buf), 3);
    assert_int_equal(tk_inq(h.s, sd), 0);
    assert_int_equal(tk_recv_flags(h.s, sd, buf, sizeof buf, TK_MSG_PEEK), -EAGAIN);
    tkh_fini(&h);
}

/* API-6 MSG_WAITALL: -EAGAIN until the whole request is there; at the end
 * of the stream whatever is left comes back. */
static void test_API_06_msg_waitall(void **state) {
    (void)state;
    tkh h;
    int sd = tkh_open_fixed(&h, NULL, ISS, IRS, NULL);
    char buf[16];
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 65535, NULL, "abcd", 4);
    assert_int_equal(tk_recv_flags(h.s, sd, buf, 6, TK_MSG_WAITALL), -EAGAIN);
    tkh_inject(&h, TK_TCP_ACK, R1 + 4, S1, 65535, NULL, "efgh", 4);
    assert_int_equal(tk_recv_flags(h.s, sd, buf, 6, TK_MSG_WAITALL), 6);
    assert_memory_equal(buf, "abcdef", 6);
    assert_int_equal(tk_recv_flags(h.s, sd, buf, 6, TK_MSG_WAITALL), -EAGAIN);
    tkh_inject(&h, TK_TCP_ACK | TK_TCP_FIN, R1 + 8, S1, 65535, NULL, NULL, 0);
    assert_int_equal(tk_recv_flags(h.s, sd, buf, 6, TK_MSG_WAITALL | TK_MSG_PEEK), 2);
    assert_int_equal(tk_recv_flags(h.s, sd, buf, 6, TK_MSG_WAITALL), 2);
    assert_memory_equal(buf, "gh", 2);
    assert_int_equal(tk_recv_flags(h.s, sd, buf, 6, TK_MSG_WAITALL), 0);
    tkh_fini(&h);
}

/* API-6: unknown flags, a NULL buffer and a bad descriptor are refused. */
static void test_API_06_recv_flags_refused(void **state) {
    (void)state;
    tkh h;
    int sd = tkh_open_fixed(&h, NULL, ISS, IRS, NULL);
    char buf[4];
    assert_int_equal(tk_recv_flags(h.s, sd, buf, sizeof buf, 0x100), -EOPNOTSUPP);
    assert_int_equal(tk_recv_flags(h.s, sd, NULL, 4, TK_MSG_PEEK), -EFAULT);
    assert_int_equal(tk_recv_flags(h.s, sd + 1, buf, sizeof buf, 0), -EBADF);
    assert_int_equal(tk_recv_flags(h.s, sd, buf, sizeof buf, TK_MSG_DONTWAIT), -EAGAIN);
    assert_int_equal(tk_inq(h.s, sd + 1), -EBADF);
    assert_int_equal(tk_outq(h.s, sd + 1), -EBADF);
    tkh_fini(&h);
}

/* API-6 SIOCOUTQ (tk_outq): bytes queued or in flight, down to 0 as the
 * peer acknowledges them; -EINVAL on a listening socket. */
static void test_API_06_outq(void **state) {
    (void)state;
    tkh h;
    int sd = tkh_open_fixed(&h, NULL, ISS, IRS, NULL);
    assert_int_equal(tk_outq(h.s, sd), 0);
    assert_int_equal(tk_send(h.s, sd, "0123456789", 10), 10);
    assert_int_equal(tk_outq(h.s, sd), 10);
    tkh_poll(&h);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_PSH, S1, R1, 10);
    assert_int_equal(tk_outq(h.s, sd), 10);
    tkh_inject(&h, TK_TCP_ACK, R1, S1 + 4, 65535, NULL, NULL, 0);
    assert_int_equal(tk_outq(h.s, sd), 6);
    tkh_inject(&h, TK_TCP_ACK, R1, S1 + 10, 65535, NULL, NULL, 0);
    assert_int_equal(tk_outq(h.s, sd), 0);
    int ls = tkh_listen_at(&h, 9000, 1);
    assert_int_equal(tk_outq(h.s, ls), -EINVAL);
    assert_int_equal(tk_inq(h.s, ls), -EINVAL);
    tkh_fini(&h);
}

/* CM-4 stays the default: a FIN's ACK waits for the delayed-ACK timer;
 * fin_ack_now (FreeBSD) sends it at once. */
static void test_CM_04_fin_ack_now(void **state) {
    (void)state;
    for (int now = 0; now < 2; now++) {
        tk_config cfg;
        tkh_config(&cfg);
        cfg.fin_ack_now = now != 0;
        tkh h;
        (void)tkh_open_fixed(&h, &cfg, ISS, IRS, NULL);
        tkh_inject(&h, TK_TCP_ACK | TK_TCP_FIN, R1, S1, 65535, NULL, NULL, 0);
        tkh_seg g;
        if (!now) {
            TKH_NOTHING(&h);
            tkh_run_until(&h, h.now + cfg.delack);
        }
        TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1 + 1, 0);
        TKH_NOTHING(&h);
        tkh_fini(&h);
    }
}

/* DT-5: small segments are ACKed every second full-sized segment's worth
 * of bytes by default; ack_second_segment (FreeBSD) ACKs the second
 * segment whatever its size. */
static void test_DT_05_ack_second_segment(void **state) {
    (void)state;
    for (int every = 0; every < 2; every++) {
        tk_config cfg;
        tkh_config(&cfg);
        cfg.ack_second_segment = every != 0;
        tkh h;
        (void)tkh_open_fixed(&h, &cfg, ISS, IRS, NULL);
        tkh_inject(&h, TK_TCP_ACK, R1, S1, 65535, NULL, "a", 1);
        TKH_NOTHING(&h);
        tkh_inject(&h, TK_TCP_ACK, R1 + 1, S1, 65535, NULL, "bc", 2);
        tkh_seg g;
        if (!every) {
            TKH_NOTHING(&h);
            tkh_run_until(&h, h.now + cfg.delack);
        }
        TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1 + 3, 0);
        TKH_NOTHING(&h);
        tkh_fini(&h);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_API_06_msg_peek),
        cmocka_unit_test(test_API_06_msg_waitall),
        cmocka_unit_test(test_API_06_recv_flags_refused),
        cmocka_unit_test(test_API_06_outq),
        cmocka_unit_test(test_CM_04_fin_ack_now),
        cmocka_unit_test(test_DT_05_ack_second_segment),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
