/* The device `serve` and `connect` run on (SPEC NET-2, NET-7): a TAP
 * interface (--tap), one queue of a NIC through AF_XDP (--xdp IF[:Q]), or
 * a DPDK port (--dpdk 'EAL arguments'), each as a tk_netdev for the loop.
 * The NIC drivers exist when the build found their libraries. */
#ifndef TK_TOOLS_NET_DEV_H
#define TK_TOOLS_NET_DEV_H

#include <stdbool.h>

#include "netdev.h"
#include "tap.h"

typedef struct tk_netdev_opts {
    const char *tap, *xdp, *dpdk;
    bool offload, no_tso;
    bool multi_queue; /* TAP: one queue of a multiqueue interface (tk_tap_open_queue) */
} tk_netdev_opts;

typedef struct tk_netdev_state tk_netdev_state;

/* True when this build has the AF_XDP / DPDK driver. */
bool tk_netdev_have_xdp(void);
bool tk_netdev_have_dpdk(void);
/* Opens the device o names into *dev (prints why not). Returns 0 or
 * -errno; *state is released by tk_netdev_close_dev. */
int tk_netdev_open_dev(const tk_netdev_opts *o, tk_netdev *dev, tk_netdev_state **state);
void tk_netdev_close_dev(tk_netdev_state *state);

#endif
