/* What `tcpkit serve` and `tcpkit connect` share: the network options
 * (--tap --addr --gw --mac --pcap --impair), bringing a stack up on a TAP
 * device, and printing the connection table. */
#ifndef TK_TOOLS_NET_SETUP_H
#define TK_TOOLS_NET_SETUP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "impair.h"
#include "loop.h"
#include "net_dev.h"
#include "pcap_writer.h"
#include "tcpkit/config.h"
#include "tcpkit/stack.h"

#define TK_NET_BUFFERS_DEFAULT (256u * 1024u)
#define TK_NET_BUFFERS_MIN     (4u * 1024u)
#define TK_NET_BUFFERS_MAX     (16u * 1024u * 1024u)
#define TK_NET_SOCKETS_MAX     1024 /* serve's table of connections */
#define TK_NET_TIME_WAIT_MAX   (1u << 20)

typedef struct tk_netopts {
    /* --addr may be given twice: an IPv4 "a.b.c.d/N" (addr) and an IPv6
     * "x:x::x/N" or "slaac" (addr6, which turns IPv6 on: SPEC NET-4; with
     * "slaac" the address comes from a router's advertisement only). */
    const char *tap, *addr, *addr6, *gw, *mac, *pcap, *impair;
    const char *xdp, *dpdk; /* --xdp IF[:Q], --dpdk 'EAL args' instead of --tap (NET-7) */
    bool offload;           /* --offload: TAP offloads both ways (drivers/tap.h, NET-7) */
    bool offload_set;       /* --offload or --no-offload given (else TK_OFFLOAD decides) */
    bool no_tso;            /* --no-tso: checksum offload only */
    /* --buffers BYTES: send and receive buffer and out-of-order budget of
     * every connection (default 256 KiB; 4 KiB to 16 MiB). */
    uint32_t buffers;
    /* --sockets N: the stack's socket pool, listeners included (default
     * the stack's 64; 2 to 1024). */
    uint32_t sockets;
    /* --time-wait N: compact TIME_WAIT entries (default the stack's 1024;
     * 0 to 1048576; when they are all taken a connection ends without one,
     * counted in time_wait_pool_full). */
    uint32_t time_wait;
    bool time_wait_set;
    /* --busy-poll US: the event loop reads the device without sleeping for
     * up to US microseconds before it waits (drivers/loop.h); 0: off. */
    uint32_t busy_us;
    /* --threads N (serve): N stacks, one per thread, each on its own queue
     * of a multiqueue TAP interface (docs/shards.md); 0 or 1: one. `shard`
     * is the stack tk_net_open opens (0..threads-1), set by the caller. */
    uint32_t threads, shard;
} tk_netopts;

/* If `a` is a network option (or --offload, --no-offload, --no-tso, --buffers, --sockets,
 * --time-wait, --busy-poll),
 * consumes it and its value and returns 0; returns 1 when it is not one, TK_CLI_USAGE when its
 * value is missing (reported). */
int tk_netopts_take(tk_netopts *o, tk_cli *c, const char *a);

/* Both network options every command needs (--tap, and --addr of either
 * family): names a missing one. Returns 0 or TK_CLI_USAGE. */
int tk_netopts_check(const tk_netopts *o, const tk_cli *c);

typedef struct tk_net {
    tk_config cfg;
    tk_netdev_state *dev; /* the device (net_dev.h) */
    tk_impair impair;
    tk_pcap_writer pcap;
    tk_loop loop;
    tk_stack *stack;
    uint64_t rng;
} tk_net;

/* Opens the device, the capture and the impairment, and creates the
 * stack. Prints the reason to stderr on failure. Returns 0 or -errno. */
int tk_net_open(tk_net *n, const tk_netopts *o);
/* Aborts what is left (RS-9), frees the stack, closes the devices. */
void tk_net_close(tk_net *n);

/* Parses "a.b.c.d" into a host-order address. Returns 0 or -EINVAL. */
int tk_parse_ipv4(const char *s, uint32_t *out);
/* "a.b.c.d:port" of an endpoint into buf. */
const char *tk_fmt_endpoint(char *buf, size_t cap, uint32_t addr, uint16_t port);
/* The same for either family: a.b.c.d:port or [x:x::x]:port. */
const char *tk_fmt_sockaddr(char *buf, size_t cap, const tk_sockaddr *a);

/* Prints the stack's IPv6 addresses with their state, one a line:
 * "ipv6 fe80::1234/64 link-local tentative". */
void tk_net_print_addrs6(FILE *f, const tk_stack *s);

/* Prints the connection table like `ss -tan`, with RTO, cwnd and timers. */
void tk_net_print_table(FILE *f, const tk_stack *s);

#endif
