/* The stack object. It is sans-I/O: frames and the current time go in,
 * frames come out through a callback, and nothing else touches the world.
 *
 *   tk_config cfg; tk_config_default(&cfg); cfg.addr = ...;
 *   tk_stack_io io = {.output = send_frame, .random = rng, .ctx = me};
 *   tk_stack *s; int rc = tk_stack_create(&s, &cfg, &io);
 *   loop: tk_stack_input(s, frame, len, now) for each frame received;
 *         tk_stack_poll(s, now) after socket calls and when
 *         now >= tk_stack_next_deadline(s).
 *
 * Re-entrancy: one stack is one thread's (or one lock's). output is called
 * from inside tk_stack_input and tk_stack_poll, so it must not call either
 * of them on the same stack: a frame for a stack must wait until the call
 * that produced it returned (queue it, as examples/two_stacks.c does).
 * Such a nested call changes nothing and returns -EDEADLK. Socket calls
 * from inside output are not allowed either. docs/porting.md has the rest
 * of the driver contract.
 */
#ifndef TCPKIT_STACK_H
#define TCPKIT_STACK_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "trace.h"
#include "types.h"

typedef struct tk_stack tk_stack;

typedef struct tk_stack_io {
    /* Sends one Ethernet frame. Called synchronously from input/poll; the
     * buffer is only valid during the call. Returns 0 when the driver took
     * the frame; -EBUSY (or -EAGAIN) when it cannot now (its ring or FIFO is
     * full): the stack keeps the frame (tk_config.tx_backlog_frames), sends
     * later frames behind it, and offers it again at the next
     * tk_stack_poll (tk_stack_next_deadline asks for one within 1 ms).
     * Any other negative value drops the frame (counted in tx_errors). */
    int (*output)(void *ctx, const uint8_t *frame, size_t len);
    /* 32 random bits (ISN secret, ports, SYN cookie secret). Seed it for
     * replayable simulations. */
    uint32_t (*random)(void *ctx);
    tk_trace_fn trace; /* optional */
    void *ctx;
    /* Optional, and needed for tk_config.link_caps (SPEC NET-7,
     * tcpkit/link.h): when set it replaces output, with the same contract,
     * and says per frame what the link must finish (tx->flags 0: nothing;
     * the frame is complete). A TSO frame may be up to 14 + link_tso_max
     * bytes. */
    int (*output_offload)(void *ctx, const uint8_t *frame, size_t len, const tk_link_tx *tx);
} tk_stack_io;

/* Bytes of memory a stack with this configuration needs (all pools). */
size_t tk_stack_mem_size(const tk_config *cfg);

/* Creates a stack inside a caller-supplied block of tk_stack_mem_size() bytes
 * (aligned to 16). Returns 0, -EINVAL (cfg refused by tk_config_valid or
 * tk_config_addressed: an address 0 or a zero MAC without cfg.unnumbered,
 * for instance; or no output; or link_caps without output_offload) or -ENOMEM (block too small). */
int tk_stack_init(tk_stack **out, void *mem, size_t mem_len, const tk_config *cfg,
                  const tk_stack_io *io);

/* The same with a block from malloc; tk_stack_destroy frees it. */
int tk_stack_create(tk_stack **out, const tk_config *cfg, const tk_stack_io *io);

/* Aborts every connection with RST where the peer could otherwise wait
 * forever (SPEC RS-9), then releases the stack (freeing its block if
 * tk_stack_create made it). */
void tk_stack_destroy(tk_stack *s, tk_time now);

/* Processes one received Ethernet frame. Bad frames are dropped and counted.
 * Returns 0, or a negative code naming why the frame was dropped (an errno
 * value or a tcpkit/wire/err.h code; tk_strerror names both), or -EDEADLK
 * when called from inside output (the frame is not looked at). */
int tk_stack_input(tk_stack *s, const uint8_t *frame, size_t len, tk_time now);

/* The same for a driver that knows more about the frame: rx_flags
 * TK_RX_CSUM_VALID (tcpkit/link.h) when the link verified the TCP
 * checksum, so the stack does not sum the segment again. */
int tk_stack_input_rx(tk_stack *s, const uint8_t *frame, size_t len, uint32_t rx_flags,
                      tk_time now);

/* Offers the transmit backlog to the driver again, runs due timers and
 * sends whatever the socket calls since the last poll queued (SYNs, data,
 * FINs, window updates). Returns 0, or -EDEADLK from inside output. */
int tk_stack_poll(tk_stack *s, tk_time now);

/* The earliest time at which tk_stack_poll has work, or TK_TIME_NEVER.
 * Not const: connection timers are requeued lazily (a deadline that moves
 * later is corrected only when it reaches the head of the queue), and this
 * call does that correction so the answer is exact. Called from inside
 * output it skips the correction and may answer early, never late. */
tk_time tk_stack_next_deadline(tk_stack *s);

/* The settings in use, and a change of them while the stack runs (like
 * sysctl). Fields that size the memory block or name the interface (addr,
 * netmask, mac, mtu, max_sockets, max_time_wait, rcvbuf, sndbuf, ARP and
 * fragment table sizes) must stay as they are: -EINVAL otherwise, or for an
 * invalid value. New values apply to what happens next; existing connections
 * keep the keepalive times and RTO bounds they started with. */
const tk_config *tk_stack_config(const tk_stack *s);
int tk_stack_set_config(tk_stack *s, const tk_config *cfg);

/* The interface's IPv6 addresses (SPEC NET-4, NET-6): index 0 the
 * link-local one (RFC 7217), 1 the static one (tk_config.addr6), 2 the
 * one formed from a router's prefix (SLAAC, RFC 4862). Fills
 * *out (TK_AF_INET6, port 0, scope_id 1 for the link-local address) and
 * returns 1 when the address is usable, 0 while duplicate address
 * detection runs, -EADDRINUSE when it found the address on another node,
 * -ENOENT when there is none (or tk_config.ipv6 is off, or IPv6 is
 * compiled out: TK_WITH_IPV6 0). */
int tk_stack_ipv6_addr(const tk_stack *s, int index, tk_sockaddr *out);

/* Adds a static neighbour (until ARP resolves addresses). */
int tk_stack_add_neighbor(tk_stack *s, uint32_t addr, const uint8_t mac[6]);

#endif
