/* The event loop over a frame device (drivers/netdev.h). */
#define _GNU_SOURCE /* ppoll */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "gso.h"
#include "loop.h"

tk_time tk_loop_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (tk_time)ts.tv_sec * 1000000u + (tk_time)ts.tv_nsec / 1000u;
}

static void to_stack(tk_loop *l, const uint8_t *frame, size_t len, uint32_t rx_flags, tk_time now) {
    if (l->pcap != NULL)
        (void)tk_pcap_write(l->pcap, now, frame, len);
    l->frames_in++;
    (void)tk_stack_input_rx(l->stack, frame, len, rx_flags, now);
}

static void to_wire(tk_loop *l, const uint8_t *frame, size_t len) {
    (void)l->dev.write(l->dev.ctx, frame, len, NULL);
}

/* A frame as the wire carries it (offloads done in software): into the
 * capture, and through the impairment when there is one. */
static void wire_copy(void *ctx, const uint8_t *frame, size_t len) {
    tk_loop *l = ctx;
    if (l->pcap != NULL)
        (void)tk_pcap_write(l->pcap, l->now, frame, len);
    if (l->impair != NULL)
        tk_impair_send(l->impair, TK_IMPAIR_TO_WIRE, frame, len, l->now);
}

int tk_loop_output_tx(void *ctx, const uint8_t *frame, size_t len, const tk_link_tx *tx) {
    tk_loop *l = ctx;
    l->frames_out++;
    if (l->pcap != NULL || l->impair != NULL) {
        int rc = tk_gso_segment(frame, len, tx, l->seg, sizeof l->seg, wire_copy, l);
        if (rc < 0)
            return rc;
    }
    if (l->impair == NULL)
        return l->dev.write(l->dev.ctx, frame, len, tx) == -EBUSY ? -EBUSY : 0;
    return 0;
}

int tk_loop_output(void *ctx, const uint8_t *frame, size_t len) {
    return tk_loop_output_tx(ctx, frame, len, NULL);
}

static void deliver(void *ctx, int dir, const uint8_t *frame, size_t len, tk_time at) {
    tk_loop *l = ctx;
    if (dir == TK_IMPAIR_TO_WIRE)
        to_wire(l, frame, len);
    else
        to_stack(l, frame, len, 0, at);
}

static tk_time earliest(const tk_loop *l, tk_time now, tk_time max_wait) {
    tk_time t = now + max_wait;
    tk_time d = tk_stack_next_deadline(l->stack);
    if (d < t)
        t = d;
    if (l->impair != NULL && (d = tk_impair_next_deadline(l->impair)) < t)
        t = d;
    return t;
}

/* Reads until the device is empty (or TK_LOOP_BURST frames), with one
 * clock reading for the whole burst. */
static int read_burst(tk_loop *l) {
    l->now = tk_loop_now();
    int i = 0;
    for (; i < TK_LOOP_BURST; i++) {
        /* The impairment may corrupt a frame after the kernel's verdict:
         * its frames go in complete and are checked by the stack. */
        uint32_t rx_flags = 0;
        long n = l->dev.read(l->dev.ctx, l->buf, sizeof(l->buf), l->impair ? NULL : &rx_flags);
        if (n <= 0)
            break;
        if (l->impair != NULL)
            tk_impair_send(l->impair, TK_IMPAIR_TO_STACK, l->buf, (size_t)n, l->now);
        else
            to_stack(l, l->buf, (size_t)n, rx_flags, l->now);
    }
    return i;
}

/* Busy polling (tk_loop.busy_us): true when frames came in while spinning,
 * before `until` and within busy_us of now. A device without an fd (DPDK)
 * is read at least once before the loop sleeps: a sleep first would cost
 * every burst TK_LOOP_SPIN_US. */
static bool spin_input(tk_loop *l, tk_time now, tk_time until) {
    if (l->busy_us == 0 && l->dev.fd >= 0)
        return false;
    tk_time end = now + l->busy_us < until ? now + l->busy_us : until;
    do {
        if (read_burst(l) > 0)
            return true;
    } while (l->now < end);
    return false;
}

/* Waits until `until` at most for the device (when it has an fd) or the
 * extra fd; true when the device may have frames. */
static bool wait_input(tk_loop *l, int extra_fd, short extra_events, tk_time now, tk_time until,
                       short *extra_revents, int *err) {
    tk_time wait = until > now ? until - now : 0;
    if (l->dev.fd < 0 && wait > TK_LOOP_SPIN_US)
        wait = TK_LOOP_SPIN_US; /* a polled device: look again soon */
    struct timespec ts = {(time_t)(wait / 1000000u), (long)(wait % 1000000u) * 1000};
    struct pollfd pfd[2] = {{l->dev.fd, POLLIN, 0}, {extra_fd, extra_events, 0}};
    l->waits++;
    int rc = ppoll(pfd, 2, &ts, NULL);
    *err = rc < 0 && errno != EINTR ? -errno : 0;
    if (extra_revents != NULL)
        *extra_revents = rc > 0 && extra_fd >= 0 ? pfd[1].revents : 0;
    return l->dev.fd < 0 || (rc > 0 && (pfd[0].revents & POLLIN));
}

int tk_loop_step(tk_loop *l, int extra_fd, short extra_events, tk_time max_wait,
                 short *extra_revents) {
    tk_time now = tk_loop_now();
    tk_time until = earliest(l, now, max_wait);
    int err = 0;
    if (extra_revents != NULL)
        *extra_revents = 0;
    /* With an extra fd to watch the loop never spins: that fd needs ppoll. */
    if (extra_fd >= 0 || !spin_input(l, now, until)) {
        if (wait_input(l, extra_fd, extra_events, tk_loop_now(), until, extra_revents, &err))
            (void)read_burst(l);
    }
    if (err < 0)
        return err;
    l->now = tk_loop_now();
    if (l->impair != NULL)
        (void)tk_impair_deliver(l->impair, l->now, deliver, l);
    tk_stack_poll(l->stack, l->now);
    if (l->dev.flush != NULL)
        l->dev.flush(l->dev.ctx); /* one submission for the whole burst */
    return 0;
}
