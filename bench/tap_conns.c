/* Connection churn against a server, for the TAP benchmark
 * (bench/tap_bench.sh): the kernel-side client and the kernel's own server,
 * in C, so that connections per second measure the server and not an
 * interpreter.
 *
 *   tap_conns connect HOST PORT N [PARALLEL [client-first]]
 *       N connections, up to PARALLEL (default 1) in flight at once. Each
 *       connects and waits for the server's FIN, then closes; it counts as
 *       completed at that FIN. By default the server closes first (it
 *       accepts and closes at once, as an HTTP/1.0 server after its
 *       response) and keeps the TIME_WAIT. With client-first the client
 *       closes (shutdown) as soon as it is connected and the server closes
 *       at end of stream (an echo server): the client keeps the TIME_WAIT,
 *       and its port search for each new connect() grows with them.
 *       Prints `seconds=<wall time> conns=<completed> failed=<n>`.
 *   tap_conns serve PORT [wait-eof]
 *       The kernel's server, until killed: accepts and closes at once, or
 *       with wait-eof closes each connection at its end of stream.
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

/* One event on fd. Connecting: on success (after our FIN when the client
 * closes first) waits for the server's FIN and returns -1. Then: 0 at the
 * server's FIN. Otherwise an errno. */
static int step(int ep, int fd, bool connected, bool client_first) {
    if (!connected) {
        int err = connect_result(fd);
        if (err != 0)
            return err;
        struct epoll_event ev = {.events = EPOLLIN,
                                 .data.u64 = (uint64_t)(uint32_t)fd | ((uint64_t)1 << 32)};
        if ((client_first && shutdown(fd, SHUT_WR) < 0) ||
            epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev) < 0)
            return errno;
        return -1;
    }
    char b[64];
    ssize_t r = read(fd, b, sizeof b);
    if (r == 0)
        return 0;
    return r < 0 ? errno : EPROTO; /* the server sent data: not this benchmark's server */
}

static int run_client(const char *host, int port, long total, int parallel, bool client_first) {
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
            int err = step(ep, fd, (evs[i].data.u64 >> 32) != 0, client_first);
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

static int listen_on(int port) {
    int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 4096) < 0) {
        perror("tap_conns: listen");
        return -1;
    }
    return s;
}

/* Accepts what is waiting; closes each at once, or registers it for its
 * end of stream. */
static int accept_all(int ep, int s, bool wait_eof) {
    for (;;) {
        int c = accept4(s, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (c < 0)
            return errno == EAGAIN || errno == EINTR || errno == ECONNABORTED ? 0 : -1;
        struct epoll_event ev = {.events = EPOLLIN, .data.fd = c};
        if (!wait_eof || epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev) < 0)
            close(c);
    }
}

static int run_server(int port, bool wait_eof) {
    int s = listen_on(port), ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = s};
    if (s < 0 || ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev) < 0)
        return 2;
    for (;;) {
        struct epoll_event evs[256];
        int n = epoll_wait(ep, evs, 256, -1);
        for (int i = 0; i < n; i++) {
            int fd = evs[i].data.fd;
            char b[4096];
            if (fd == s) {
                if (accept_all(ep, s, wait_eof) < 0)
                    return perror("tap_conns: accept"), 2;
            } else {
                ssize_t r = read(fd, b, sizeof b);
                if (r == 0 || (r < 0 && errno != EAGAIN))
                    close(fd); /* end of stream or an error */
            }
        }
    }
}

int main(int argc, char **argv) {
    if (argc >= 5 && argc <= 7 && strcmp(argv[1], "connect") == 0) {
        long n = strtol(argv[4], NULL, 10);
        long par = argc >= 6 ? strtol(argv[5], NULL, 10) : 1;
        bool client_first = argc == 7 && strcmp(argv[6], "client-first") == 0;
        if (n <= 0 || par <= 0 || par > MAX_PARALLEL || (argc == 7 && !client_first)) {
            fprintf(stderr, "tap_conns: N > 0, 0 < PARALLEL <= %d, then client-first\n",
                    MAX_PARALLEL);
            return 2;
        }
        return run_client(argv[2], atoi(argv[3]), n, (int)par, client_first);
    }
    bool wait_eof = argc == 4 && strcmp(argv[3], "wait-eof") == 0;
    if ((argc == 3 || wait_eof) && strcmp(argv[1], "serve") == 0)
        return run_server(atoi(argv[2]), wait_eof);
    fprintf(stderr, "usage: tap_conns connect HOST PORT N [PARALLEL [client-first]]\n"
                    "       tap_conns serve PORT [wait-eof]\n");
    return 2;
}
