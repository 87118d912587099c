/* The SPEC's defaults table as tk_config_default() fills it without a
 * tk_opts.h (API-5: the tables that follow TK_DEFAULT_MAX_SOCKETS keep
 * their SPEC values for 64 sockets). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tcpkit/config.h"

static void test_API_05_spec_defaults(void **state) {
    (void)state;
    tk_config c;
    tk_config_default(&c);
    assert_int_equal(c.max_sockets, 64);
    assert_int_equal(c.max_time_wait, 1024);
    assert_int_equal(c.max_syn_backlog, 128);
    assert_int_equal(c.syn_rate_sources, 64);
    assert_int_equal(c.arp_cache_size, 32);
    assert_int_equal(c.arp_queue_frames, 16);
    assert_int_equal(c.md5_keys, 8);
    assert_int_equal(c.rcvbuf, 65536);
    assert_int_equal(c.sndbuf, 65536);
    assert_int_equal(c.buf_chunk_size, 2048);
    assert_int_equal(c.buf_pool_bytes, 0);
    assert_int_equal(c.sack_boards, 0);
    assert_int_equal(c.reass_queues, 0);
    assert_int_equal(c.tx_backlog_frames, 2);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_API_05_spec_defaults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
