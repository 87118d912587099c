/* A frame device the event loop (drivers/loop.h) drives: the TAP device,
 * and the drivers for real NICs (SPEC NET-7: drivers/xdp, drivers/dpdk),
 * each behind the same four operations. */
#ifndef TK_DRIVERS_NETDEV_H
#define TK_DRIVERS_NETDEV_H

#include <stddef.h>
#include <stdint.h>

#include "tap.h"
#include "tcpkit/link.h"

typedef struct tk_netdev {
    void *ctx;
    /* Poll it for POLLIN; -1: a device without one (DPDK), which the loop
     * polls at least every TK_LOOP_SPIN_US. */
    int fd;
    /* One frame into buf: its length, -EAGAIN when none is waiting. With
     * rx_flags NULL the frame comes with its checksums complete (the
     * impairment may still damage it); else *rx_flags gets TK_RX_* bits. */
    long (*read)(void *ctx, uint8_t *buf, size_t cap, uint32_t *rx_flags);
    /* One frame out, with its offload request (tx NULL: none). 0, -EBUSY
     * when the device is full (the stack sends it later), or -errno. */
    int (*write)(void *ctx, const uint8_t *frame, size_t len, const tk_link_tx *tx);
    /* Sends what write queued; NULL when every write goes out at once. */
    void (*flush)(void *ctx);
} tk_netdev;

/* The TAP device t as a tk_netdev. */
tk_netdev tk_netdev_tap(tk_tap *t);

#endif
