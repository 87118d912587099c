/* `tcpkit connect`: like nc over the stack on a TAP device. stdin goes to
 * the connection, the connection to stdout; EOF on stdin half-closes. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "net_setup.h"
#include "tcpkit/socket.h"
#include "tcpkit/stats.h"
#include "tcpkit/tcp_state.h"

#define BUF 65536

static void usage(FILE *f) {
    fprintf(f, "usage: tcpkit connect {--tap IF | --xdp IF[:Q] | --dpdk 'EAL ARGS'} --addr A/N\n"
               "                      [--gw G] [--mac M] [--pcap F]\n"
               "                      [--offload|--no-offload] [--no-tso] [--impair SPEC]\n"
               "                      [--buffers BYTES] [--busy-poll US] HOST PORT\n"
               "  Creates the TAP interface IF, connects to HOST:PORT, copies stdin to the\n"
               "  connection (EOF: half-close) and the connection to stdout.\n"
               "  --offload: TAP offloads both ways (checksums, TSO super-segments; --no-tso:\n"
               "  checksums only); TK_OFFLOAD=1 in the environment is the same by default.\n"
               "  --buffers BYTES: send and receive buffers (256 KiB; 4 KiB to 16 MiB).\n"
               "  --busy-poll US: spin on the device up to US microseconds before sleeping.\n"
               "  --xdp / --dpdk: a NIC queue through AF_XDP, a DPDK port (serve --help).\n"
               "  Exit status: 0 both directions ended cleanly; 111 connection refused\n"
               "  (ECONNREFUSED), 104 reset (ECONNRESET), 110 timed out (ETIMEDOUT), 113 no\n"
               "  route (EHOSTUNREACH), 1 another failure, 2 usage.\n");
}

typedef struct client {
    tk_net net;
    int sd;
    uint8_t in[BUF];
    size_t in_off, in_len;
    bool stdin_eof, shut_sent, peer_eof;
    uint64_t sent, rcvd;
} client;

static int fail(const char *what, int err) {
    fprintf(stderr, "tcpkit connect: %s: %s\n", what, strerror(-err));
    switch (-err) {
    case ECONNREFUSED:
    case ECONNRESET:
    case ETIMEDOUT:
    case EHOSTUNREACH:
        return -err;
    default:
        return 1;
    }
}

/* Waits until the handshake ends. Returns 0 or a negative errno value. */
static int wait_connected(client *c) {
    tk_stack *s = c->net.stack;
    for (;;) {
        int ev = tk_poll_events(s, c->sd);
        if (ev < 0)
            return ev;
        if (ev & (TK_POLLERR | TK_POLLHUP)) {
            int err = 0;
            size_t len = sizeof err;
            (void)tk_getsockopt(s, c->sd, TK_SOL_SOCKET, TK_SO_ERROR, &err, &len);
            return err != 0 ? err : -ECONNRESET;
        }
        if (ev & TK_POLLOUT)
            return 0;
        if (tk_loop_step(&c->net.loop, -1, 0, TK_MS(200), NULL) < 0)
            return -EIO;
    }
}

/* connect(), once the stack has a usable source address: an IPv6 one
 * waits out duplicate address detection (or SLAAC) for up to 10 s. */
static int connect_when_ready(client *c, const tk_sockaddr *dst) {
    int rc = tk_connect(c->net.stack, c->sd, dst);
    for (int i = 0; i < 50 && rc == -EADDRNOTAVAIL && dst->family == TK_AF_INET6; i++) {
        (void)tk_loop_step(&c->net.loop, -1, 0, TK_MS(200), NULL);
        rc = tk_connect(c->net.stack, c->sd, dst);
    }
    return rc;
}

/* stdin -> connection. Returns 0 or a negative errno value. */
static int pump_out(client *c, short revents) {
    tk_stack *s = c->net.stack;
    if (c->in_off == c->in_len && !c->stdin_eof && (revents & (POLLIN | POLLHUP))) {
        ssize_t n = read(STDIN_FILENO, c->in, sizeof c->in);
        if (n < 0 && errno != EAGAIN && errno != EINTR)
            return -errno;
        c->in_off = 0;
        c->in_len = n > 0 ? (size_t)n : 0;
        c->stdin_eof = n == 0;
    }
    while (c->in_off < c->in_len) {
        long n = tk_send(s, c->sd, c->in + c->in_off, c->in_len - c->in_off);
        if (n == -EAGAIN)
            break;
        if (n < 0)
            return (int)n;
        c->in_off += (size_t)n;
        c->sent += (uint64_t)n;
    }
    if (c->stdin_eof && c->in_off == c->in_len && !c->shut_sent) {
        c->shut_sent = true;
        return tk_shutdown(s, c->sd, TK_SHUT_WR);
    }
    return 0;
}

