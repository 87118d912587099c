/* echo (RFC 862), discard (RFC 863) and chargen (RFC 864) over tcpkit, and
 * close: accept and close at once (connection churn, bench/tap_bench.sh). */
#include <errno.h>
#include <string.h>

#include "app.h"
#include "tcpkit/socket.h"

int tk_app_flush(tk_stack *s, tk_app_conn *c) {
    while (c->out_off < c->out_len) {
        long n = tk_send(s, c->sd, c->out + c->out_off, c->out_len - c->out_off);
        if (n == -EAGAIN)
            return 0;
        if (n < 0)
            return (int)n;
        c->out_off += (size_t)n;
        c->tx_bytes += (uint64_t)n;
    }
    c->out_off = c->out_len = 0;
    return 1;
}

static int start_plain(tk_app_conn *c, const char *arg) {
    (void)c;
    (void)arg;
    return 0;
}

static void finish_plain(tk_app_conn *c) {
    (void)c;
}

static tk_app_status fail(tk_app_conn *c, long err) {
    c->err = (int)err;
    return TK_APP_ERROR;
}

static tk_app_status echo_step(tk_stack *s, tk_app_conn *c, const char *arg) {
    (void)arg;
    for (;;) {
        int f = tk_app_flush(s, c);
        if (f < 0)
            return fail(c, f);
        if (f == 0)
            return TK_APP_RUNNING;
        long n = tk_recv(s, c->sd, c->out, sizeof(c->out));
        if (n == -EAGAIN)
            return TK_APP_RUNNING;
        if (n < 0)
            return fail(c, n);
        if (n == 0)
            return TK_APP_CLOSE;
        c->rx_bytes += (uint64_t)n;
        c->out_len = (size_t)n;
    }
}

/* Reads and drops everything. Returns 1 at end of stream, 0 when nothing
 * more is waiting, or a negative errno value. */
static int drain(tk_stack *s, tk_app_conn *c) {
    uint8_t sink[16384];
    for (;;) {
        long n = tk_recv(s, c->sd, sink, sizeof(sink));
        if (n == -EAGAIN)
            return 0;
        if (n < 0)
            return (int)n;
        if (n == 0)
            return 1;
        c->rx_bytes += (uint64_t)n;
    }
}

static tk_app_status discard_step(tk_stack *s, tk_app_conn *c, const char *arg) {
    (void)arg;
    int rc = drain(s, c);
    if (rc < 0)
        return fail(c, rc);
    return rc == 1 ? TK_APP_CLOSE : TK_APP_RUNNING;
}

/* RFC 864: lines of 72 printable characters, each starting one further
 * along the 95-character cycle. */
/* The pattern repeats every 95 lines (RFC 864): the first period is
 * written line by line (line p is ring[p .. p + 72)), the rest copied from
 * it in large pieces (the pattern made a fifth of the sending time when
 * every byte took a division). */
#define CHARGEN_LINE   74u
#define CHARGEN_PERIOD (95u * CHARGEN_LINE)

static void chargen_fill(tk_app_conn *c) {
    uint8_t ring[95 + 72];
    for (uint32_t k = 0; k < sizeof ring; k++)
        ring[k] = (uint8_t)(' ' + k % 95u);
    size_t lines = sizeof(c->out) / CHARGEN_LINE, len = 0;
    for (size_t i = 0; i < lines && i < 95; i++, len += CHARGEN_LINE) {
        memcpy(c->out + len, ring + (c->pattern + i) % 95u, 72);
        c->out[len + 72] = '\r';
        c->out[len + 73] = '\n';
    }
    size_t total = lines * CHARGEN_LINE;
    while (len < total) {
        size_t n = total - len < CHARGEN_PERIOD ? total - len : CHARGEN_PERIOD;
        memcpy(c->out + len, c->out, n);
        len += n;
    }
    c->pattern = (uint32_t)((c->pattern + lines) % 95u);
    c->out_off = 0;
    c->out_len = len;
}

static tk_app_status chargen_step(tk_stack *s, tk_app_conn *c, const char *arg) {
    (void)arg;
    int rc = drain(s, c);
    if (rc < 0)
        return fail(c, rc);
    if (rc == 1)
        return TK_APP_CLOSE;
    for (;;) {
        if (c->out_len == 0)
            chargen_fill(c);
        int f = tk_app_flush(s, c);
        if (f < 0)
            return fail(c, f);
        if (f == 0)
            return TK_APP_RUNNING;
    }
}

/* Closes at once: the server sends the first FIN and keeps the TIME_WAIT,
 * as an HTTP/1.0 server does. */
static tk_app_status close_step(tk_stack *s, tk_app_conn *c, const char *arg) {
    (void)s, (void)c, (void)arg;
    return TK_APP_CLOSE;
}

const tk_app tk_app_echo = {"echo", start_plain, echo_step, finish_plain};
const tk_app tk_app_close = {"close", start_plain, close_step, finish_plain};
const tk_app tk_app_discard = {"discard", start_plain, discard_step, finish_plain};
const tk_app tk_app_chargen = {"chargen", start_plain, chargen_step, finish_plain};

const tk_app *tk_app_find(const char *name) {
    static const tk_app *const apps[] = {&tk_app_echo, &tk_app_discard, &tk_app_chargen,
                                         &tk_app_close, &tk_app_http};
    for (size_t i = 0; i < sizeof(apps) / sizeof(apps[0]); i++)
        if (!strcmp(apps[i]->name, name))
            return apps[i];
    return NULL;
}
