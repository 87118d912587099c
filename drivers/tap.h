/* Linux TAP device (SPEC NET-2): Ethernet frames to and from the kernel
 * through /dev/net/tun with IFF_TAP | IFF_NO_PI, one frame per read/write,
 * optionally with virtio-net offloads (NET-7). */
#ifndef TK_DRIVERS_TAP_H
#define TK_DRIVERS_TAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpkit/link.h"

#define TK_TAP_NAME_MAX 16 /* IFNAMSIZ */

typedef struct tk_tap {
    int fd;
    char name[TK_TAP_NAME_MAX];
    bool offload; /* frames carry a virtio_net_hdr (tk_tap_open_offload) */
    uint64_t rx_frames, tx_frames, tx_errors;
} tk_tap;

/* Creates (or attaches to) the TAP interface `name`, non-blocking, and sets
 * it administratively up. Returns 0 or a negative errno value. */
int tk_tap_open(tk_tap *t, const char *name);

/* The same with offloads (IFF_VNET_HDR; TUNSETOFFLOAD TUN_F_CSUM |
 * TUN_F_TSO4 | TUN_F_TSO6, SPEC NET-7): every frame carries a virtio-net header. The
 * kernel may hand over TCP segments of up to 64 KiB (its TSO) with the
 * checksum left partial or already verified (tk_tap_read_rx reports both
 * as TK_RX_CSUM_VALID); the stack may hand the kernel super-segments and
 * partial checksums (tk_tap_write_tx: a stack configured with link_caps
 * TK_LINK_CSUM_TCP | TK_LINK_TSO4 | TK_LINK_TSO6). Reads need a 64 KiB + 14
 * byte buffer. */
int tk_tap_open_offload(tk_tap *t, const char *name);

/* One queue of a multiqueue TAP interface (IFF_MULTI_QUEUE) when
 * multi_queue, with offloads when offload: each call attaches one more queue
 * (its own fd) to `name`, the first creates it. The kernel gives every flow
 * to one queue: by a hash of its addresses and ports at first, then to the
 * queue its frames were last written on (tun's automatic flow steering), so
 * a stack per queue owns its connections (docs/shards.md). */
int tk_tap_open_queue(tk_tap *t, const char *name, bool offload, bool multi_queue);

/* Reads one frame. Returns its length, -EAGAIN when none is waiting, or
 * another negative errno value. *rx_flags gets TK_RX_CSUM_VALID when the
 * kernel vouched for the TCP checksum (offload mode only). */
long tk_tap_read_rx(tk_tap *t, uint8_t *buf, size_t cap, uint32_t *rx_flags);

/* The same for a caller that cannot pass flags on: a partial checksum is
 * completed here. */
long tk_tap_read(tk_tap *t, uint8_t *buf, size_t cap);

/* Writes one frame with the stack's offload requests (NULL or flags 0:
 * a complete frame; requests need offload mode, else -EINVAL). Returns 0
 * or a negative errno value (counted). */
int tk_tap_write_tx(tk_tap *t, const uint8_t *frame, size_t len, const tk_link_tx *tx);

/* The virtio-net header for a frame with the stack's offload requests
 * (tcpkit/link.h mirrors its fields): NEEDS_CSUM with csum_start/offset,
 * GSO_TCPV4 or GSO_TCPV6 (| GSO_ECN when the frame has CWR) with gso_size
 * and hdr_len;
 * all zero for a complete frame (tx NULL or flags 0). */
struct virtio_net_hdr;
void tk_tap_vnet_hdr(struct virtio_net_hdr *h, const uint8_t *frame, size_t len,
                     const tk_link_tx *tx);

/* Writes one complete frame. */
int tk_tap_write(tk_tap *t, const uint8_t *frame, size_t len);

void tk_tap_close(tk_tap *t);

#endif
