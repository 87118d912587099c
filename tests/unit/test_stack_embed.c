/* The embedding API (SPEC EMB-3): the re-entrancy guard, the transmit-busy
 * backlog, address validation at creation, and tk_strerror. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_harness.h"
#include "tcpkit/error.h"
#include "tcpkit/wire/err.h"

#define PEER_MAC                                                                                   \
    { 0x02, 0, 0, 0, 0, 0x02 }
#define MAX_OUT 16

/* A driver double: answers each output with the next scripted code (0 past
 * the script), keeps what it took, and can call back into the stack. */
typedef struct drv {
    tk_stack *s;
    int script[MAX_OUT];
    int nscript, calls;
    uint8_t took[MAX_OUT][128];
    size_t took_len[MAX_OUT];
    int ntook;
    bool reenter;
    int nested_input, nested_poll;
} drv;

static int drv_output(void *ctx, const uint8_t *frame, size_t len) {
    drv *d = ctx;
    int rc = d->calls < d->nscript ? d->script[d->calls] : 0;
    d->calls++;
    if (d->reenter) {
        d->nested_input = tk_stack_input(d->s, frame, len, 0);
        d->nested_poll = tk_stack_poll(d->s, 0);
    }
    if (rc == 0 && d->ntook < MAX_OUT) {
        size_t n = len < 128 ? len : 128;
        memcpy(d->took[d->ntook], frame, n);
        d->took_len[d->ntook++] = len;
    }
    return rc;
}

static void make_stack(drv *d, uint32_t backlog) {
    tk_config cfg;
    tkh_config(&cfg);
    cfg.tx_backlog_frames = backlog;
    tk_stack_io io = {.output = drv_output, .ctx = d};
    assert_int_equal(tk_stack_create(&d->s, &cfg, &io), 0);
    static const uint8_t mac[6] = PEER_MAC;
    assert_int_equal(tk_stack_add_neighbor(d->s, TKH_REMOTE_ADDR, mac), 0);
}

/* Starts a connect and polls once at now: the SYN goes to output. */
static int start_connect(drv *d, uint16_t port, tk_time now) {
    int sd = tk_socket(d->s);
    assert_true(sd >= 0);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, port);
    assert_int_equal(tk_connect(d->s, sd, &r), -EINPROGRESS);
    assert_int_equal(tk_stack_poll(d->s, now), 0);
    return sd;
}

static uint16_t tcp_dport(const uint8_t *frame) {
    return (uint16_t)(frame[14 + 20 + 2] << 8 | frame[14 + 20 + 3]);
}

/* A frame made inside output and fed back from there is refused with
 * -EDEADLK and changes nothing; the outer call completes normally. */
static void test_EMB_03_API_07_reentrant_calls_refused(void **state) {
    (void)state;
    drv d = {0};
    make_stack(&d, 2);
    d.reenter = true;
    start_connect(&d, 80, TK_MS(1));
    assert_int_equal(d.calls, 1);
    assert_int_equal(d.nested_input, -EDEADLK);
    assert_int_equal(d.nested_poll, -EDEADLK);
    const tk_stats *st = tk_stack_stats(d.s);
    assert_int_equal(st->frames_in, 0);
    assert_int_equal(st->frames_out, 1);
    assert_int_equal(tk_stack_state_count(d.s, TK_TCP_SYN_SENT), 1);
    /* After the call returned the same frame may go in (and is dropped as
     * not addressed to this stack, counted, not refused). */
    d.reenter = false;
    assert_int_not_equal(tk_stack_input(d.s, d.took[0], d.took_len[0], TK_MS(2)), -EDEADLK);
    assert_int_equal(st->frames_in, 1);
    tk_stack_destroy(d.s, TK_MS(3));
}

/* A busy driver: the frame waits in the backlog, each poll and each new
 * frame offer it again first, later frames queue behind it, the next
 * deadline is 1 ms after the last busy answer, and the frames go out in
 * order, unchanged. */
