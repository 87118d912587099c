/* tcpkit under an RTOS, sketched with a stub cooperative scheduler so it
 * runs anywhere: the shape of a FreeRTOS port.
 *
 *   Ethernet ISR  -> rx queue (frames only; never calls the stack)
 *   net task      owns the stack: rx queue -> tk_stack_input, tk_stack_poll
 *                 at the deadline, tk_stack_events -> the app's event queue
 *   app task      waits on its event queue; socket calls under the stack lock
 *
 * Every stack call is made with stack_lock held (a mutex in a real RTOS),
 * so the app task and the net task never run the stack at once. The
 * "network" is a second stack, the peer, that connects to our echo server
 * on port 7 and checks the answer. Exit status 0 on success. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tcpkit/tcpkit.h"

/* --- stub RTOS: queues, a lock, a tick --------------------------------- */
#define QLEN 32
typedef struct queue {
    uint8_t item[QLEN][1514];
    size_t len[QLEN];
    unsigned head, count;
} queue;
static bool queue_send(queue *q, const void *p, size_t len) { /* from ISR too */
    if (q->count == QLEN || len > sizeof q->item[0])
        return false;
    unsigned i = (q->head + q->count++) % QLEN;
    memcpy(q->item[i], p, len);
    q->len[i] = len;
    return true;
}
static size_t queue_receive(queue *q, void *p) { /* 0: empty (would block) */
    if (q->count == 0)
        return 0;
    size_t len = q->len[q->head];
    memcpy(p, q->item[q->head], len);
    q->head = (q->head + 1) % QLEN, q->count--;
    return len;
}
static int lock_depth;
static void stack_lock(void) {
    if (lock_depth++ != 0)
        fprintf(stderr, "stack lock taken twice\n");
}
static void stack_unlock(void) {
    lock_depth--;
}
static tk_time ticks_us;

/* --- the wire: our stack <-> the peer stack ---------------------------- */
static queue rx_queue, to_peer, app_events;
static tk_stack *net, *peer;

static int emac_send(void *ctx, const uint8_t *f, size_t len) { /* our output */
    (void)ctx;
    return queue_send(&to_peer, f, len) ? 0 : -EBUSY;
}
static int peer_send(void *ctx, const uint8_t *f, size_t len) {
    (void)ctx;
    return queue_send(&rx_queue, f, len) ? 0 : -EBUSY; /* "the ISR got it" */
}
static uint32_t rng(void *ctx) {
    static uint32_t x = 88172645u;
    (void)ctx;
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    return x;
}

/* --- the tasks --------------------------------------------------------- */
static void net_task(void) {
    static uint8_t frame[1514];
    size_t len;
    stack_lock();
    while ((len = queue_receive(&rx_queue, frame)) > 0)
        tk_stack_input(net, frame, len, ticks_us);
    if (ticks_us >= tk_stack_next_deadline(net))
        tk_stack_poll(net, ticks_us);
    tk_event ev[4];
    int n = tk_stack_events(net, ev, 4);
    stack_unlock();
    for (int i = 0; i < n; i++)
        queue_send(&app_events, &ev[i], sizeof ev[i]);
}

static int listener = -1;
static void app_task(void) {
    tk_event ev;
    char buf[256];
    while (queue_receive(&app_events, &ev) > 0) {
        stack_lock();
        if (ev.sd == listener) {
            int c = tk_accept(net, listener, NULL);
            if (c >= 0)
                tk_set_events(net, c, TK_EV_READABLE | TK_EV_CLOSED, NULL, NULL);
        } else if (ev.events & TK_EV_READABLE) {
            long got = tk_recv(net, ev.sd, buf, sizeof buf);
            if (got > 0)
                tk_send(net, ev.sd, buf, (size_t)got);
            else if (got == 0)
                tk_close(net, ev.sd);
        }
        tk_stack_poll(net, ticks_us); /* send what the calls queued */
        stack_unlock();
    }
}

/* The peer, and the wire between: delivers frames, then runs the peer. */
static int peer_task(void) {
    static uint8_t frame[1514];
    static int sd = -1;
    static bool sent;
    static char got[64];
    size_t len;
    while ((len = queue_receive(&to_peer, frame)) > 0)
        tk_stack_input(peer, frame, len, ticks_us);
    if (sd < 0) {
        sd = tk_socket(peer);
        tk_sockaddr at = tk_sockaddr_in4(0xc6120002u, 7);
        tk_connect(peer, sd, &at);
    }
    if (!sent && (tk_poll_events(peer, sd) & TK_POLLOUT))
        sent = tk_send(peer, sd, "ping from the peer", 18) == 18;
    size_t have = strlen(got);
    long n = tk_recv(peer, sd, got + have, sizeof got - 1 - have);
    tk_stack_poll(peer, ticks_us);
    return n > 0 && strcmp(got, "ping from the peer") == 0;
}

static tk_stack *make(uint8_t host, int (*out)(void *, const uint8_t *, size_t)) {
    tk_config cfg;
    tk_config_default(&cfg);
    cfg.addr = 0xc6120000u | host;
    cfg.netmask = 0xffffff00u;
    memcpy(cfg.mac, (uint8_t[6]){0x02, 0, 0, 0, 0, host}, 6);
    cfg.max_sockets = 4, cfg.max_time_wait = 4, cfg.rcvbuf = cfg.sndbuf = 4096;
    tk_stack *s = NULL;
    tk_stack_create(&s, &cfg, &(tk_stack_io){.output = out, .random = rng});
    return s;
}

int main(void) {
    net = make(2, emac_send);
    peer = make(1, peer_send);
    listener = tk_socket(net);
    tk_sockaddr at = tk_sockaddr_in4(0, 7);
    tk_bind(net, listener, &at);
    tk_listen(net, listener, 2);
    tk_set_events(net, listener, TK_EV_READABLE, NULL, NULL);
    int ok = 0;
    for (; ticks_us < TK_SEC(5) && !ok; ticks_us += TK_MS(1)) { /* the scheduler */
        net_task();
        app_task();
        ok = peer_task();
    }
    printf(ok ? "peer got its echo\n" : "no echo\n");
    tk_stack_destroy(net, ticks_us);
    tk_stack_destroy(peer, ticks_us);
    return ok ? 0 : 1;
}
