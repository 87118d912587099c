/* SPEC EMB-1: the minimal profile (ports/mps2-an385/minimal/tk_opts.h)
 * leaves fragment reassembly and TCP-MD5 out, and what they would have done
 * becomes a counted drop or a clear error: a fragment is dropped as with
 * ipfrag_slots 0, the MD5 key store refuses keys, a signed segment is
 * dropped as one for a pair without a key. Built only for that profile. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_harness.h"
#include "tcpkit/opts.h"
#include "tcpkit/tcp_md5.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/ipv4.h"

#if TK_WITH_IPFRAG || TK_WITH_MD5
#error "test_minimal is for a profile with TK_WITH_IPFRAG 0 and TK_WITH_MD5 0"
#endif

static void test_EMB_01_minimal_fragment_dropped(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    uint8_t f[64] = {0};
    tk_eth_hdr eh = {{0x02, 0, 0, 0, 0, 0x01}, {0x02, 0, 0, 0, 0, 0x02}, TK_ETHERTYPE_IPV4};
    assert_int_equal(tk_wire_eth_emit(&eh, f, sizeof f), TK_ETH_HLEN);
    tk_ipv4_hdr ih = {.hlen = 20,
                      .total_len = 28,
                      .id = 7,
                      .frag = TK_IPV4_MF,
                      .ttl = 64,
                      .proto = TK_IPPROTO_TCP,
                      .src = TKH_REMOTE_ADDR,
                      .dst = TKH_LOCAL_ADDR};
    assert_int_equal(tk_wire_ipv4_emit(&ih, f + TK_ETH_HLEN, sizeof f - TK_ETH_HLEN), 20);
    assert_int_equal(tk_stack_input(h.s, f, TK_ETH_HLEN + 28, h.now), -ENOBUFS);
    const tk_stats *st = tk_stack_stats(h.s);
    assert_int_equal(st->ip_frags_in, 1);
    assert_int_equal(st->drop_ip_fragment, 1);
    assert_int_equal(st->ip_reassembled, 0);
    tkh_fini(&h);
}

static void test_EMB_01_minimal_md5_refused(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    assert_int_equal(tk_stack_md5_add(h.s, 0, TKH_REMOTE_ADDR, "secret", 6), -ENOPROTOOPT);
    assert_int_equal(tk_stack_md5_count(h.s), 0);
    /* A SYN carrying a signature to a listener: dropped, no answer. */
    assert_true(tkh_listen(&h) >= 0);
    (void)tkh_inject_signed(&h, "secret", TK_TCP_SYN, 1000, 0, 65535, NULL, NULL, 0);
    assert_int_equal(tk_stack_stats(h.s)->drop_md5_unexpected, 1);
    TKH_NOTHING(&h);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_EMB_01_minimal_fragment_dropped),
        cmocka_unit_test(test_EMB_01_minimal_md5_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
