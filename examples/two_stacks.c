/* Two tcpkit stacks in one process, wired the documented way: each stack's
 * output only copies the frame into the other stack's inbox, and the loop
 * hands inbox frames to tk_stack_input after the call that produced them
 * has returned. (Calling the other stack's tk_stack_input straight from
 * output looks simpler but re-enters: its answer comes back into the first
 * stack while that one is still inside output, and is refused with
 * -EDEADLK.) Client 198.18.0.1 sends a line to an echo server on
 * 198.18.0.2:7 and checks the answer. Exit status 0 on success. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tcpkit/tcpkit.h"

#define INBOX 64

typedef struct node {
    tk_stack *s;
    struct node *peer;
    uint8_t inbox[INBOX][1514];
    size_t len[INBOX];
    int n;
} node;

static int output(void *ctx, const uint8_t *frame, size_t len) {
    node *to = ((node *)ctx)->peer;
    if (to->n == INBOX || len > sizeof to->inbox[0])
        return -EBUSY; /* the stack keeps it and offers it again later */
    memcpy(to->inbox[to->n], frame, len);
    to->len[to->n++] = len;
    return 0;
}

static uint32_t rng(void *ctx) {
    static uint32_t x = 2463534242u;
    (void)ctx;
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    return x;
}

static void start(node *nd, node *peer, uint8_t host) {
    tk_config cfg;
    tk_config_default(&cfg);
    cfg.addr = 0xc6120000u | host; /* 198.18.0.host */
    cfg.netmask = 0xffffff00u;
    memcpy(cfg.mac, (uint8_t[6]){0x02, 0, 0, 0, 0, host}, 6);
    cfg.max_sockets = 4;
    cfg.max_time_wait = 4;
    cfg.rcvbuf = cfg.sndbuf = 4096;
    nd->peer = peer;
    tk_stack_io io = {.output = output, .random = rng, .ctx = nd};
    if (tk_stack_create(&nd->s, &cfg, &io) < 0)
        fprintf(stderr, "tk_stack_create failed\n");
}

/* Delivers what each inbox holds (frames made while delivering wait for
 * the next round), then polls both stacks. */
static void run(node *nodes, tk_time now) {
    for (int i = 0; i < 2; i++) {
        node *nd = &nodes[i];
        int n = nd->n;
        static uint8_t f[INBOX][1514];
        static size_t l[INBOX];
        memcpy(f, nd->inbox, sizeof f);
        memcpy(l, nd->len, sizeof l);
        nd->n = 0;
        for (int k = 0; k < n; k++)
            tk_stack_input(nd->s, f[k], l[k], now);
    }
    for (int i = 0; i < 2; i++)
        tk_stack_poll(nodes[i].s, now);
}

int main(void) {
    static node nodes[2];
    start(&nodes[0], &nodes[1], 1);
    start(&nodes[1], &nodes[0], 2);
    int ls = tk_socket(nodes[1].s);
    tk_sockaddr at = tk_sockaddr_in4(0, 7);
    tk_bind(nodes[1].s, ls, &at);
    tk_listen(nodes[1].s, ls, 1);
    int cs = tk_socket(nodes[0].s), ss = -1;
    tk_sockaddr to = tk_sockaddr_in4(0xc6120002u, 7);
    tk_connect(nodes[0].s, cs, &to);
    const char msg[] = "hello through two stacks";
    char got[64] = {0}, buf[64];
    bool sent = false;
    for (tk_time now = 0; now < TK_SEC(5) && strcmp(got, msg) != 0; now += TK_MS(1)) {
        run(nodes, now);
        if (ss < 0)
            ss = tk_accept(nodes[1].s, ls, NULL);
        if (!sent && (tk_poll_events(nodes[0].s, cs) & TK_POLLOUT))
            sent = tk_send(nodes[0].s, cs, msg, sizeof msg - 1) == (long)(sizeof msg - 1);
        long n = ss >= 0 ? tk_recv(nodes[1].s, ss, buf, sizeof buf) : -EAGAIN;
        if (n > 0)
            tk_send(nodes[1].s, ss, buf, (size_t)n);
        n = tk_recv(nodes[0].s, cs, got + strlen(got), sizeof got - 1 - strlen(got));
    }
    printf("client got: %s\n", got);
    tk_stack_destroy(nodes[0].s, 0);
    tk_stack_destroy(nodes[1].s, 0);
    return strcmp(got, msg) == 0 ? 0 : 1;
}
