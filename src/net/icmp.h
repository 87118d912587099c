/* ICMP errors for TCP (RFC 1122 4.2.3.9, RFC 5927): destination unreachable
 * and time exceeded are matched to a connection through the quoted header
 * and become a hard error (the connection fails) or a soft one (counted;
 * retransmission carries on). */
#ifndef TK_NET_ICMP_H
#define TK_NET_ICMP_H

#include "tcpkit/types.h"
#include "tcpkit/wire/icmp.h"

struct tk_stack;

/* What an ICMP error does to a TCP connection. */
enum tk_icmp_effect {
    TK_ICMP_IGNORED = 0, /* no connection, or the quoted sequence is not in flight */
    TK_ICMP_SOFT,        /* noted; the connection goes on */
    TK_ICMP_HARD,        /* the connection failed (SYN_SENT only, RFC 5927 4.1) */
    TK_ICMP_PMTU,        /* fragmentation needed: the MSS was lowered */
};

/* The errno a soft error stands for: reported instead of ETIMEDOUT when the
 * connection later times out (RFC 1122 4.2.3.9), 0 for none. */
int tk_icmp_soft_errno(uint8_t type, uint8_t code);

/* The errno a hard error reports, or 0 when type/code is soft. */
int tk_icmp_hard_errno(uint8_t type, uint8_t code);

/* Applies an ICMP error (type 3 or 11) to the TCP connection it quotes.
 * Returns an enum tk_icmp_effect, or a negative tk_wire_err when the quote
 * is malformed. */
int tk_icmp_tcp_error(struct tk_stack *s, const tk_icmp_hdr *h, tk_time now);

#endif
