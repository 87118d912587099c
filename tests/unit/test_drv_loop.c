/* The event loop over a frame device (drivers/loop.h): frames read from the
 * device reach the stack and its answers leave through the device, the same
 * with busy polling on (tk_loop.busy_us) as without. The device here is one
 * end of a socketpair; the test holds the other end as "the wire". */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "loop.h"
#include "tcpkit/stack.h"

static const uint8_t stack_mac[6] = {0x02, 0, 0, 0, 0, 0x02};
static const uint8_t peer_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
#define STACK_IP 0xc6120002u /* 198.18.0.2 */
#define PEER_IP  0xc6120001u /* 198.18.0.1 */

typedef struct wire {
    int dev_fd, test_fd;
} wire;

static long dev_read(void *ctx, uint8_t *buf, size_t cap, uint32_t *rx_flags) {
    wire *w = ctx;
    if (rx_flags != NULL)
        *rx_flags = 0;
    ssize_t n = recv(w->dev_fd, buf, cap, MSG_DONTWAIT);
    return n < 0 ? -errno : (long)n;
}

static int dev_write(void *ctx, const uint8_t *frame, size_t len, const tk_link_tx *tx) {
    wire *w = ctx;
    (void)tx;
    return send(w->dev_fd, frame, len, 0) == (ssize_t)len ? 0 : -errno;
}

static uint32_t fixed_random(void *ctx) {
    (void)ctx;
    return 4;
}

static void put32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* An ARP request (RFC 826) from the peer for the stack's address. */
static size_t arp_request(uint8_t f[60]) {
    memset(f, 0, 60);
    memset(f, 0xff, 6);
    memcpy(f + 6, peer_mac, 6);
    f[12] = 0x08, f[13] = 0x06;                    /* ARP */
    f[14] = 0, f[15] = 1, f[16] = 0x08, f[17] = 0; /* Ethernet, IPv4 */
    f[18] = 6, f[19] = 4, f[20] = 0, f[21] = 1;    /* request */
    memcpy(f + 22, peer_mac, 6);
    put32(f + 28, PEER_IP);
    put32(f + 38, STACK_IP);
    return 60;
}

/* A stack behind a loop whose device reads w and polls poll_fd. */
static tk_stack *make_loop(tk_loop *l, wire *w, int poll_fd, tk_time busy_us) {
    memset(l, 0, sizeof *l);
    l->dev = (tk_netdev){w, poll_fd, dev_read, dev_write, NULL};
    l->busy_us = busy_us;
    tk_config cfg;
    tk_config_default(&cfg);
    cfg.addr = STACK_IP;
    cfg.netmask = 0xffffff00u;
    memcpy(cfg.mac, stack_mac, 6);
    tk_stack_io io = {.output = tk_loop_output, .random = fixed_random, .ctx = l};
    tk_stack *s = NULL;
    assert_int_equal(tk_stack_create(&s, &cfg, &io), 0);
    l->stack = s;
    return s;
}

/* One step of a loop with busy_us; the request is on the wire before it. */
static void answers_arp(tk_time busy_us) {
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
    wire w = {sv[0], sv[1]};
    static tk_loop l;
    tk_stack *s = make_loop(&l, &w, w.dev_fd, busy_us);
    uint8_t f[60], got[128];
    assert_int_equal(send(w.test_fd, f, arp_request(f), 0), 60);
    assert_int_equal(tk_loop_step(&l, -1, 0, TK_MS(100), NULL), 0);
    assert_int_equal(l.frames_in, 1);
    ssize_t n = recv(w.test_fd, got, sizeof got, MSG_DONTWAIT);
    assert_true(n >= 42);
    assert_memory_equal(got, peer_mac, 6);      /* to the requester */
    assert_memory_equal(got + 6, stack_mac, 6); /* from the stack */
    assert_int_equal(got[21], 2);               /* a reply */
    assert_memory_equal(got + 22, stack_mac, 6);
    assert_memory_equal(got + 28, f + 38, 4); /* the address asked for */
    assert_memory_equal(got + 32, peer_mac, 6);
    assert_int_equal(recv(w.test_fd, got, sizeof got, MSG_DONTWAIT), -1); /* nothing else */
    tk_stack_destroy(s, tk_loop_now());
    close(sv[0]);
    close(sv[1]);
}

/* A device whose fd never wakes ppoll (an empty pipe) but whose read has a
 * frame: only the busy poll reads it; without it the step waits out its
 * 1 ms and reads nothing. */
static uint64_t frames_read_without_wakeup(tk_time busy_us) {
    int sv[2], pipefd[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
    assert_int_equal(pipe(pipefd), 0);
    wire w = {sv[0], sv[1]};
    static tk_loop l;
    tk_stack *s = make_loop(&l, &w, pipefd[0], busy_us);
    uint8_t f[60];
    assert_int_equal(send(w.test_fd, f, arp_request(f), 0), 60);
    assert_int_equal(tk_loop_step(&l, -1, 0, TK_MS(1), NULL), 0);
    uint64_t n = l.frames_in;
    tk_stack_destroy(s, tk_loop_now());
    close(sv[0]);
    close(sv[1]);
    close(pipefd[0]);
    close(pipefd[1]);
    return n;
}

static void test_NET_07_loop_busy_poll_reads_without_wakeup(void **state) {
    (void)state;
    assert_int_equal(frames_read_without_wakeup(0), 0);
    assert_int_equal(frames_read_without_wakeup(500), 1);
}

/* A polled device (DPDK: no fd) is read before the loop sleeps: a frame
 * already waiting costs no wait, with or without busy polling. */
static void polled_device_read_before_sleeping(tk_time busy_us) {
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
    wire w = {sv[0], sv[1]};
    static tk_loop l;
    tk_stack *s = make_loop(&l, &w, -1, busy_us);
    uint8_t f[60];
    assert_int_equal(send(w.test_fd, f, arp_request(f), 0), 60);
    assert_int_equal(tk_loop_step(&l, -1, 0, TK_MS(100), NULL), 0);
    assert_int_equal(l.frames_in, 1);
    assert_int_equal(l.waits, 0);
    /* Nothing waiting: the loop sleeps, TK_LOOP_SPIN_US at most per wait. */
    assert_int_equal(tk_loop_step(&l, -1, 0, TK_MS(1), NULL), 0);
    assert_int_equal(l.frames_in, 1);
    assert_true(l.waits >= 1);
    tk_stack_destroy(s, tk_loop_now());
    close(sv[0]);
    close(sv[1]);
}

static void test_NET_07_loop_polled_device_read_before_sleeping(void **state) {
    (void)state;
    polled_device_read_before_sleeping(0);
    polled_device_read_before_sleeping(500);
}

static void test_NET_07_loop_answers_without_busy_poll(void **state) {
    (void)state;
    answers_arp(0);
}

static void test_NET_07_loop_answers_with_busy_poll(void **state) {
    (void)state;
    answers_arp(500);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_NET_07_loop_answers_without_busy_poll),
        cmocka_unit_test(test_NET_07_loop_answers_with_busy_poll),
        cmocka_unit_test(test_NET_07_loop_busy_poll_reads_without_wakeup),
        cmocka_unit_test(test_NET_07_loop_polled_device_read_before_sleeping),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
