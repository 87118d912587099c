/* A simulated point-to-point Ethernet link (SPEC NET-3).
 *
 * In memory and deterministic: every decision comes from a PRNG seeded by the
 * caller, so one seed replays the same run. Each of the two directions has
 * its own faults: loss, duplication, reordering, delay, jitter, bandwidth
 * (serialization delay behind a bounded queue), corruption (one flipped bit
 * after the Ethernet header, so an IPv4 or TCP checksum catches it),
 * scheduled outages, and ECN marking at a queue depth (RFC 3168 5).
 *
 *   tk_simlink *l; tk_simlink_create(&l, seed, 4096);
 *   tk_simlink_set_params(l, TK_SIMLINK_AB, &p);
 *   tk_simlink_send(l, TK_SIMLINK_AB, frame, len, now, &at);
 *   tk_simlink_deliver(l, now, on_frame, ctx);   // every frame due by now
 */
#ifndef TK_DRIVERS_SIMLINK_H
#define TK_DRIVERS_SIMLINK_H

#include <stddef.h>
#include <stdint.h>

#include "tcpkit/types.h"

/* The two directions. */
#define TK_SIMLINK_AB 0
#define TK_SIMLINK_BA 1

/* Largest frame the link carries (Ethernet II without FCS, 1500-byte MTU). */
#define TK_SIMLINK_MAX_FRAME 1514
/* Largest frame of a link made with tk_simlink_create_sized: a 64 KiB IP
 * packet (a TSO super-segment passed whole, as on a loopback). */
#define TK_SIMLINK_MAX_SUPER (65535 + 14)
/* Outage windows per direction. */
#define TK_SIMLINK_MAX_OUTAGES 8
/* Probabilities are in parts per million. */
#define TK_SIMLINK_PPM 1000000u

typedef struct tk_simlink_params {
    uint32_t loss_ppm;    /* frame silently lost */
    uint32_t dup_ppm;     /* frame delivered twice */
    uint32_t reorder_ppm; /* frame held back by reorder_delay, so later frames pass it */
    uint32_t corrupt_ppm; /* one bit flipped at or after byte 14 */
    tk_time delay;        /* propagation delay */
    tk_time jitter;       /* extra delay, uniform in [0, jitter] */
    tk_time reorder_delay;
    uint64_t bandwidth_bps; /* 0: infinite (no serialization delay, no queue) */
    uint32_t queue_limit;   /* frames waiting for serialization; 0: no limit */
    /* Bottleneck buffer in bytes (drop-tail): a frame that would make the
     * bytes still to serialize exceed it is dropped (a queue_drop); 0: no
     * limit. Needs bandwidth_bps. Both limits apply when both are set. */
    uint32_t queue_limit_bytes;
    /* ECN (RFC 3168 5): an IPv4 packet with ECT(0) or ECT(1) that finds at
     * least this many frames waiting for serialization is marked CE (and
     * queued); 0: never. Needs bandwidth_bps. Not-ECT packets only meet
     * queue_limit, as at a router that marks instead of dropping early. */
    uint32_t ce_threshold;
} tk_simlink_params;

/* Outcome bits of tk_simlink_send. A frame that was QUEUED may also be
 * DUPLICATED, REORDERED and CORRUPTED; the others mean it was dropped. */
#define TK_SIMLINK_QUEUED     0x01
#define TK_SIMLINK_DUPLICATED 0x02
#define TK_SIMLINK_REORDERED  0x04
#define TK_SIMLINK_CORRUPTED  0x08
#define TK_SIMLINK_LOST       0x10
#define TK_SIMLINK_DOWN       0x20 /* sent, or due to arrive, during an outage */
#define TK_SIMLINK_QUEUE_FULL 0x40 /* queue_limit reached, or no free slot */
#define TK_SIMLINK_CE_MARKED  0x80 /* queued with the IPv4 ECN field set to CE */

typedef struct tk_simlink_stats {
    uint64_t sent;      /* frames handed to send */
    uint64_t delivered; /* copies handed to the deliver callback */
    uint64_t lost;
    uint64_t duplicated;
    uint64_t reordered;
    uint64_t corrupted;
    uint64_t down_drops;
    uint64_t queue_drops;
    uint64_t ce_marked; /* ECT packets marked CE (ce_threshold) */
    uint64_t bytes_delivered;
} tk_simlink_stats;

typedef struct tk_simlink tk_simlink;

/* Called for each frame due; `dir` is the direction it travelled. The frame
 * is valid during the call only. The callback may send on the link. */
typedef void (*tk_simlink_deliver_fn)(void *ctx, int dir, const uint8_t *frame, size_t len,
                                      tk_time at);

/* A link holding at most `capacity` frames in flight (both directions).
 * Both directions start ideal: no faults, no delay. Returns 0, -EINVAL or
 * -ENOMEM. */
int tk_simlink_create(tk_simlink **out, uint64_t seed, uint32_t capacity);
/* The same for frames of up to max_frame bytes (60..TK_SIMLINK_MAX_SUPER;
 * tk_simlink_create: TK_SIMLINK_MAX_FRAME). */
int tk_simlink_create_sized(tk_simlink **out, uint64_t seed, uint32_t capacity, uint32_t max_frame);
void tk_simlink_destroy(tk_simlink *l);

/* Replaces the parameters of one direction. Returns 0 or -EINVAL. */
int tk_simlink_set_params(tk_simlink *l, int dir, const tk_simlink_params *p);
int tk_simlink_get_params(const tk_simlink *l, int dir, tk_simlink_params *out);

/* Schedules an outage [from, to) of one direction, or of both with dir -1.
 * Returns 0, -EINVAL, or -ENOBUFS when the direction has no free window. */
int tk_simlink_add_outage(tk_simlink *l, int dir, tk_time from, tk_time to);
/* True when the direction is down at time t. */
int tk_simlink_is_down(const tk_simlink *l, int dir, tk_time t);

/* Offers a frame to the link at `now`. Returns the TK_SIMLINK_* outcome bits
 * (> 0), or -EINVAL (bad direction) / -EMSGSIZE (empty or above
 * the link's largest frame). *deliver_at (may be NULL) gets the arrival time of
 * the first copy, or TK_TIME_NEVER when the frame was dropped. */
int tk_simlink_send(tk_simlink *l, int dir, const uint8_t *frame, size_t len, tk_time now,
                    tk_time *deliver_at);

/* Arrival time of the earliest frame in flight, or TK_TIME_NEVER. */
tk_time tk_simlink_next_deadline(const tk_simlink *l);

/* Hands every frame with arrival time <= now to fn, earliest first (ties in
 * send order), including frames sent by fn itself that are already due.
 * Returns the number delivered. */
uint32_t tk_simlink_deliver(tk_simlink *l, tk_time now, tk_simlink_deliver_fn fn, void *ctx);

/* Frames in flight in one direction, or both with dir -1. */
uint32_t tk_simlink_in_flight(const tk_simlink *l, int dir);

/* Discards every frame in flight (counted as lost). */
void tk_simlink_flush(tk_simlink *l);

int tk_simlink_get_stats(const tk_simlink *l, int dir, tk_simlink_stats *out);

#endif
