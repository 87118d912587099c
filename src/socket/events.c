/* Event subscriptions. What changed is found by comparison, not by hooks
 * in TCP: each subscribed socket remembers its poll bits, state and the
 * sequence numbers that move when data arrives (RCV.NXT) or is
 * acknowledged (SND.UNA), so data that arrives after the application
 * emptied the socket is reported again even though "readable" was already
 * true at the previous look. */
#include "socket/events.h"

#include <errno.h>
#include <string.h>

#include "socket/fd.h"
#include "tcpkit/events.h"
#include "tcpkit/socket.h"

typedef struct ev_sub {
    tk_event_fn fn;
    void *arg;
    uint32_t rcv_nxt, snd_una, acq_len;
    uint8_t mask;    /* 0: not subscribed */
    uint8_t pending; /* gathered for the queue */
    uint8_t bits;    /* TK_POLL* at the last look */
    uint8_t state;
    bool queued;
} ev_sub;

struct tk_sock_events {
    ev_sub *subs;
    int32_t *queue; /* ring of descriptors with pending events */
    uint32_t cap, head, count, active;
};

size_t tk_sock_events_mem_size(uint32_t max_sockets) {
    return sizeof(struct tk_sock_events) + (sizeof(ev_sub) + sizeof(int32_t)) * max_sockets;
}

size_t tk_sock_events_slot_size(void) {
    return sizeof(ev_sub) + sizeof(int32_t);
}

struct tk_sock_events *tk_sock_events_init(void *mem, uint32_t max_sockets) {
    memset(mem, 0, tk_sock_events_mem_size(max_sockets));
    struct tk_sock_events *ev = mem;
    ev->subs = (ev_sub *)(void *)(ev + 1);
    ev->queue = (int32_t *)(void *)(ev->subs + max_sockets);
    ev->cap = max_sockets;
    return ev;
}

static void remember(ev_sub *e, const tk_tcb *tp, int bits) {
    e->bits = (uint8_t)bits;
    e->state = tp->state;
    e->rcv_nxt = tp->rcv_nxt;
    e->snd_una = tp->snd_una;
    e->acq_len = tk_cold(tp)->acq_len;
}

int tk_set_events(tk_stack *s, int sd, unsigned mask, tk_event_fn fn, void *arg) {
    tk_tcb *tp = tk_fd_tcb(s, sd);
    if (tp == NULL || s->events == NULL || (uint32_t)sd >= s->events->cap)
        return -EBADF;
    if (mask & ~TK_EV_ALL)
        return -EINVAL;
    ev_sub *e = &s->events->subs[sd];
    if (e->mask == 0 && mask != 0)
        s->events->active++;
    else if (e->mask != 0 && mask == 0)
        s->events->active--;
    e->mask = (uint8_t)mask;
    s->events_sample = tk_sock_events_sample;
    e->fn = fn;
    e->arg = arg;
    e->pending = 0;
    /* Nothing seen yet: what is already true (data that came before
     * tk_accept) is reported at the next look; only CONNECTED waits for
     * a handshake still to come. */
    remember(e, tp, 0);
    return 0;
}

static bool rising(int now_bits, uint8_t before, int bit) {
    return (now_bits & bit) && !(before & bit);
}

static bool synchronized(uint8_t state) {
    return state >= TK_TCP_ESTABLISHED;
}

/* The TK_EV_* bits that became true since the last look. */
static unsigned changes(const ev_sub *e, const tk_tcb *tp, int bits) {
    unsigned ev = 0;
    if (tp->state == TK_TCP_LISTEN) {
        if ((bits & TK_POLLIN) && (tk_cold(tp)->acq_len > e->acq_len || !(e->bits & TK_POLLIN)))
            ev |= TK_EV_READABLE;
        return ev;
    }
    if ((bits & TK_POLLIN) && (tp->rcv_nxt != e->rcv_nxt || !(e->bits & TK_POLLIN)))
        ev |= TK_EV_READABLE;
    if ((bits & TK_POLLOUT) && (tp->snd_una != e->snd_una || !(e->bits & TK_POLLOUT)))
        ev |= TK_EV_WRITABLE;
    if (!synchronized(e->state) && synchronized(tp->state) && tp->state != TK_TCP_TIME_WAIT)
        ev |= TK_EV_CONNECTED;
    if (rising(bits, e->bits, TK_POLLHUP))
        ev |= TK_EV_CLOSED;
    if (rising(bits, e->bits, TK_POLLERR))
        ev |= TK_EV_ERROR;
    return ev;
}

static void enqueue(struct tk_sock_events *ev, int sd, unsigned bits) {
    ev_sub *e = &ev->subs[sd];
    e->pending = (uint8_t)(e->pending | bits);
    if (e->queued)
        return;
    e->queued = true;
    ev->queue[(ev->head + ev->count) % ev->cap] = sd;
    ev->count++;
}

void tk_sock_events_sample(tk_stack *s) {
    struct tk_sock_events *ev = s->events;
    if (ev == NULL || ev->active == 0)
        return;
    for (uint32_t i = 0; i < ev->cap; i++) {
        ev_sub *e = &ev->subs[i];
        if (e->mask == 0)
            continue;
        int sd = (int)i;
        const tk_tcb *tp = tk_fd_tcb(s, sd);
        if (tp == NULL) {
            tk_sock_events_forget(s, sd);
            continue;
        }
        int bits = tk_poll_events(s, sd);
        unsigned got = changes(e, tp, bits) & e->mask;
        remember(e, tp, bits);
        if (got == 0)
            continue;
        if (e->fn != NULL)
            e->fn(s, sd, got, e->arg);
        else
            enqueue(ev, sd, got);
    }
}

void tk_sock_events_forget(tk_stack *s, int sd) {
    struct tk_sock_events *ev = s->events;
    if (ev == NULL || sd < 0 || (uint32_t)sd >= ev->cap)
        return;
    ev_sub *e = &ev->subs[sd];
    if (e->mask != 0)
        ev->active--;
    e->mask = 0;
    e->pending = 0;
    e->fn = NULL;
    /* A queued entry stays in the ring; tk_stack_events skips it. */
}

int tk_stack_events(tk_stack *s, tk_event *out, int max) {
    struct tk_sock_events *ev = s != NULL ? s->events : NULL;
    if (ev == NULL || out == NULL || max < 0)
        return -EINVAL;
    int n = 0;
    while (n < max && ev->count > 0) {
        int sd = ev->queue[ev->head];
        ev->head = (ev->head + 1u) % ev->cap;
        ev->count--;
        ev_sub *e = &ev->subs[sd];
        e->queued = false;
        if (e->pending == 0)
            continue;
        out[n].sd = sd;
        out[n].events = e->pending;
        e->pending = 0;
        n++;
    }
    return n;
}
