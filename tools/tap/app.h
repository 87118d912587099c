/* Applications `tcpkit serve` runs on each accepted connection: echo,
 * discard, chargen (RFC 862, 863, 864) and a static-file HTTP/1.1 server.
 * An app is stepped whenever the loop wakes: it reads and writes what the
 * socket allows without blocking, and says when it is finished. */
#ifndef TK_TOOLS_APP_H
#define TK_TOOLS_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpkit/stack.h"

#define TK_APP_BUF 65536

typedef enum tk_app_status {
    TK_APP_RUNNING = 0,
    TK_APP_CLOSE, /* finished: close gracefully (FIN after queued data) */
    TK_APP_ERROR, /* the connection failed: err says why */
} tk_app_status;

typedef struct tk_app_conn {
    int sd;
    int err;                 /* negative errno once TK_APP_ERROR */
    size_t out_off, out_len; /* bytes of out still to send */
    uint64_t rx_bytes, tx_bytes;
    uint32_t pattern; /* chargen: position in the rotating pattern */
    void *state;      /* app-specific (http) */
    /* Last: a new connection zeroes only what comes before it (serve
     * recycles these, so churn neither zeroes nor faults in 64 KiB). */
    uint8_t out[TK_APP_BUF];
} tk_app_conn;

typedef struct tk_app {
    const char *name;
    /* Prepares a new connection; returns 0 or a negative errno value. */
    int (*start)(tk_app_conn *c, const char *arg);
    tk_app_status (*step)(tk_stack *s, tk_app_conn *c, const char *arg);
    void (*finish)(tk_app_conn *c);
} tk_app;

/* The app called name, or NULL. */
const tk_app *tk_app_find(const char *name);

/* Sends what is pending in c->out. Returns 1 when all is sent, 0 when the
 * socket is full, or a negative errno value. */
int tk_app_flush(tk_stack *s, tk_app_conn *c);

extern const tk_app tk_app_echo, tk_app_discard, tk_app_chargen, tk_app_close, tk_app_http;

#endif
