/* Two stacks on the simulated link (SPEC NET-3, TM-2): virtual time, frame
 * timing across the link, replay from a seed, restart of one side. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/sha256.h"
#include "simnet.h"
#include "support/tk_simxfer.h"
#include "tcpkit/socket.h"
#include "tcpkit/stats.h"

typedef struct recorder {
    tk_sha256 all;    /* every frame seen, with side, direction and time */
    size_t largest;   /* longest frame seen */
    tk_time first_rx; /* arrival of the first frame at B */
    tk_time first_tx; /* departure of the first frame from A */
    uint32_t frames;
} recorder;

static void on_frame(void *ctx, int side, int where, const uint8_t *frame, size_t len, tk_time now,
                     int outcome) {
    recorder *r = ctx;
    uint8_t tag[2] = {(uint8_t)side, (uint8_t)where};
    tk_sha256_update(&r->all, tag, sizeof tag);
    tk_sha256_update(&r->all, &now, sizeof now);
    tk_sha256_update(&r->all, &outcome, sizeof outcome);
    tk_sha256_update(&r->all, frame, len);
    if (len > r->largest)
        r->largest = len;
    if (r->frames++ == 0)
        r->first_tx = now;
    if (side == TK_SIM_B && where == TK_SIM_RX && r->first_rx == 0)
        r->first_rx = now;
}

static tk_simnet *make(uint64_t seed, uint32_t loss_ppm, recorder *r) {
    tk_simnet_opts o;
    tk_simnet_opts_default(&o, seed);
    o.link.loss_ppm = loss_ppm;
    o.on_frame = on_frame;
    o.ctx = r;
    memset(r, 0, sizeof *r);
    tk_sha256_init(&r->all);
    tk_simnet *n = NULL;
    assert_int_equal(tk_simnet_create(&n, &o), 0);
    return n;
}

/* A connects to B:80 and, once B accepted, sends `len` bytes; B reads
 * them. Returns the bytes read. */
static uint64_t transfer(tk_simnet *n, uint64_t len) {
    tk_stack *a = tk_simnet_stack(n, TK_SIM_A), *b = tk_simnet_stack(n, TK_SIM_B);
    int l = tk_socket(b);
    tk_sockaddr any = tk_sockaddr_in4(TK_SIM_ADDR_B, 80);
    assert_int_equal(tk_bind(b, l, &any), 0);
    assert_int_equal(tk_listen(b, l, 4), 0);
    int c = tk_socket(a);
    tk_sockaddr to = tk_sockaddr_in4(TK_SIM_ADDR_B, 80);
    assert_int_equal(tk_connect(a, c, &to), -EINPROGRESS);
    tk_simnet_poll(n);
    int d = -EAGAIN;
    uint64_t sent = 0, got = 0;
    uint8_t buf[4096];
    for (int i = 0; i < 100000 && got < len; i++) {
        if (d < 0)
            d = tk_accept(b, l, NULL);
        while (d >= 0 && sent < len && (tk_poll_events(a, c) & TK_POLLOUT)) {
            memset(buf, (int)(sent & 0xff), sizeof buf);
            size_t k = len - sent < sizeof buf ? (size_t)(len - sent) : sizeof buf;
            long rc = tk_send(a, c, buf, k);
            if (rc <= 0)
                break;
            sent += (uint64_t)rc;
        }
        long rc;
        while (d >= 0 && (rc = tk_recv(b, d, buf, sizeof buf)) > 0)
            got += (uint64_t)rc;
        tk_simnet_poll(n);
        if (!tk_simnet_step(n, tk_simnet_now(n) + TK_SEC(60)))
            break;
    }
    return got;
}

static void digest(recorder *r, uint8_t out[TK_SHA256_LEN]) {
    tk_sha256_final(&r->all, out);
}

static void test_NET_03_simnet_same_seed_replays_exactly(void **state) {
    (void)state;
    static recorder r1, r2, r3;
    uint8_t d1[TK_SHA256_LEN], d2[TK_SHA256_LEN], d3[TK_SHA256_LEN];
    tk_simnet *n = make(7, 50000, &r1);
    assert_int_equal(transfer(n, 50000), 50000);
    tk_time end1 = tk_simnet_now(n);
    tk_simnet_destroy(n);
    n = make(7, 50000, &r2);
    assert_int_equal(transfer(n, 50000), 50000);
    assert_int_equal(tk_simnet_now(n), end1);
    tk_simnet_destroy(n);
    n = make(8, 50000, &r3);
    assert_int_equal(transfer(n, 50000), 50000);
    tk_simnet_destroy(n);
    assert_int_equal(r1.frames, r2.frames);
    digest(&r1, d1);
    digest(&r2, d2);
    digest(&r3, d3);
    assert_memory_equal(d1, d2, sizeof d1);
    assert_memory_not_equal(d1, d3, sizeof d1);
}

