/* AF_XDP driver (SPEC NET-7): Ethernet frames to and from one queue of a
 * network interface through an XDP socket (libxdp's xsk API), bypassing the
 * kernel's network stack for that queue. Generic (SKB, copy) mode works on
 * any interface, veth included, so tests need no special hardware; a NIC
 * with native XDP support takes `native` for the driver hook (still copy
 * mode: frames are copied to and from the UMEM once, which is the copy the
 * stack needs anyway).
 *
 * One XDP socket per queue: a stack per queue (docs/shards.md) opens one
 * tk_xdp each. Received frames are handed out in place (tk_xdp_rx_next
 * returns a pointer into the UMEM, valid until tk_xdp_rx_done), so a frame
 * reaches tk_stack_input without a copy. */
#ifndef TK_DRIVERS_XDP_H
#define TK_DRIVERS_XDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TK_XDP_FRAME_SIZE 2048u /* one UMEM frame: an MTU 1500 frame fits */
#define TK_XDP_FRAMES     4096u /* half for receiving, half for sending */
#define TK_XDP_RING       2048u
/* Kicks per flush at most: the kernel sends a batch per kick in copy mode. */
#define TK_XDP_MAX_KICKS (TK_XDP_RING / 16u + 1u)

struct tk_xdp_impl;

typedef struct tk_xdp {
    struct tk_xdp_impl *impl;
    int fd; /* poll it for POLLIN */
    uint64_t rx_frames, tx_frames, tx_full, tx_errors;
} tk_xdp;

/* Opens an XDP socket on queue `queue` of interface `ifname` and sets the
 * interface up. native: the driver's XDP hook (fails where unsupported),
 * else generic mode. Returns 0 or a negative errno value. */
int tk_xdp_open(tk_xdp *x, const char *ifname, uint32_t queue, bool native);
/* The next received frame in place, or NULL when none is waiting. Hand it
 * back with tk_xdp_rx_done before the next call. */
const uint8_t *tk_xdp_rx_next(tk_xdp *x, size_t *len);
void tk_xdp_rx_done(tk_xdp *x);
/* Copies one frame out (what a TAP read does). Returns its length, -EAGAIN
 * when none is waiting, -EMSGSIZE when it does not fit cap (dropped). */
long tk_xdp_read(tk_xdp *x, uint8_t *buf, size_t cap);
/* Queues one frame for sending (copied into the UMEM). Returns 0, -EBUSY
 * when the transmit ring or the send frames are full (the stack keeps the
 * frame and tries again: tk_stack_io.output's busy answer), -EMSGSIZE for
 * a frame above TK_XDP_FRAME_SIZE. */
int tk_xdp_write(tk_xdp *x, const uint8_t *frame, size_t len);
/* Tells the kernel to send what tk_xdp_write queued (one system call per
 * burst) and takes back the frames it finished. */
void tk_xdp_flush(tk_xdp *x);
void tk_xdp_close(tk_xdp *x);

#endif