static void test_EMB_03_API_07_busy_output_retried_in_order(void **state) {
    (void)state;
    drv d = {.script = {-EBUSY, -EAGAIN, -EBUSY}, .nscript = 3};
    make_stack(&d, 2);
    start_connect(&d, 80, TK_MS(10)); /* SYN to 80: busy, kept */
    /* The poll offers it again (busy), and so does the SYN to 81 before
     * it goes behind (busy). */
    start_connect(&d, 81, TK_MS(10));
    const tk_stats *st = tk_stack_stats(d.s);
    assert_int_equal(d.calls, 3);
    assert_int_equal(st->tx_busy, 3);
    assert_int_equal(d.ntook, 0);
    assert_int_equal(tk_stack_next_deadline(d.s), TK_MS(11));
    assert_int_equal(tk_stack_poll(d.s, TK_MS(11)), 0);
    assert_int_equal(d.ntook, 2);
    assert_int_equal(tcp_dport(d.took[0]), 80);
    assert_int_equal(tcp_dport(d.took[1]), 81);
    assert_int_equal(st->tx_busy_drops, 0);
    assert_int_equal(st->frames_out, 2);
    assert_true(tk_stack_next_deadline(d.s) > TK_MS(11));
    tk_stack_destroy(d.s, TK_MS(12));
}

/* With the backlog full a busy frame is dropped and counted (TCP resends
 * it); an output error drops the frame at once (tx_errors). */
static void test_EMB_03_API_07_busy_backlog_full_and_errors(void **state) {
    (void)state;
    drv d = {.script = {-EBUSY, -EBUSY, -EBUSY, -EBUSY, -EBUSY, -EBUSY, -EIO}, .nscript = 7};
    make_stack(&d, 2);
    start_connect(&d, 80, TK_MS(10)); /* busy: kept */
    start_connect(&d, 81, TK_MS(10)); /* head busy twice more; kept behind it */
    start_connect(&d, 82, TK_MS(10)); /* head busy twice more; no room: dropped */
    const tk_stats *st = tk_stack_stats(d.s);
    assert_int_equal(st->tx_busy, 5);
    assert_int_equal(st->tx_busy_drops, 1);
    assert_int_equal(tk_stack_poll(d.s, TK_MS(11)), 0); /* busy once more */
    assert_int_equal(st->tx_busy, 6);
    assert_int_equal(tk_stack_poll(d.s, TK_MS(12)), 0); /* -EIO: dropped; 81 goes */
    assert_int_equal(st->tx_errors, 1);
    assert_int_equal(d.calls, 8);
    assert_int_equal(d.ntook, 1);
    assert_int_equal(tcp_dport(d.took[0]), 81);
    /* Nothing waits now: the next deadline is a SYN retransmission. */
    assert_true(tk_stack_next_deadline(d.s) >= TK_MS(1010));
    tk_stack_destroy(d.s, TK_MS(13));
}

/* A backlog of one frame waits in the output buffer itself: offered at
 * each poll, offered once more before the next frame is built over it
 * (so the frames keep their order), dropped and counted when the driver
 * is busy even then; and it costs no memory. */
static void test_EMB_03_API_07_busy_frame_waits_in_place(void **state) {
    (void)state;
    enum { B = -EBUSY };
    drv d = {.script = {B, B, 0, B, B, 0, 0, B, B, B, 0}, .nscript = 11};
    make_stack(&d, 1);
    start_connect(&d, 80, TK_MS(10));                   /* 1: busy, waits */
    assert_int_equal(tk_stack_poll(d.s, TK_MS(11)), 0); /* 2: busy */
    assert_int_equal(tk_stack_poll(d.s, TK_MS(12)), 0); /* 3: out */
    start_connect(&d, 81, TK_MS(13));                   /* 4: busy, waits */
    start_connect(&d, 82, TK_MS(14)); /* 5: the poll's offer busy; 6: out before 82 is built; 7 */
    start_connect(&d, 83, TK_MS(15)); /* 8: busy, waits */
    start_connect(&d, 84, TK_MS(16)); /* 9: busy; 10: still busy, 83 dropped; 11: 84 out */
    const tk_stats *st = tk_stack_stats(d.s);
    assert_int_equal(d.calls, 11);
    assert_int_equal(d.ntook, 4);
    assert_int_equal(tcp_dport(d.took[0]), 80);
    assert_int_equal(tcp_dport(d.took[1]), 81);
    assert_int_equal(tcp_dport(d.took[2]), 82);
    assert_int_equal(tcp_dport(d.took[3]), 84);
    for (int i = 0; i < 4; i++)
        assert_int_equal(d.took_len[i], d.took_len[0]); /* SYNs, whole */
    assert_int_equal(st->tx_busy, 7);
    assert_int_equal(st->tx_busy_drops, 1);
    assert_int_equal(st->frames_out, 5);
    tk_stack_destroy(d.s, TK_MS(17));
    tk_config c;
    tkh_config(&c);
    c.tx_backlog_frames = 0;
    size_t none = tk_stack_mem_size(&c);
    c.tx_backlog_frames = 1;
    assert_int_equal(tk_stack_mem_size(&c), none);
    c.tx_backlog_frames = 2;
    assert_true(tk_stack_mem_size(&c) >= none + 2u * (c.mtu + 14u));
}

