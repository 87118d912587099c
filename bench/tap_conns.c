/* Connection churn against a server, for the TAP benchmark
 * (bench/tap_bench.sh): the kernel-side client and the kernel's own server,
 * in C, so that connections per second measure the server and not an
 * interpreter.
 *
 *   tap_conns connect HOST PORT N [PARALLEL]
 *       N connections, up to PARALLEL (default 1) in flight at once. Each
 *       connects, waits for the server's FIN (the server accepts and closes
 *       at once, as an HTTP/1.0 server after its response) and closes; it
 *       counts as completed at that FIN. The server keeps the TIME_WAIT, so
 *       the client's port search stays cheap and the figure is the
 *       server's.
 *       Prints `seconds=<wall time> conns=<completed> failed=<n>`.
 *   tap_conns serve PORT
 *       The kernel's server: accepts and closes, until killed.
 *
 * Exit status 0 when every connection completed, 1 otherwise. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PARALLEL 4096
#define TIMEOUT_MS   10000 /* no progress for this long: give up */

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Starts one non-blocking connect and registers it; -1 when the socket
 * could not even be started (counted as a failure by the caller). */
static int start_one(int ep, const struct sockaddr_in *to) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (const struct sockaddr *)to, sizeof *to) < 0 && errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    struct epoll_event ev = {.events = EPOLLOUT, .data.u64 = (uint64_t)(uint32_t)fd};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
        close(fd);
        return -1;
    }
    return 0;
}

/* 0 when fd's connect succeeded. */
static int connect_result(int fd) {
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
        return errno;
    return err;
}

/* One event on fd. Connecting: on success waits for the server's FIN
 * (returns -1). Then: 0 at the server's FIN. Otherwise an errno. */
static int step(int ep, int fd, bool connected) {
    if (!connected) {
        int err = connect_result(fd);
        if (err != 0)
            return err;
        struct epoll_event ev = {.events = EPOLLIN,
                                 .data.u64 = (uint64_t)(uint32_t)fd | ((uint64_t)1 << 32)};
        if (epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev) < 0)
            return errno;
        return -1;
    }
    char b[64];
    ssize_t r = read(fd, b, sizeof b);
    if (r == 0)
        return 0;
    return r < 0 ? errno : EPROTO; /* the server sent data: not this benchmark's server */
}

static int run_client(const char *host, int port, long total, int parallel) {
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &to.sin_addr) != 1) {
        fprintf(stderr, "tap_conns: bad address %s\n", host);
        return 2;
    }
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) {
        perror("tap_conns: epoll_create1");
        return 2;
    }
    long started = 0, done = 0, failed = 0;
    int inflight = 0;
    double t0 = now_seconds();
    while (done + failed < total) {
        while (inflight < parallel && started < total) {
            started++;
            if (start_one(ep, &to) < 0)
                failed++;
            else
                inflight++;
        }
        if (inflight == 0)
            continue;
        struct epoll_event evs[256];
        int n = epoll_wait(ep, evs, 256, TIMEOUT_MS);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            fprintf(stderr, "tap_conns: no progress in %d ms (%d in flight)\n", TIMEOUT_MS,
                    inflight);
            failed += inflight;
            break;
        }
        for (int i = 0; i < n; i++) {
            int fd = (int)(uint32_t)evs[i].data.u64;
            int err = step(ep, fd, (evs[i].data.u64 >> 32) != 0);
            if (err < 0)
                continue; /* connected: the server's FIN is next */
            if (err == 0) {
                done++;
            } else if (failed++ == 0) {
                fprintf(stderr, "tap_conns: first failure: %s\n", strerror(err));
            }
            close(fd); /* also takes it out of the epoll set */
            inflight--;
        }
    }
    double dt = now_seconds() - t0;
    printf("seconds=%.6f conns=%ld failed=%ld\n", dt, done, failed);
    close(ep);
    return failed == 0 ? 0 : 1;
}

static int run_server(int port) {
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 4096) < 0) {
        perror("tap_conns: listen");
        return 2;
    }
    for (;;) {
        int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
        if (c >= 0)
            close(c);
        else if (errno != EINTR && errno != ECONNABORTED)
            return perror("tap_conns: accept"), 2;
    }
}

int main(int argc, char **argv) {
    if (argc >= 5 && strcmp(argv[1], "connect") == 0) {
        long n = strtol(argv[4], NULL, 10);
        long par = argc >= 6 ? strtol(argv[5], NULL, 10) : 1;
        if (n <= 0 || par <= 0 || par > MAX_PARALLEL) {
            fprintf(stderr, "tap_conns: N > 0 and 0 < PARALLEL <= %d\n", MAX_PARALLEL);
            return 2;
        }
        return run_client(argv[2], atoi(argv[3]), n, (int)par);
    }
    if (argc == 3 && strcmp(argv[1], "serve") == 0)
        return run_server(atoi(argv[2]));
    fprintf(stderr, "usage: tap_conns connect HOST PORT N [PARALLEL] | tap_conns serve PORT\n");
    return 2;
}
