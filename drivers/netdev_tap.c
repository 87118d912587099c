/* The TAP device behind tk_netdev. */
#include "netdev.h"

static long tap_read(void *ctx, uint8_t *buf, size_t cap, uint32_t *rx_flags) {
    return rx_flags == NULL ? tk_tap_read(ctx, buf, cap) : tk_tap_read_rx(ctx, buf, cap, rx_flags);
}

static int tap_write(void *ctx, const uint8_t *frame, size_t len, const tk_link_tx *tx) {
    return tk_tap_write_tx(ctx, frame, len, tx);
}

tk_netdev tk_netdev_tap(tk_tap *t) {
    tk_netdev d = {.ctx = t, .fd = t->fd, .read = tap_read, .write = tap_write, .flush = NULL};
    return d;
}
