/* SEC-8 (and SEC-3, RS-5, RS-6): blind injection against an ESTABLISHED
 * connection. 100,000 each of RSTs, SYNs and data segments with random
 * sequence and acknowledgment numbers arrive from the peer's address and
 * ports, one per millisecond of virtual time. None may reset the
 * connection or change a byte of its stream, and the ACKs the stack sends
 * in reply stay within the per-connection rate limit (one per 500 ms). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_conn.h"
#include "support/tk_harness.h"

#define ISS     0x10000000u
#define IRS     0x20000000u
#define S1      (ISS + 1)
#define R1      (IRS + 1)
#define EACH    100000
#define SPACING TK_MS(1)
#define CHUNK   100

static uint32_t rnd(uint32_t *x) {
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

/* Bytes both ways, checked: the peer's CHUNK bytes at *rcv, ours back. */
static void transfer(tkh *h, int sd, uint32_t *rcv, uint32_t *snd, char tag) {
    char out[CHUNK], in[CHUNK];
    memset(out, tag, sizeof out);
    tkh_inject(h, TK_TCP_ACK | TK_TCP_PSH, *rcv, *snd, 65535, NULL, out, CHUNK);
    *rcv += CHUNK;
    assert_int_equal(tk_recv(h->s, sd, in, sizeof in), CHUNK);
    assert_memory_equal(in, out, CHUNK);
    assert_int_equal(tk_send(h->s, sd, out, CHUNK), CHUNK);
    tkh_run_until(h, h->now + TK_MS(50));
    tkh_seg g;
    bool seen = false;
    while (tkh_next(h, &g))
        if (g.len == CHUNK) {
            assert_int_equal(g.seq, *snd);
            assert_memory_equal(g.data, out, CHUNK);
            seen = true;
        }
    assert_true(seen);
    *snd += CHUNK;
    tkh_inject(h, TK_TCP_ACK, *rcv, *snd, 65535, NULL, NULL, 0);
    tkh_clear(h);
}

static void test_SEC_08_blind_injection(void **state) {
    (void)state;
    tkh h;
    int sd = tkh_open_fixed(&h, NULL, ISS, IRS, NULL);
    uint32_t rcv = R1, snd = S1;
    transfer(&h, sd, &rcv, &snd, 'a');
    const tk_stats *st = tk_stack_stats(h.s);
    uint64_t out0 = st->segs_out;
    tk_time t0 = h.now;
    uint32_t x = 0x9e3779b9u;
    uint8_t junk[64];
    memset(junk, 'X', sizeof junk);
    static const uint8_t kinds[3] = {TK_TCP_RST, TK_TCP_SYN, TK_TCP_ACK | TK_TCP_PSH};
    for (int i = 0; i < 3 * EACH; i++) {
        uint8_t fl = kinds[i % 3];
        uint32_t seq = rnd(&x), ack = rnd(&x);
        size_t len = fl == kinds[2] ? 1 + rnd(&x) % sizeof junk : 0;
        tkh_inject(&h, fl, seq, ack, 65535, NULL, junk, len);
        tkh_clear(&h);
        h.now += SPACING;
        if (i % 1000 == 0)
            tkh_poll(&h);
    }
    tk_time elapsed = h.now - t0;
    uint64_t acks = st->segs_out - out0;
    uint64_t bound = elapsed / TK_MS(500) + 2;
    print_message("SEC-8: %d packets in %.0f s virtual: %llu ACKs sent (bound %llu), "
                  "%llu limited, %llu challenge ACKs, resets %llu\n",
                  3 * EACH, (double)elapsed / 1e6, (unsigned long long)acks,
                  (unsigned long long)bound, (unsigned long long)st->invalid_acks_limited,
                  (unsigned long long)st->challenge_acks, (unsigned long long)st->estab_resets);
    assert_true(acks <= bound);
    assert_int_equal(st->estab_resets, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 1);
    transfer(&h, sd, &rcv, &snd, 'b');
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_SEC_08_blind_injection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
