/* Echo and HTTP on fixed connection slots: no allocation. A finished
 * connection is logged on the console with the bytes it moved. */
#include "services.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "board.h"
#include "tcpkit/socket.h"

#define SLOTS   4
#define CHUNK   1024
#define HELLO   "hello from tcpkit on mps2-an385\n"
#define REQ_MAX 512

typedef enum { SVC_ECHO, SVC_HTTP } svc_kind;

typedef struct conn {
    int sd; /* -1: free */
    svc_kind kind;
    tk_sockaddr peer;
    uint8_t buf[CHUNK];
    size_t have, sent; /* bytes in buf, and how many of them went out */
    bool eof;          /* peer's FIN read */
    size_t req_len;    /* HTTP: request bytes seen */
    bool answered;
    uint32_t rx, tx;
} conn;

static int listeners[2] = {-1, -1};
static conn conns[SLOTS];

static int listen_on(tk_stack *s, uint16_t port) {
    int sd = tk_socket(s);
    if (sd < 0)
        return sd;
    tk_sockaddr a = tk_sockaddr_in4(0, port);
    int rc = tk_bind(s, sd, &a);
    if (rc == 0)
        rc = tk_listen(s, sd, SLOTS);
    return rc < 0 ? rc : sd;
}

int tk_services_start(tk_stack *s) {
    for (int i = 0; i < SLOTS; i++)
        conns[i].sd = -1;
    listeners[SVC_ECHO] = listen_on(s, TK_BOARD_ECHO_PORT);
    listeners[SVC_HTTP] = listen_on(s, TK_BOARD_HTTP_PORT);
    if (listeners[SVC_ECHO] < 0)
        return listeners[SVC_ECHO];
    return listeners[SVC_HTTP] < 0 ? listeners[SVC_HTTP] : 0;
}

static void log_close(const conn *c, const char *how) {
    char line[128];
    int n = snprintf(line, sizeof line, "%s %lu.%lu.%lu.%lu:%u %s rx=%lu tx=%lu\n",
                     c->kind == SVC_ECHO ? "echo" : "http", (unsigned long)(c->peer.addr >> 24),
                     (unsigned long)((c->peer.addr >> 16) & 0xffu),
                     (unsigned long)((c->peer.addr >> 8) & 0xffu),
                     (unsigned long)(c->peer.addr & 0xffu), (unsigned)c->peer.port, how,
                     (unsigned long)c->rx, (unsigned long)c->tx);
    if (n > 0)
        tk_uart_write(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

static void finish(tk_stack *s, conn *c, const char *how) {
    tk_close(s, c->sd);
    log_close(c, how);
    c->sd = -1;
}

static bool accept_one(tk_stack *s, svc_kind kind) {
    tk_sockaddr peer;
    conn *slot = NULL;
    for (int i = 0; i < SLOTS && slot == NULL; i++)
        if (conns[i].sd < 0)
            slot = &conns[i];
    if (slot == NULL)
        return false;
    int sd = tk_accept(s, listeners[kind], &peer);
    if (sd < 0)
        return false;
    memset(slot, 0, sizeof(*slot));
    slot->sd = sd;
    slot->kind = kind;
    slot->peer = peer;
    return true;
}

/* Sends what is left of buf; true when something went out. */
static bool flush(tk_stack *s, conn *c) {
    if (c->sent >= c->have)
        return false;
    long n = tk_send(s, c->sd, c->buf + c->sent, c->have - c->sent);
    if (n <= 0)
        return false;
    c->sent += (size_t)n;
    c->tx += (uint32_t)n;
    if (c->sent == c->have)
        c->have = c->sent = 0;
    return true;
}

static bool run_echo(tk_stack *s, conn *c) {
    bool moved = flush(s, c);
    if (c->have == 0 && !c->eof) {
        long n = tk_recv(s, c->sd, c->buf, sizeof c->buf);
        if (n > 0) {
            c->have = (size_t)n;
            c->rx += (uint32_t)n;
            flush(s, c);
            moved = true;
        } else if (n == 0) {
            c->eof = true;
        } else if (n != -EAGAIN) {
            finish(s, c, "failed");
            return true;
        }
    }
    if (c->eof && c->have == 0) {
        finish(s, c, "closed");
        return true;
    }
    return moved;
}

/* Reads the request up to its blank line (the body is not looked at). */
static bool read_request(tk_stack *s, conn *c) {
    uint8_t tmp[128];
    long n = tk_recv(s, c->sd, tmp, sizeof tmp);
    if (n <= 0) {
        c->eof = n == 0;
        return false;
    }
    c->rx += (uint32_t)n;
    for (long i = 0; i < n && c->req_len < REQ_MAX; i++) {
        c->buf[c->req_len++] = tmp[i];
        if (c->req_len >= 4 && memcmp(c->buf + c->req_len - 4, "\r\n\r\n", 4) == 0) {
            c->answered = true;
            break;
        }
    }
    return true;
}

static bool run_http(tk_stack *s, conn *c) {
    if (!c->answered) {
        bool moved = read_request(s, c);
        if (!c->answered) {
            if (c->eof || c->req_len >= REQ_MAX)
                finish(s, c, "bad-request");
            return moved;
        }
        int n = snprintf((char *)c->buf, sizeof c->buf,
                         "HTTP/1.1 200 OK\r\nServer: tcpkit\r\nContent-Type: text/plain\r\n"
                         "Content-Length: %u\r\nConnection: close\r\n\r\n%s",
                         (unsigned)strlen(HELLO), HELLO);
        c->have = n > 0 ? (size_t)n : 0;
        c->sent = 0;
    }
    bool moved = flush(s, c);
    if (c->have == 0) {
        /* Anything unread would turn the close into a RST (RS-2). */
        uint8_t tmp[64];
        while (tk_recv(s, c->sd, tmp, sizeof tmp) > 0)
            ;
        finish(s, c, "closed");
        return true;
    }
    return moved;
}

bool tk_services_run(tk_stack *s) {
    bool moved = false;
    while (accept_one(s, SVC_ECHO))
        moved = true;
    while (accept_one(s, SVC_HTTP))
        moved = true;
    for (int i = 0; i < SLOTS; i++) {
        conn *c = &conns[i];
        if (c->sd >= 0)
            moved |= c->kind == SVC_ECHO ? run_echo(s, c) : run_http(s, c);
    }
    return moved;
}