static int create_rc(void (*edit)(tk_config *c)) {
    tk_config cfg;
    tkh_config(&cfg);
    edit(&cfg);
    drv d = {0};
    tk_stack_io io = {.output = drv_output, .ctx = &d};
    tk_stack *s = NULL;
    int rc = tk_stack_create(&s, &cfg, &io);
    if (rc == 0)
        tk_stack_destroy(s, 0);
    return rc;
}

static void no_addr(tk_config *c) {
    c->addr = 0;
}
static void zero_mac(tk_config *c) {
    memset(c->mac, 0, 6);
}
static void multicast_mac(tk_config *c) {
    c->mac[0] = 0x01;
}
static void unnumbered(tk_config *c) {
    c->addr = 0;
    memset(c->mac, 0, 6);
    c->unnumbered = true;
}
static void unnumbered_multicast(tk_config *c) {
    unnumbered(c);
    c->mac[0] = 0x03;
}
static void backlog_too_big(tk_config *c) {
    c->tx_backlog_frames = 65;
}

/* Address 0 and MAC 00:00:00:00:00:00 only when declared unnumbered; a
 * multicast MAC never; sizing does not need an address. */
static void test_EMB_03_config_address_required(void **state) {
    (void)state;
    assert_int_equal(create_rc(no_addr), -EINVAL);
    assert_int_equal(create_rc(zero_mac), -EINVAL);
    assert_int_equal(create_rc(multicast_mac), -EINVAL);
    assert_int_equal(create_rc(unnumbered), 0);
    assert_int_equal(create_rc(unnumbered_multicast), -EINVAL);
    assert_int_equal(create_rc(backlog_too_big), -EINVAL);
    tk_config c;
    tk_config_default(&c);
    assert_true(tk_stack_mem_size(&c) > 0);
    assert_false(tk_config_addressed(&c));
}

/* One table names errno values (by name, whatever the C library's numbers)
 * and wire codes. */
static void test_EMB_03_strerror(void **state) {
    (void)state;
    assert_string_equal(tk_strerror(-ECONNREFUSED), "ECONNREFUSED: connection refused");
    assert_string_equal(tk_strerror(ECONNREFUSED), "ECONNREFUSED: connection refused");
    assert_string_equal(tk_strerror(-EDEADLK), "EDEADLK: re-entrant call (from inside output)");
    assert_string_equal(tk_strerror(TK_WIRE_TCP_CSUM), "TK_WIRE_TCP_CSUM: tcp checksum bad");
    assert_string_equal(tk_strerror(TK_WIRE_ETH_SHORT), "TK_WIRE_ETH_SHORT: ethernet frame short");
    assert_string_equal(tk_strerror(0), "ok");
    assert_string_equal(tk_strerror(-999999), "unknown error");
    /* What tk_stack_input returns for a short frame has a name. */
    drv d = {0};
    make_stack(&d, 0);
    uint8_t runt[10] = {0};
    int rc = tk_stack_input(d.s, runt, sizeof runt, 0);
    assert_true(rc < 0);
    assert_string_not_equal(tk_strerror(rc), "unknown error");
    tk_stack_destroy(d.s, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_EMB_03_API_07_reentrant_calls_refused),
        cmocka_unit_test(test_EMB_03_API_07_busy_output_retried_in_order),
        cmocka_unit_test(test_EMB_03_API_07_busy_backlog_full_and_errors),
        cmocka_unit_test(test_EMB_03_API_07_busy_frame_waits_in_place),
        cmocka_unit_test(test_EMB_03_config_address_required),
        cmocka_unit_test(test_EMB_03_strerror),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
