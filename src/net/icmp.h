/* ICMP errors (RFC 1122 4.2.3.9, RFC 5927): destination unreachable and
 * time exceeded reach the transport whose datagram they quote through its
 * ctlinput handler (net/protosw.h), which reports what they did. */
#ifndef TK_NET_ICMP_H
#define TK_NET_ICMP_H

#include "tcpkit/types.h"
#include "tcpkit/wire/icmp.h"

/* What an ICMP error did, as a ctlinput handler reports it. */
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

#endif
