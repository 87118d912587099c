/* Buffers on demand (SPEC SEC-5): send and receive data in chunks of a pool
 * shared by every socket. Exhaustion is clean: a send stops short and is
 * counted, a window shrinks to what the pool backs, no in-window byte is
 * dropped, no acknowledged byte is lost, and idle sockets hold no chunk. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/sha256.h"
#include "simnet.h"
#include "tcpkit/socket.h"
#include "tcpkit/stats.h"

#define CHUNK 128u

typedef struct watch {
    uint32_t max_win_from_b; /* largest raw window field B sent */
    uint32_t segs_from_b;
} watch;

/* B's frames: Ethernet, a 20-byte IPv4 header (tcpkit sends no IP
 * options), then TCP with the window at bytes 14-15. */
static void on_frame(void *ctx, int side, int where, const uint8_t *f, size_t len, tk_time now,
                     int outcome) {
    (void)now;
    (void)outcome;
    watch *w = ctx;
    if (side != TK_SIM_B || where != TK_SIM_TX || len < 14 + 20 + 20 || f[23] != 6)
        return;
    uint32_t win = (uint32_t)f[14 + 20 + 14] << 8 | f[14 + 20 + 15];
    if (win > w->max_win_from_b)
        w->max_win_from_b = win;
    w->segs_from_b++;
}

static tk_simnet *make(uint32_t chunks, uint32_t loss_ppm, watch *w) {
    tk_simnet_opts o;
    tk_simnet_opts_default(&o, 42);
    o.link.loss_ppm = loss_ppm;
    for (int i = 0; i < 2; i++) {
        o.cfg[i].buf_chunk_size = CHUNK;
        o.cfg[i].buf_pool_bytes = (uint64_t)chunks * CHUNK;
        o.cfg[i].opt_wscale = false; /* the window field is the window */
    }
    if (w != NULL) {
        memset(w, 0, sizeof(*w));
        o.on_frame = on_frame;
        o.ctx = w;
    }
    tk_simnet *n = NULL;
    assert_int_equal(tk_simnet_create(&n, &o), 0);
    return n;
}

/* A connected pair: *ca on A, *sb on B. */
static void connect_pair(tk_simnet *n, int *ca, int *sb) {
    tk_stack *a = tk_simnet_stack(n, TK_SIM_A), *b = tk_simnet_stack(n, TK_SIM_B);
    int l = tk_socket(b);
    tk_sockaddr at = tk_sockaddr_in4(TK_SIM_ADDR_B, 80);
    assert_int_equal(tk_bind(b, l, &at), 0);
    assert_int_equal(tk_listen(b, l, 4), 0);
    *ca = tk_socket(a);
    assert_int_equal(tk_connect(a, *ca, &at), -EINPROGRESS);
    tk_simnet_poll(n);
    tk_simnet_run_for(n, TK_MS(100));
    *sb = tk_accept(b, l, NULL);
    assert_true(*sb >= 0);
}

typedef struct flow {
    tk_stack *from, *to;
    int sd_from, sd_to;
    uint64_t total, sent, rcvd;
    tk_sha256 tx, rx;
} flow;

static void flow_init(flow *f, tk_stack *from, tk_stack *to, int sd_from, int sd_to,
                      uint64_t total) {
    memset(f, 0, sizeof(*f));
    f->from = from;
    f->to = to;
    f->sd_from = sd_from;
    f->sd_to = sd_to;
    f->total = total;
    tk_sha256_init(&f->tx);
    tk_sha256_init(&f->rx);
}

static void flow_step(flow *f) {
    uint8_t buf[3000];
    while (f->sent < f->total) {
        uint64_t k = f->total - f->sent < sizeof buf ? f->total - f->sent : sizeof buf;
        for (uint64_t i = 0; i < k; i++)
            buf[i] = (uint8_t)((f->sent + i) * 7u + 3u);
        long w = tk_send(f->from, f->sd_from, buf, (size_t)k);
        if (w <= 0)
            break;
        tk_sha256_update(&f->tx, buf, (size_t)w);
        f->sent += (uint64_t)w;
    }
    for (long r; (r = tk_recv(f->to, f->sd_to, buf, sizeof buf)) > 0;) {
        tk_sha256_update(&f->rx, buf, (size_t)r);
        f->rcvd += (uint64_t)r;
    }
}

static void digests_equal(flow *f) {
    uint8_t dt[32], dr[32];
    tk_sha256_final(&f->tx, dt);
    tk_sha256_final(&f->rx, dr);
    assert_memory_equal(dt, dr, 32);
}

/* Both directions at once through pools far smaller than the buffers
 * (4 KiB against 64 KiB), with loss: every byte arrives, in order. */