static void test_NET_03_simnet_frame_crosses_link_after_delay(void **state) {
    (void)state;
    static recorder r;
    tk_simnet *n = make(1, 0, &r);
    tk_simnet_run_for(n, TK_MS(500));
    assert_int_equal(transfer(n, 1), 1);
    assert_int_equal(r.first_tx, TK_MS(500));
    assert_int_equal(r.first_rx, TK_MS(510)); /* default one-way delay 10 ms */
    tk_simnet_destroy(n);
}

static void test_TM_02_simnet_idle_hour_takes_no_steps(void **state) {
    (void)state;
    static recorder r;
    tk_simnet *n = make(1, 0, &r);
    assert_int_equal(tk_simnet_next_event(n), TK_TIME_NEVER);
    tk_simnet_run_for(n, TK_SEC(3600));
    assert_int_equal(tk_simnet_now(n), TK_SEC(3600));
    assert_int_equal(tk_simnet_steps(n), 0);
    assert_false(tk_simnet_stalled(n));
    tk_simnet_destroy(n);
}

static void test_NET_03_simnet_restart_forgets_connections_silently(void **state) {
    (void)state;
    static recorder r;
    tk_simnet *n = make(1, 0, &r);
    assert_int_equal(transfer(n, 100), 100);
    assert_int_equal(tk_stack_conn_table(tk_simnet_stack(n, TK_SIM_B), NULL, 0), 2);
    uint32_t frames = r.frames;
    assert_int_equal(tk_simnet_restart(n, TK_SIM_B), 0);
    assert_int_equal(r.frames, frames); /* the crash sent nothing */
    assert_int_equal(tk_stack_conn_table(tk_simnet_stack(n, TK_SIM_B), NULL, 0), 0);
    assert_int_equal(tk_simnet_restart(n, 2), -EINVAL);
    tk_simnet_destroy(n);
}

/* The loopback link (simnet.h): super-segments travel whole and arrive
 * trusted, no checksum computed; every byte arrives in order. */
static void test_NET_07_simnet_loopback_passes_super_segments(void **state) {
    (void)state;
    recorder r;
    memset(&r, 0, sizeof r);
    tk_sha256_init(&r.all);
    tk_simnet_opts o;
    tk_simnet_opts_default(&o, 5);
    o.loopback = true;
    o.on_frame = on_frame;
    o.ctx = &r;
    for (int i = 0; i < 2; i++)
        o.cfg[i].rcvbuf = o.cfg[i].sndbuf = 256 * 1024;
    tk_simnet *n = NULL;
    assert_int_equal(tk_simnet_create(&n, &o), 0);
    tk_stack *a = tk_simnet_stack(n, TK_SIM_A), *b = tk_simnet_stack(n, TK_SIM_B);
    tk_sockaddr to = tk_sockaddr_in4(TK_SIM_ADDR_B, 80);
    const uint64_t len = 4u << 20;
    uint64_t got = tk_simxfer(n, &to, len);
    assert_int_equal(got, len);
    assert_true(r.largest > TK_SIMLINK_MAX_FRAME); /* not cut by the link */
    assert_true(r.largest <= TK_SIMLINK_MAX_SUPER);
    assert_true(tk_stack_stats(b)->rx_csum_trusted > 0);
    assert_true(tk_stack_stats(a)->csum_offload_out > 0);
    assert_int_equal(tk_stack_stats(b)->drop_tcp_bad_csum, 0);
    assert_true(tk_stack_stats(a)->tso_frames_out > 0);
    tk_simnet_destroy(n);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_NET_03_simnet_same_seed_replays_exactly),
        cmocka_unit_test(test_NET_03_simnet_frame_crosses_link_after_delay),
        cmocka_unit_test(test_TM_02_simnet_idle_hour_takes_no_steps),
        cmocka_unit_test(test_NET_03_simnet_restart_forgets_connections_silently),
        cmocka_unit_test(test_NET_07_simnet_loopback_passes_super_segments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
