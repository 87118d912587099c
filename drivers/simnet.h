/* Two stacks on one simulated link, driven by an event loop on virtual time.
 *
 * Stack A (198.18.0.1, the client side by convention) and stack B
 * (198.18.0.2) know each other's MAC statically and exchange frames through a
 * tk_simlink. Time only moves inside tk_simnet_step/run_*: each step jumps to
 * the earliest of the link's next arrival and the stacks' next deadlines, so a
 * simulated hour takes milliseconds (SPEC TM-2). Everything random (link
 * faults, ISN secrets, ports) derives from one seed: a run replays exactly.
 *
 *   tk_simnet_opts o; tk_simnet_opts_default(&o, seed);
 *   tk_simnet *n; tk_simnet_create(&n, &o);
 *   sd = tk_socket(tk_simnet_stack(n, TK_SIM_A)); ... tk_simnet_poll(n);
 *   tk_simnet_run_for(n, TK_SEC(1));
 */
#ifndef TK_DRIVERS_SIMNET_H
#define TK_DRIVERS_SIMNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "simlink.h"
#include "tcpkit/config.h"
#include "tcpkit/stack.h"
#include "tcpkit/trace.h"

#define TK_SIM_A      0
#define TK_SIM_B      1
#define TK_SIM_ADDR_A 0xc6120001u /* 198.18.0.1 */
#define TK_SIM_ADDR_B 0xc6120002u /* 198.18.0.2 */

/* Where a frame was seen: leaving a stack, or arriving at one. */
#define TK_SIM_TX 0
#define TK_SIM_RX 1

typedef struct tk_simnet tk_simnet;

/* A trace event of one side's stack (the stack's own hook, tagged). */
typedef void (*tk_simnet_trace_fn)(void *ctx, int side, const tk_trace_event *ev);
/* A frame leaving `side` (TK_SIM_TX, with the link's TK_SIMLINK_* outcome
 * bits) or arriving at it (TK_SIM_RX, outcome 0). */
typedef void (*tk_simnet_frame_fn)(void *ctx, int side, int where, const uint8_t *frame, size_t len,
                                   tk_time now, int outcome);

/* A frame as `side`'s stack handed it to the link, with its offload
 * requests (NET-7: a TSO super-segment before the link cuts it). */
typedef void (*tk_simnet_tx_fn)(void *ctx, int side, const uint8_t *frame, size_t len,
                                const tk_link_tx *tx);

typedef struct tk_simnet_opts {
    uint64_t seed;
    tk_config cfg[2];       /* per side; defaults with the addresses filled */
    tk_simlink_params link; /* both directions; change one with tk_simlink_set_params */
    uint32_t link_capacity; /* frames in flight: 1024 */
    tk_simnet_trace_fn on_trace;
    tk_simnet_frame_fn on_frame;
    tk_simnet_tx_fn on_tx; /* optional */
    void *ctx;
    /* The link as a host's loopback (Linux's lo): both stacks get
     * link_caps TK_LINK_CSUM_TCP | TK_LINK_TSO4 | TK_LINK_TSO6, their
     * super-segments (up to 64 KiB) travel whole, and no TCP checksum is
     * computed or verified (frames arrive with TK_RX_CSUM_VALID; the
     * checksum field holds the pseudo-header sum). For benchmarks: frame
     * callbacks and captures see those frames as they are. */
    bool loopback;
} tk_simnet_opts;

/* Default config for both sides (addresses, MACs, /24 netmask) and a link
 * with a 10 ms one-way delay and no faults. */
void tk_simnet_opts_default(tk_simnet_opts *o, uint64_t seed);

/* Returns 0, or a negative errno from the link or a stack. */
int tk_simnet_create(tk_simnet **out, const tk_simnet_opts *o);
/* Destroys both stacks (RS-9 RSTs are discarded) and the link. */
void tk_simnet_destroy(tk_simnet *n);

tk_stack *tk_simnet_stack(tk_simnet *n, int side);
tk_simlink *tk_simnet_link(tk_simnet *n);
tk_time tk_simnet_now(const tk_simnet *n);
uint32_t tk_simnet_addr(int side);

/* Crash and restart of one side: its stack vanishes without sending anything
 * and a fresh one (same config, new random stream) takes its place. Returns 0
 * or a negative errno. */
int tk_simnet_restart(tk_simnet *n, int side);

/* Polls both stacks at the current time; call after socket calls so the
 * work they queued is sent. */
void tk_simnet_poll(tk_simnet *n);

/* The time of the next event (link arrival or stack deadline), or
 * TK_TIME_NEVER. */
tk_time tk_simnet_next_event(const tk_simnet *n);

/* Advances to the next event if it is at or before `limit` and processes
 * every event due then; returns true. Otherwise moves the clock to `limit`
 * (if later than now) and returns false. */
bool tk_simnet_step(tk_simnet *n, tk_time limit);

/* Runs every event up to now + dt and leaves the clock at now + dt. */
void tk_simnet_run_for(tk_simnet *n, tk_time dt);

/* Runs until cond(ctx) is true (checked before each step) or the clock would
 * pass `deadline`; returns whether cond became true. */
bool tk_simnet_run_until(tk_simnet *n, bool (*cond)(void *ctx), void *ctx, tk_time deadline);

/* Number of events processed so far (a cheap progress measure). */
uint64_t tk_simnet_steps(const tk_simnet *n);

/* True when the clock stopped moving: more than 100,000 steps at one instant
 * (a stack whose deadline stays in the past). Steps then do nothing. */
bool tk_simnet_stalled(const tk_simnet *n);

#endif