static int write_all(const uint8_t *p, size_t len) {
    while (len > 0) {
        ssize_t n = write(STDOUT_FILENO, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -errno;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* connection -> stdout. Returns 0 or a negative errno value. */
static int pump_in(client *c) {
    uint8_t buf[16384];
    while (!c->peer_eof) {
        long n = tk_recv(c->net.stack, c->sd, buf, sizeof buf);
        if (n == -EAGAIN)
            return 0;
        if (n < 0)
            return (int)n;
        if (n == 0) {
            c->peer_eof = true;
            return 0;
        }
        c->rcvd += (uint64_t)n;
        int rc = write_all(buf, (size_t)n);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int run(client *c) {
    for (;;) {
        bool want_stdin = !c->stdin_eof && c->in_off == c->in_len;
        short rev = 0;
        if (tk_loop_step(&c->net.loop, want_stdin ? STDIN_FILENO : -1, POLLIN, TK_MS(200), &rev) <
            0)
            return -EIO;
        int rc = pump_out(c, rev);
        if (rc == 0)
            rc = pump_in(c);
        if (rc < 0)
            return rc;
        tk_stack_poll(c->net.stack, tk_loop_now());
        if (c->peer_eof && c->shut_sent)
            return 0;
    }
}

/* After close, lets the FIN exchange finish (up to a second) so that the
 * peer is not left waiting; TIME_WAIT itself is not waited for. */
static void linger(client *c) {
    tk_time until = tk_loop_now() + TK_SEC(1);
    while (tk_loop_now() < until) {
        uint32_t busy = 0;
        for (int st = TK_TCP_SYN_SENT; st < TK_TCP_TIME_WAIT; st++)
            busy += tk_stack_state_count(c->net.stack, st);
        if (busy == 0)
            return;
        (void)tk_loop_step(&c->net.loop, -1, 0, TK_MS(50), NULL);
    }
}

/* HOST PORT. Returns 0 or TK_CLI_USAGE. */
static int take_dest(const tk_cli *c, const char *const pos[2], tk_sockaddr *dst) {
    if (pos[1] == NULL)
        return tk_cli_fail(c, "missing", pos[0] == NULL ? "HOST PORT" : "PORT");
    uint32_t a4;
    uint8_t a6[16];
    if (inet_pton(AF_INET6, pos[0], a6) == 1)
        *dst = tk_sockaddr_in6(a6, 0, 0);
    else if (tk_parse_ipv4(pos[0], &a4) == 0)
        *dst = tk_sockaddr_in4(a4, 0);
    else
        return tk_cli_fail(c, "bad address", pos[0]);
    char *end;
    long port = strtol(pos[1], &end, 10);
    if (pos[1][0] < '0' || pos[1][0] > '9' || *end != '\0' || port < 1 || port > 65535)
        return tk_cli_fail(c, "bad port (1..65535)", pos[1]);
    dst->port = (uint16_t)port;
    return 0;
}

/* Returns -1 to go on, or the exit status (0 after --help, 2 usage). */
static int parse_args(tk_netopts *o, int argc, char **argv, tk_sockaddr *dst) {
    const char *pos[2] = {NULL, NULL};
    int npos = 0;
    tk_cli c;
    tk_cli_init(&c, "tcpkit connect", argc, argv);
    for (const char *a; (a = tk_cli_next(&c)) != NULL;) {
        int rc = tk_netopts_take(o, &c, a);
        if (rc == 1 && tk_cli_is_help(a)) {
            usage(stdout);
            return 0;
        }
        if (rc == 1 && (a[0] == '-' || npos == 2))
            return tk_cli_unknown(&c, a);
        if (rc == 1)
            pos[npos++] = a;
        else if (rc)
            return rc;
    }
    int rc = tk_netopts_check(o, &c);
    rc = rc ? rc : take_dest(&c, pos, dst);
    return rc ? rc : -1;
}

int tk_cmd_connect(int argc, char **argv) {
    static client c;
    tk_netopts o = {0};
    tk_sockaddr dst;
    int prc = parse_args(&o, argc, argv, &dst);
    if (prc >= 0)
        return prc;
    signal(SIGPIPE, SIG_IGN);
    if (tk_net_open(&c.net, &o) < 0)
        return 1;
    (void)fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);
    c.sd = tk_socket(c.net.stack);
    int rc = c.sd < 0 ? c.sd : connect_when_ready(&c, &dst);
    if (rc == -EINPROGRESS || rc == 0) {
        tk_stack_poll(c.net.stack, tk_loop_now());
        rc = wait_connected(&c);
    }
    int status = 0;
    if (rc < 0)
        status = fail("connect", rc);
    else if ((rc = run(&c)) < 0)
        status = fail(rc == -ECONNRESET ? "connection reset" : "transfer", rc);
    if (c.sd >= 0)
        (void)tk_close(c.net.stack, c.sd);
    tk_stack_poll(c.net.stack, tk_loop_now());
    if (status == 0)
        linger(&c);
    fprintf(stderr, "tcpkit connect: sent %llu, received %llu bytes\n", (unsigned long long)c.sent,
            (unsigned long long)c.rcvd);
    tk_net_close(&c.net);
    return status;
}
