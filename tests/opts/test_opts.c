/* SPEC EMB-1: compile-time defaults. src/config.c is compiled here with
 * -DTK_OPTS and this directory's tk_opts.h: the fields it names take its
 * values, the tables sized by the number of sockets follow
 * TK_DEFAULT_MAX_SOCKETS, every other field keeps the SPEC default. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tcpkit/config.h"

static void test_EMB_01_tk_opts_overrides_defaults(void **state) {
    (void)state;
    tk_config c;
    tk_config_default(&c);
    assert_int_equal(c.max_sockets, 6);
    assert_int_equal(c.rcvbuf, 4096);
    assert_int_equal(c.sndbuf, 4096);
    assert_int_equal(c.max_time_wait, 8); /* named: not scaled */
    assert_int_equal(c.ecn, 0);
    assert_false(c.syn_cookies);
    assert_int_equal(c.msl, TK_SEC(10));
    /* Not named, sized for 6 sockets as the SPEC's are for 64 (API-5):
     * 2 half-open entries and 1 SYN-rate source per socket, 1 ARP entry
     * per 2 sockets, 1 queued frame per 4, 1 MD5 key per 8 (at least 1). */
    assert_int_equal(c.max_syn_backlog, 12);
    assert_int_equal(c.syn_rate_sources, 6);
    assert_int_equal(c.arp_cache_size, 3);
    assert_int_equal(c.arp_queue_frames, 1);
    assert_int_equal(c.md5_keys, 1);
    /* Not named in tk_opts.h: the SPEC defaults. */
    assert_int_equal(c.mtu, 1500);
    assert_int_equal(c.buf_pool_bytes, 0);
    assert_int_equal(c.sack_boards, 0);
    assert_int_equal(c.rto_initial, TK_SEC(1));
    assert_int_equal(c.delack, TK_MS(40));
    assert_true(c.opt_sack);
    assert_int_equal(c.tx_backlog_frames, 2);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_EMB_01_tk_opts_overrides_defaults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
