/* Linux TAP device (SPEC NET-2): Ethernet frames to and from the kernel
 * through /dev/net/tun with IFF_TAP | IFF_NO_PI, one frame per read/write. */
#ifndef TK_DRIVERS_TAP_H
#define TK_DRIVERS_TAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* The same with receive offloads (IFF_VNET_HDR; TUN_F_CSUM | TUN_F_TSO4):
 * the kernel may hand over TCP segments of up to 64 KiB (its TSO) with the
 * checksum left to the reader; tk_tap_read completes it, so the stack sees
 * an ordinary, if large, frame. Reads then need a 64 KiB + 14 byte buffer. */
int tk_tap_open_offload(tk_tap *t, const char *name);

/* Reads one frame. Returns its length, -EAGAIN when none is waiting, or
 * another negative errno value. */
long tk_tap_read(tk_tap *t, uint8_t *buf, size_t cap);

/* Writes one frame. Returns 0 or a negative errno value (counted). */
int tk_tap_write(tk_tap *t, const uint8_t *frame, size_t len);

void tk_tap_close(tk_tap *t);

#endif