static void test_SEC_05_tiny_pool_transfer_both_ways(void **state) {
    (void)state;
    watch w;
    tk_simnet *n = make(32, 10000, &w);
    tk_stack *a = tk_simnet_stack(n, TK_SIM_A), *b = tk_simnet_stack(n, TK_SIM_B);
    int ca, sb;
    connect_pair(n, &ca, &sb);
    flow ab, ba;
    flow_init(&ab, a, b, ca, sb, 100000);
    flow_init(&ba, b, a, sb, ca, 60000);
    for (int step = 0; step < 200000 && (ab.rcvd < ab.total || ba.rcvd < ba.total); step++) {
        flow_step(&ab);
        flow_step(&ba);
        tk_simnet_poll(n);
        tk_simnet_run_for(n, TK_MS(5));
    }
    assert_int_equal(ab.rcvd, ab.total);
    assert_int_equal(ba.rcvd, ba.total);
    digests_equal(&ab);
    digests_equal(&ba);
    const tk_stats *sa = tk_stack_stats(a), *sbs = tk_stack_stats(b);
    assert_true(sa->snd_pool_empty > 0 && sbs->snd_pool_empty > 0);
    assert_true(sa->rcv_window_pool_limited > 0 && sbs->rcv_window_pool_limited > 0);
    /* Windows are backed: no byte inside one was refused for want of room. */
    assert_int_equal(sa->drop_rcv_pool_empty, 0);
    assert_int_equal(sbs->drop_rcv_pool_empty, 0);
    /* No window B offered was larger than its pool. */
    assert_true(w.segs_from_b > 50);
    assert_true(w.max_win_from_b <= 32 * CHUNK);
    tk_simnet_destroy(n);
}

/* A send stops short when the pool has no chunk for it, counted; then
 * -EAGAIN until acknowledgments return chunks. Of 8 chunks, the window A
 * offered reserves 6 (all but the quarter kept for sends), so the send
 * gets 2. */
static void test_SEC_05_send_stops_short_on_empty_pool(void **state) {
    (void)state;
    tk_simnet *n = make(8, 0, NULL);
    tk_stack *a = tk_simnet_stack(n, TK_SIM_A);
    int ca, sb;
    connect_pair(n, &ca, &sb);
    static uint8_t data[4000];
    assert_int_equal(tk_send(a, ca, data, sizeof data), 2 * CHUNK);
    assert_int_equal(tk_stack_stats(a)->snd_pool_empty, 1);
    assert_int_equal(tk_send(a, ca, data, 1), -EAGAIN);
    tk_buf_usage u;
    tk_stack_buffers(a, &u);
    assert_int_equal(u.chunks, 8);
    assert_int_equal(u.used, 2);
    assert_int_equal(u.reserved, 6);
    tk_simnet_poll(n);
    tk_simnet_run_for(n, TK_SEC(1));
    tk_stack_buffers(a, &u);
    assert_int_equal(u.used, 0); /* acknowledged: the chunks went back */
    assert_int_equal(tk_send(a, ca, data, 100), 100);
    tk_simnet_destroy(n);
}

/* Data read and acknowledged leaves no chunk behind: an idle connection
 * costs its TCB only, however large its buffers; its window stays backed
 * by a reservation, which touches no memory. */
static void test_SEC_05_idle_socket_holds_no_chunk(void **state) {
    (void)state;
    tk_simnet *n = make(1024, 0, NULL);
    tk_stack *a = tk_simnet_stack(n, TK_SIM_A), *b = tk_simnet_stack(n, TK_SIM_B);
    int ca, sb;
    connect_pair(n, &ca, &sb);
    flow ab;
    flow_init(&ab, a, b, ca, sb, 5000);
    for (int step = 0; step < 100 && ab.rcvd < ab.total; step++) {
        flow_step(&ab);
        tk_simnet_poll(n);
        tk_simnet_run_for(n, TK_MS(50));
    }
    tk_simnet_run_for(n, TK_SEC(1));
    assert_int_equal(ab.rcvd, 5000);
    tk_buf_usage ua, ub;
    tk_stack_buffers(a, &ua);
    tk_stack_buffers(b, &ub);
    assert_int_equal(ua.used, 0);
    assert_int_equal(ub.used, 0);
    assert_true(ub.reserved > 0);
    assert_true(ub.touched <= 5000 / CHUNK + 4);
    assert_int_equal(tk_close(a, ca), 0);
    assert_int_equal(tk_close(b, sb), 0);
    tk_simnet_run_for(n, TK_SEC(200));
    tk_stack_buffers(b, &ub);
    assert_int_equal(ub.reserved, 0); /* closed sockets promise nothing */
    tk_simnet_destroy(n);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_SEC_05_tiny_pool_transfer_both_ways),
        cmocka_unit_test(test_SEC_05_send_stops_short_on_empty_pool),
        cmocka_unit_test(test_SEC_05_idle_socket_holds_no_chunk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
