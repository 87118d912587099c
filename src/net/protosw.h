/* The protocol switch between IPv4 and the transports (as FreeBSD's
 * ip_protox / pr_ctlinput): a transport registers, per IP protocol number,
 * a handler for its payloads and optionally one for ICMP errors that quote
 * its datagrams. IP delivers through this table only, so the network layer
 * names no transport and reads none of their state. The table lives in the
 * stack object; entries are set once, when the stack is created. */
#ifndef TK_NET_PROTOSW_H
#define TK_NET_PROTOSW_H

#include <stddef.h>
#include <stdint.h>

#include "tcpkit/opts.h"
#include "tcpkit/types.h"
#include "tcpkit/wire/icmp.h"
#include "tcpkit/wire/icmp6.h"
#include "tcpkit/wire/ipv4.h"
#include "tcpkit/wire/ipv6.h"

#define TK_PROTOSW_MAX 4

/* A payload for the transport: ih is the datagram's header (after
 * reassembly: its ECN field is the whole datagram's). Returns 0 or a
 * negative code of why it was dropped (counted by the transport). */
typedef int (*tk_proto_input_fn)(void *ctx, const tk_ipv4_hdr *ih, const uint8_t *p, size_t len,
                                 tk_time now);
/* An ICMP error (destination unreachable, time exceeded) whose quote q is of
 * a datagram we sent with this protocol. Returns an enum tk_icmp_effect
 * (net/icmp.h), which the network layer counts. */
typedef int (*tk_proto_ctlinput_fn)(void *ctx, const tk_icmp_hdr *h, const tk_icmp_quote *q,
                                    tk_time now);

/* A payload that came over IPv6 (SPEC NET-4): ih is the packet's header,
 * p the upper-layer payload past the extension headers. */
typedef int (*tk_proto_input6_fn)(void *ctx, const tk_ipv6_hdr *ih, const uint8_t *p, size_t len,
                                  tk_time now);
/* An ICMPv6 error (h->rest: the MTU of a Packet Too Big) whose quote q is
 * of a packet we sent with this protocol. Returns an enum tk_icmp_effect. */
typedef int (*tk_proto_ctlinput6_fn)(void *ctx, const tk_icmp_hdr *h, const tk_icmp6_quote *q,
                                     tk_time now);

typedef struct tk_protosw {
    uint8_t proto; /* IP protocol number; 0: slot free */
    tk_proto_input_fn input;
    tk_proto_ctlinput_fn ctlinput; /* NULL: errors are ignored */
#if TK_WITH_IPV6
    tk_proto_input6_fn input6; /* NULL: not over IPv6 */
    tk_proto_ctlinput6_fn ctlinput6;
#endif
    void *ctx;
} tk_protosw;

typedef struct tk_protosw_table {
    tk_protosw e[TK_PROTOSW_MAX];
} tk_protosw_table;

/* Registers (or replaces) the handlers of proto. Returns 0 or -ENOBUFS. */
int tk_protosw_register(tk_protosw_table *t, uint8_t proto, tk_proto_input_fn input,
                        tk_proto_ctlinput_fn ctlinput, void *ctx);
#if TK_WITH_IPV6
/* Adds the IPv6 handlers to proto's entry (registered first). Returns 0 or
 * -ENOENT. */
int tk_protosw_register6(tk_protosw_table *t, uint8_t proto, tk_proto_input6_fn input6,
                         tk_proto_ctlinput6_fn ctlinput6);
#endif
/* The entry of proto, or NULL. */
const tk_protosw *tk_protosw_find(const tk_protosw_table *t, uint8_t proto);

#endif
