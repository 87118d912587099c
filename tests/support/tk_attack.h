/* A small network for attack tests: several stacks on one Ethernet segment
 * with a fixed one-way latency, on virtual time, and an attacker who writes
 * any frame it likes. Frames for a MAC no stack owns (the gateway that
 * spoofed off-link sources sit behind) are counted and dropped. */
#ifndef TK_TESTS_ATTACK_H
#define TK_TESTS_ATTACK_H

#include <stddef.h>
#include <stdint.h>

#include "tcpkit/config.h"
#include "tcpkit/stack.h"
#include "tcpkit/wire/tcp.h"

#define TKA_MAX_STACKS 4
#define TKA_QMAX       8192
#define TKA_FRAME_MAX  1600
#define TKA_GATEWAY    0xc61200feu /* 198.18.0.254: behind it, 198.19.0.0/16 */

typedef struct tka_frame {
    tk_time at;
    int to;
    size_t len;
    uint8_t buf[TKA_FRAME_MAX];
} tka_frame;

typedef struct tka_net tka_net;
typedef struct tka_port {
    tka_net *net;
    int idx;
} tka_port;

struct tka_net {
    tk_stack *st[TKA_MAX_STACKS];
    tk_config cfg[TKA_MAX_STACKS];
    tka_port port[TKA_MAX_STACKS];
    uint64_t out_frames[TKA_MAX_STACKS]; /* frames each stack sent */
    int n;
    tk_time now, latency;
    uint32_t rng;
    tka_frame *q; /* FIFO ring: constant latency keeps it in time order */
    uint32_t head, count;
    uint64_t offlink; /* frames to the gateway (to spoofed sources) */
    uint64_t queue_drops;
};

/* A /24 config for 198.18.0.<host> (gateway 198.18.0.254), MAC 02:..:host. */
void tka_config(tk_config *cfg, uint8_t host);
void tka_init(tka_net *net, tk_time latency, uint32_t seed);
/* Adds a stack; every stack knows the others (and the gateway) statically. */
int tka_add(tka_net *net, const tk_config *cfg);
void tka_fini(tka_net *net);
/* Delivers frames and runs timers up to t. */
void tka_run_until(tka_net *net, tk_time t);
uint32_t tka_random(tka_net *net);
/* A TCP segment in an Ethernet frame to stack `to` from src (any address),
 * handed to it now. Returns tk_stack_input's result. */
int tka_inject_tcp(tka_net *net, int to, uint32_t src, const tk_tcp_hdr *th, const void *data,
                   size_t len);

#endif
