/* Shared fixture of the tools/lib/analyze tests (SPEC OBS-4): hand-built
 * segments between client 198.18.0.1:40000 and server 198.18.0.2:80,
 * client ISN 1000, server ISN 5000. */
#ifndef TK_TESTS_AZ_FIXTURE_H
#define TK_TESTS_AZ_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lib/analyze/analyze.h"
#include "tcpkit/wire/tcp.h"

#define CLI tk_taddr_v4(0xc6120001u)
#define SRV tk_taddr_v4(0xc6120002u)
#define S   TK_TCP_SYN
#define A   TK_TCP_ACK
#define F   TK_TCP_FIN
#define R   TK_TCP_RST
#define P   TK_TCP_PSH
#define WIN 1000

typedef struct fixture {
    tk_analyzer az;
    unsigned next; /* packet number of the next segment */
} fixture;

/* Feeds the next packet, from the client (from_server 0) or the server. */
static inline void feed_seg(fixture *fx, int from_server, int64_t ts_us, uint8_t flags,
                            uint32_t seq, uint32_t ack, uint32_t len, uint16_t win, int8_t wscale) {
    tk_az_seg s = {.index = ++fx->next,
                   .ts_us = ts_us,
                   .src = from_server ? SRV : CLI,
                   .dst = from_server ? CLI : SRV,
                   .sport = from_server ? 80 : 40000,
                   .dport = from_server ? 40000 : 80,
                   .seq = seq,
                   .ack = ack,
                   .flags = flags,
                   .win = win,
                   .wscale = wscale,
                   .len = len};
    assert_int_equal(tk_az_feed(&fx->az, &s), 0);
}

/* A segment without the window scale option at ms milliseconds. */
static inline void feed(fixture *fx, int from_server, int64_t ms, uint8_t flags, uint32_t seq,
                        uint32_t ack, uint32_t len, uint16_t win) {
    feed_seg(fx, from_server, ms * 1000, flags, seq, ack, len, win, -1);
}

#define C(...)  feed(fx, 0, __VA_ARGS__)
#define SV(...) feed(fx, 1, __VA_ARGS__)

/* Packets 1-3: SYN at 0 ms, SYN-ACK at 20 ms, ACK at 21 ms. */
static inline void handshake(fixture *fx) {
    C(0, S, 1000, 0, 0, WIN);
    SV(20, S | A, 5000, 1001, 0, WIN);
    C(21, A, 1001, 5001, 0, WIN);
}

static inline int setup(void **state) {
    static fixture fx;
    tk_az_init(&fx.az);
    fx.next = 0;
    *state = &fx;
    return 0;
}

static inline int teardown(void **state) {
    fixture *fx = *state;
    tk_az_free(&fx->az);
    return 0;
}

/* The notes, in order, are exactly (packet, kind) pairs. */
static inline void expect_notes(const fixture *fx, const unsigned (*want)[2], size_t n) {
    assert_int_equal(fx->az.nnotes, n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(fx->az.notes[i].index, want[i][0]);
        assert_int_equal(fx->az.notes[i].kind, want[i][1]);
    }
}

static inline void expect_path(const tk_az_end *e, const enum tk_tcp_state *want, size_t n) {
    assert_int_equal(e->path_len, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(tk_az_state_name(e->path[i]), tk_az_state_name(want[i]));
}

#define NOTES(...)                                                                                 \
    do {                                                                                           \
        static const unsigned w[][2] = {__VA_ARGS__};                                              \
        expect_notes(fx, w, sizeof w / sizeof w[0]);                                               \
    } while (0)
#define PATH(end, ...)                                                                             \
    do {                                                                                           \
        static const enum tk_tcp_state w[] = {__VA_ARGS__};                                        \
        expect_path(end, w, sizeof w / sizeof w[0]);                                               \
    } while (0)

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

#endif
