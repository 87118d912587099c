/* IPv6 state of the network layer (SPEC NET-4, NET-6): the interface's
 * addresses with their duplicate-address-detection state, the neighbour
 * cache, and the ICMPv6 error rate limit. Embedded in tk_net. */
#ifndef TK_NET_IP6_H
#define TK_NET_IP6_H

#include <stdbool.h>
#include <stdint.h>

#include "net/ipfrag.h"
#include "net/nd6.h"
#include "tcpkit/types.h"

enum tk_ip6_addr_state {
    TK_IP6A_NONE = 0,
    TK_IP6A_TENTATIVE, /* DAD under way: not used, not answered for (RFC 4862 5.4) */
    TK_IP6A_PREFERRED, /* usable */
    TK_IP6A_DUPLICATE, /* DAD found another holder: never used */
};

#define TK_IP6_LINKLOCAL 0 /* index of the link-local address */
#define TK_IP6_GLOBAL    1 /* the static address (tk_config.addr6) */
#define TK_IP6_SLAAC     2 /* the address formed from a router's prefix (RFC 4862) */
#define TK_IP6_ADDRS     3

typedef struct tk_ip6_addr {
    uint8_t a[16];
    uint8_t prefix_len;
    uint8_t state;       /* enum tk_ip6_addr_state */
    uint8_t dad_left;    /* DAD solicitations still to send */
    uint8_t dad_count;   /* RFC 7217 DAD_Counter: conflicts so far (link-local, SLAAC) */
    tk_time dad_at;      /* next DAD step */
    tk_time valid_until; /* SLAAC: end of the valid lifetime; others TK_TIME_NEVER */
    bool onlink;         /* its prefix is on-link (static; SLAAC with the L flag) */
    bool joined;         /* its solicited-node group was reported (net/mld.c) */
} tk_ip6_addr;

/* ICMPv6 errors (RFC 4443 2.4 (f)): a token bucket of ERR_BURST tokens,
 * one back every ERR_INTERVAL. */
#define TK_ICMP6_ERR_BURST    10
#define TK_ICMP6_ERR_INTERVAL TK_MS(100)

/* Fragment reassembly (RFC 8200 4.5, net/ip6frag.c): the engine's table
 * keyed by source, destination and the 32-bit identification, and per
 * slot what came in front of the first fragment's data (its headers up to
 * and with the fragment header, kept in the slot's headroom of
 * TK_IP6FRAG_HDR_ROOM bytes; 0 until it came) and that fragment's length,
 * for the reassembled header and the Time Exceeded quote. */
#define TK_IP6FRAG_HDR_ROOM 256

typedef struct tk_ip6frag {
    tk_ipfrag t;
    uint16_t *hdr_len;
    uint16_t *first_len;
} tk_ip6frag;

typedef struct tk_ip6 {
    bool on;      /* tk_config.ipv6 */
    bool started; /* DAD began (at the first poll: tk_stack_init cannot send) */
    tk_ip6_addr addr[TK_IP6_ADDRS];
    uint8_t secret[16]; /* RFC 7217's secret_key, from the stack's secret */
    tk_nd6_cache *nd;   /* in the stack's memory block; NULL with IPv6 off */
    uint32_t err_tokens;
    tk_time err_refill;
    uint8_t hop_limit; /* of our packets: cfg.ip_ttl, or a router's CurHopLimit */
    /* Router discovery (RFC 4861 6.3): one default router. */
    bool has_router;
    uint8_t router[16];
    tk_time router_until;
    uint8_t rs_left; /* router solicitations still to send */
    tk_time rs_at;
    uint32_t link_mtu; /* from an RA's MTU option; 0: cfg.mtu */
    tk_ip6frag frag;   /* memory in the stack's block; no slots with IPv6 off */
} tk_ip6;

#endif
