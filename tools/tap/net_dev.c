/* Opening the device of `serve` / `connect` (net_dev.h). */
#include "net_dev.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef TK_HAVE_XDP
#include "xdp.h"
#endif
#ifdef TK_HAVE_DPDK
#include "dpdk.h"
#endif

struct tk_netdev_state {
    tk_tap tap;
#ifdef TK_HAVE_XDP
    tk_xdp xdp;
#endif
#ifdef TK_HAVE_DPDK
    tk_dpdk dpdk;
#endif
    int kind; /* 0 TAP, 1 AF_XDP, 2 DPDK */
};

bool tk_netdev_have_xdp(void) {
#ifdef TK_HAVE_XDP
    return true;
#else
    return false;
#endif
}

bool tk_netdev_have_dpdk(void) {
#ifdef TK_HAVE_DPDK
    return true;
#else
    return false;
#endif
}

/* NIC drivers send frames as the stack made them: no offload requests
 * (the stack's link_caps stay 0 for them). */
#ifdef TK_HAVE_XDP
static long xdp_read(void *ctx, uint8_t *buf, size_t cap, uint32_t *rx_flags) {
    if (rx_flags != NULL)
        *rx_flags = 0;
    return tk_xdp_read(ctx, buf, cap);
}
static int xdp_write(void *ctx, const uint8_t *frame, size_t len, const tk_link_tx *tx) {
    return tx != NULL && tx->flags != 0 ? -EINVAL : tk_xdp_write(ctx, frame, len);
}
static void xdp_flush(void *ctx) {
    tk_xdp_flush(ctx);
}

/* "IF" or "IF:QUEUE". */
static int open_xdp(tk_netdev_state *st, const char *spec, tk_netdev *dev) {
    char name[64];
    snprintf(name, sizeof name, "%s", spec);
    char *colon = strchr(name, ':');
    uint32_t queue = 0;
    if (colon != NULL) {
        *colon = '\0';
        queue = (uint32_t)strtoul(colon + 1, NULL, 10);
    }
    int rc = tk_xdp_open(&st->xdp, name, queue, false);
    if (rc < 0) {
        fprintf(stderr, "tcpkit: AF_XDP %s queue %u: %s\n", name, queue, strerror(-rc));
        return rc;
    }
    *dev = (tk_netdev){&st->xdp, st->xdp.fd, xdp_read, xdp_write, xdp_flush};
    st->kind = 1;
    return 0;
}
#endif

#ifdef TK_HAVE_DPDK
static long dpdk_read(void *ctx, uint8_t *buf, size_t cap, uint32_t *rx_flags) {
    if (rx_flags != NULL)
        *rx_flags = 0;
    return tk_dpdk_read(ctx, buf, cap);
}
static int dpdk_write(void *ctx, const uint8_t *frame, size_t len, const tk_link_tx *tx) {
    return tx != NULL && tx->flags != 0 ? -EINVAL : tk_dpdk_write(ctx, frame, len);
}
static void dpdk_flush(void *ctx) {
    tk_dpdk_flush(ctx);
}

static int open_dpdk(tk_netdev_state *st, const char *args, tk_netdev *dev) {
    int rc = tk_dpdk_open(&st->dpdk, args);
    if (rc < 0) {
        fprintf(stderr, "tcpkit: DPDK '%s': %s\n", args, strerror(-rc));
        return rc;
    }
    *dev = (tk_netdev){&st->dpdk, -1, dpdk_read, dpdk_write, dpdk_flush};
    st->kind = 2;
    return 0;
}
#endif

static int open_tap(tk_netdev_state *st, const tk_netdev_opts *o, tk_netdev *dev) {
    int rc = tk_tap_open_queue(&st->tap, o->tap, o->offload, o->multi_queue);
    if (rc < 0) {
        fprintf(stderr, "tcpkit: TAP %s: %s\n", o->tap, strerror(-rc));
        return rc;
    }
    *dev = tk_netdev_tap(&st->tap);
    return 0;
}

int tk_netdev_open_dev(const tk_netdev_opts *o, tk_netdev *dev, tk_netdev_state **state) {
    tk_netdev_state *st = calloc(1, sizeof *st);
    if (st == NULL)
        return -ENOMEM;
    st->tap.fd = -1;
    *state = st;
    if (o->tap != NULL)
        return open_tap(st, o, dev);
#ifdef TK_HAVE_XDP
    if (o->xdp != NULL)
        return open_xdp(st, o->xdp, dev);
#endif
#ifdef TK_HAVE_DPDK
    if (o->dpdk != NULL)
        return open_dpdk(st, o->dpdk, dev);
#endif
    fprintf(stderr, "tcpkit: no device (--tap, --xdp or --dpdk)\n");
    return -EINVAL;
}

void tk_netdev_close_dev(tk_netdev_state *st) {
    if (st == NULL)
        return;
#ifdef TK_HAVE_XDP
    if (st->kind == 1)
        tk_xdp_close(&st->xdp);
#endif
#ifdef TK_HAVE_DPDK
    if (st->kind == 2)
        tk_dpdk_close(&st->dpdk);
#endif
    tk_tap_close(&st->tap);
    free(st);
}
