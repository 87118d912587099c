/* tcpkit on a Linux TAP device in about 100 lines: an echo server, or a
 * client that sends one line and prints the answer.
 *   tap_echo server tk0 198.18.0.2        (then: nc 198.18.0.2 7)
 *   tap_echo client tk0 198.18.0.2 198.18.0.1
 * The kernel side needs an address on the same /24 (ip addr add
 * 198.18.0.1/24 dev tk0; ip link set tk0 up). Needs root for the TAP. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tap.h"
#include "tcpkit/tcpkit.h"

static tk_tap tap;

static int output(void *ctx, const uint8_t *frame, size_t len) {
    (void)ctx;
    int rc = tk_tap_write(&tap, frame, len);
    return rc == -EAGAIN ? -EBUSY : rc;
}

static uint32_t rng(void *ctx) {
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts); /* a demo: use getrandom() in a product */
    return (uint32_t)ts.tv_nsec * 2654435761u ^ (uint32_t)ts.tv_sec;
}

static tk_time now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (tk_time)ts.tv_sec * 1000000u + (tk_time)ts.tv_nsec / 1000u;
}

static uint32_t ip(const char *text) {
    struct in_addr a;
    return inet_pton(AF_INET, text, &a) == 1 ? ntohl(a.s_addr) : 0;
}

/* One round: wait for a frame or the next deadline, feed, poll. */
static void step(tk_stack *s) {
    static uint8_t frame[2048];
    tk_time now = now_us(), next = tk_stack_next_deadline(s);
    int wait_ms = next <= now ? 0 : next - now > 10000 ? 10 : (int)((next - now) / 1000u);
    struct pollfd p = {.fd = tap.fd, .events = POLLIN};
    poll(&p, 1, wait_ms);
    long n;
    while ((n = tk_tap_read(&tap, frame, sizeof frame)) > 0)
        tk_stack_input(s, frame, (size_t)n, now_us());
    tk_stack_poll(s, now_us());
}

int main(int argc, char **argv) {
    if (argc < 4 || (strcmp(argv[1], "client") == 0 && argc < 5)) {
        fprintf(stderr, "usage: tap_echo server IF ADDR | client IF ADDR PEER\n");
        return 2;
    }
    bool server = strcmp(argv[1], "server") == 0;
    int rc = tk_tap_open(&tap, argv[2]);
    if (rc < 0) {
        fprintf(stderr, "tap %s: %s\n", argv[2], tk_strerror(rc));
        return 1;
    }
    tk_config cfg;
    tk_config_default(&cfg);
    cfg.addr = ip(argv[3]);
    cfg.netmask = 0xffffff00u;
    memcpy(cfg.mac, (uint8_t[6]){0x02, 0x74, 0x6b, 0, 0, (uint8_t)cfg.addr}, 6);
    tk_stack *s;
    tk_stack_io io = {.output = output, .random = rng};
    if ((rc = tk_stack_create(&s, &cfg, &io)) < 0) {
        fprintf(stderr, "stack: %s\n", tk_strerror(rc));
        return 1;
    }
    int sd = tk_socket(s), conn = -1;
    if (server) {
        tk_sockaddr at = tk_sockaddr_in4(0, 7);
        tk_bind(s, sd, &at);
        tk_listen(s, sd, 4);
    } else {
        tk_sockaddr at = tk_sockaddr_in4(ip(argv[4]), 7);
        tk_connect(s, sd, &at);
        conn = sd;
    }
    char buf[1024];
    bool sent = false;
    for (;;) {
        step(s);
        if (server && conn < 0)
            conn = tk_accept(s, sd, NULL);
        if (conn < 0)
            continue;
        if (!server && !sent && (tk_poll_events(s, conn) & TK_POLLOUT))
            sent = tk_send(s, conn, "hello tcpkit\n", 13) == 13;
        long n = tk_recv(s, conn, buf, sizeof buf);
        if (n > 0 && server)
            tk_send(s, conn, buf, (size_t)n);
        if (n > 0 && !server) {
            printf("%.*s", (int)n, buf);
            break;
        }
        if (n == 0 || (n < 0 && n != -EAGAIN)) {
            tk_close(s, conn); /* the peer finished (or failed): next one */
            conn = -1;
        }
    }
    tk_stack_destroy(s, now_us());
    tk_tap_close(&tap);
    return 0;
}
