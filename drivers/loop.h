/* The event loop for a stack on a frame device (TAP, AF_XDP, DPDK:
 * drivers/netdev.h): poll the device (and one optional application fd)
 * until the stack's next deadline, feed received frames in, run the
 * stack's timers, and flush what the stack wrote in one submission. Time is CLOCK_MONOTONIC in
 * microseconds. Optional: a pcap tee of every frame in and out at the
 * stack's boundary, and a fault-injecting wrapper (drivers/impair.h). */
#ifndef TK_DRIVERS_LOOP_H
#define TK_DRIVERS_LOOP_H

#include <stdint.h>

#include "impair.h"
#include "netdev.h"
#include "pcap_writer.h"
#include "tcpkit/stack.h"

#define TK_LOOP_FRAME_MAX (65536 + 64) /* a 64 KiB segment from TAP offloads */
#define TK_LOOP_BURST     256          /* frames read per wake-up at most (until EAGAIN) */
#define TK_LOOP_SEG_MAX   (9216 + 14)  /* a frame cut from a super-segment (capture, impair) */
#define TK_LOOP_SPIN_US   50           /* longest sleep on a device without an fd (DPDK) */

typedef struct tk_loop {
    tk_stack *stack; /* set after tk_stack_create */
    tk_netdev dev;
    tk_impair *impair;    /* NULL: frames pass untouched */
    tk_pcap_writer *pcap; /* NULL: no capture */
    uint64_t frames_in, frames_out;
    uint64_t waits; /* times the loop slept in ppoll */
    /* Busy polling: before it sleeps, the loop reads the device (one with
     * an fd) without sleeping for up to busy_us microseconds, as Linux's
     * SO_BUSY_POLL does; a frame then costs no wake-up. 0: never spin. */
    tk_time busy_us;
    tk_time now; /* read once per burst of frames in, and before each poll */
    uint8_t buf[TK_LOOP_FRAME_MAX];
    uint8_t seg[TK_LOOP_SEG_MAX];
} tk_loop;

/* CLOCK_MONOTONIC in microseconds. */
tk_time tk_loop_now(void);

/* The stack's output callback (tk_stack_io.output) with ctx = the loop. */
int tk_loop_output(void *ctx, const uint8_t *frame, size_t len);
/* The same with offload requests (tk_stack_io.output_offload, NET-7): the
 * device finishes them (TAP: tk_tap_open_offload); the capture and the
 * impairment see the frames as the wire carries them (drivers/gso.h). */
int tk_loop_output_tx(void *ctx, const uint8_t *frame, size_t len, const tk_link_tx *tx);

/* Waits at most max_wait (and never past the stack's next deadline) for
 * frames or for extra_fd (-1: none) to have extra_events; processes what
 * arrived and runs due timers. *extra_revents (may be NULL) gets extra_fd's
 * poll revents. Returns 0, or a negative errno value when poll fails for a
 * reason other than a signal. */
int tk_loop_step(tk_loop *l, int extra_fd, short extra_events, tk_time max_wait,
                 short *extra_revents);

#endif
