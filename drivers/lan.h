/* A small network: several stacks on one Ethernet segment with a fixed
 * one-way latency, on virtual time, and an attacker who writes any frame it
 * likes (the attack tests, `tcpkit bench attack`). Frames for a MAC no stack owns (the gateway that
 * spoofed off-link sources sit behind) are counted and dropped. */
#ifndef TK_DRIVERS_LAN_H
#define TK_DRIVERS_LAN_H

#include <stddef.h>
#include <stdint.h>

#include "tcpkit/config.h"
#include "tcpkit/stack.h"
#include "tcpkit/wire/tcp.h"

#define TK_LAN_MAX_STACKS 4
#define TK_LAN_QMAX       8192
#define TK_LAN_FRAME_MAX  1600
#define TK_LAN_GATEWAY    0xc61200feu /* 198.18.0.254: behind it, 198.19.0.0/16 */

typedef struct tk_lan_frame {
    tk_time at;
    int to;
    size_t len;
    uint8_t buf[TK_LAN_FRAME_MAX];
} tk_lan_frame;

typedef struct tk_lan tk_lan;
typedef struct tk_lan_port {
    tk_lan *net;
    int idx;
} tk_lan_port;

struct tk_lan {
    tk_stack *st[TK_LAN_MAX_STACKS];
    tk_config cfg[TK_LAN_MAX_STACKS];
    tk_lan_port port[TK_LAN_MAX_STACKS];
    uint64_t out_frames[TK_LAN_MAX_STACKS]; /* frames each stack sent */
    int n;
    tk_time now, latency;
    uint32_t rng;
    tk_lan_frame *q; /* FIFO ring: constant latency keeps it in time order */
    uint32_t head, count;
    uint64_t offlink; /* frames to the gateway (to spoofed sources) */
    uint64_t queue_drops;
};

/* A /24 config for 198.18.0.<host> (gateway 198.18.0.254), MAC 02:..:host. */
void tk_lan_config(tk_config *cfg, uint8_t host);
/* Returns 0 or -ENOMEM. */
int tk_lan_init(tk_lan *net, tk_time latency, uint32_t seed);
/* Adds a stack; every stack knows the others (and the gateway) statically.
 * Returns its index or a negative errno. */
int tk_lan_add(tk_lan *net, const tk_config *cfg);
void tk_lan_fini(tk_lan *net);
/* Delivers frames and runs timers up to t. */
void tk_lan_run_until(tk_lan *net, tk_time t);
uint32_t tk_lan_random(tk_lan *net);
/* Writes Ethernet + IPv4 (TTL 64) + the TCP segment into buf; returns the
 * frame's length or -EINVAL when it does not fit. */
int tk_lan_tcp_frame(uint8_t *buf, size_t cap, const uint8_t dmac[6], const uint8_t smac[6],
                     uint32_t src, uint32_t dst, const tk_tcp_hdr *th, const void *data,
                     size_t len);
/* A TCP segment in an Ethernet frame to stack `to` from src (any address),
 * handed to it now. Returns tk_stack_input's result. */
int tk_lan_inject_tcp(tk_lan *net, int to, uint32_t src, const tk_tcp_hdr *th, const void *data,
                      size_t len);

#endif
