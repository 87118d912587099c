/* Randomized input (SEC-4): mutated TCP segments with valid checksums, and
 * raw garbage frames, hit a stack holding a listener and live connections.
 * Under ASan/UBSan nothing may crash or read out of bounds, and the stack's
 * books must stay balanced (state counts equal the TCBs in use). Seeded:
 * a failure replays exactly. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_harness.h"

static uint32_t rng_state;

static uint32_t rnd(void) {
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    rng_state = x;
    return x;
}

static void put32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* A plausible segment: ports of a live connection or the listener,
 * sequence numbers near the interesting ones, random flags and options. */
static size_t make_segment(uint8_t *seg, uint32_t irs, uint32_t iss) {
    static const uint16_t sports[] = {40000, 40001, 40002, 1234};
    uint16_t sport = sports[rnd() % 4];
    uint16_t dport = (rnd() % 8) == 0 ? (uint16_t)rnd() : 80;
    size_t optlen = (rnd() % 11) * 4;
    size_t dlen = (rnd() % 4) == 0 ? rnd() % 1500 : rnd() % 8;
    memset(seg, 0, 60);
    seg[0] = (uint8_t)(sport >> 8);
    seg[1] = (uint8_t)sport;
    seg[2] = (uint8_t)(dport >> 8);
    seg[3] = (uint8_t)dport;
    put32(seg + 4, irs + 1 + (uint32_t)(rnd() % 140000) - 70000);
    put32(seg + 8, iss + 1 + (uint32_t)(rnd() % 140000) - 70000);
    seg[12] = (uint8_t)(((20 + optlen) / 4) << 4);
    seg[13] = (uint8_t)(rnd() & 0x3f);
    seg[14] = (uint8_t)rnd();
    seg[15] = (uint8_t)rnd();
    for (size_t i = 0; i < optlen; i++) {
        uint32_t r = rnd() % 10;
        seg[20 + i] = r < 2 ? 1 : r < 3 ? 0 : r < 8 ? (uint8_t)(r - 1) : (uint8_t)rnd();
    }
    for (size_t i = 0; i < dlen; i++)
        seg[20 + optlen + i] = (uint8_t)rnd();
    /* Now and then, bit flips anywhere in the header. */
    if (rnd() % 4 == 0)
        seg[rnd() % (20 + optlen)] ^= (uint8_t)(1u << (rnd() % 8));
    return 20 + optlen + dlen;
}

static void check_books(const tkh *h) {
    uint32_t sum = 0;
    for (int st = 0; st < TK_TCP_NSTATES; st++)
        if (st != TK_TCP_TIME_WAIT)
            sum += tk_stack_state_count(h->s, st);
    tk_conn_info ci[64];
    int n = tk_stack_conn_table(h->s, ci, 64);
    uint32_t tw = tk_stack_state_count(h->s, TK_TCP_TIME_WAIT);
    assert_int_equal((uint32_t)n, sum + tw);
}

static void run_seed(uint32_t seed, int rounds) {
    rng_state = seed;
    tkh h;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.max_syn_backlog = 4;
    tkh_init(&h, &cfg);
    uint32_t iss;
    const uint32_t irs = 0x7fff0000u;
    int sd = tkh_open_passive(&h, irs, NULL, &iss);
    tk_send(h.s, sd, "some data to keep in flight", 27);
    int cs = tk_socket(h.s);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, 1234);
    tk_connect(h.s, cs, &r);
    static uint8_t seg[1600];
    static uint8_t frame[1600];
    for (int i = 0; i < rounds; i++) {
        if (rnd() % 16 == 0) {
            size_t len = rnd() % sizeof(frame);
            for (size_t k = 0; k < len; k++)
                frame[k] = (uint8_t)rnd();
            if (len > 14 && rnd() % 2) {
                static const uint8_t local_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
                memcpy(frame, local_mac, 6); /* to us: reaches the IPv4 parser */
                frame[12] = 0x08;
                frame[13] = (uint8_t)(rnd() % 2 ? 0x00 : 0x06);
            }
            (void)tk_stack_input(h.s, frame, len, h.now);
        } else {
            size_t len = make_segment(seg, irs, iss);
            (void)tkh_inject_tcp_bytes(&h, seg, len);
        }
        if (rnd() % 8 == 0) {
            char buf[256];
            (void)tk_recv(h.s, sd, buf, sizeof(buf));
            (void)tk_send(h.s, sd, buf, rnd() % sizeof(buf));
        }
        tkh_run_until(&h, h.now + (rnd() % 4 == 0 ? TK_MS(rnd() % 3000) : 0));
        tkh_clear(&h);
        if (i % 256 == 0)
            check_books(&h);
    }
    check_books(&h);
    tkh_fini(&h);
}

static void test_SEC_04_random_segments_many_seeds(void **state) {
    (void)state;
    for (uint32_t seed = 1; seed <= 40; seed++)
        run_seed(seed * 0x9e3779b9u, 1500);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_SEC_04_random_segments_many_seeds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
