/* Compact TIME_WAIT entries (SPEC CM-9, CM-10, CM-11). A connection that
 * reaches TIME_WAIT without a descriptor keeps only what it needs to answer
 * a retransmitted FIN, in its own pool, on a FIFO list in expiry order. */
#ifndef TK_TCP_TIMEWAIT_H
#define TK_TCP_TIMEWAIT_H

#include <stdbool.h>
#include <stdint.h>

#include "tcp/tcb.h"

/* 48 bytes. The local address is not kept: a connection's is always the
 * stack's own (cfg.addr, fixed while the stack runs), and those 4 bytes hold
 * what the ACKs and RSTs of a TIME_WAIT connection need besides (the
 * socket's IP_TTL and IP_TOS, the peer's UDP port when encapsulated). */
typedef struct tk_tw {
    tk_time expiry;
    uint32_t raddr;
    uint16_t lport, rport;
    uint32_t snd_nxt, rcv_nxt;
    uint32_t ts_recent;
    uint32_t hash_next, fifo_next, fifo_prev;
    uint16_t win;        /* raw window field for our ACKs */
    uint8_t flags;       /* TK_TW_TS, TK_TW_MD5 */
    uint8_t ip_ttl;      /* the socket's IP_TTL */
    uint16_t encap_port; /* the peer's UDP port (tcp/encap.c); 0: plain TCP */
    uint8_t ip_tos;      /* the socket's IP_TOS */
    uint8_t laddr6;      /* TK_TW_V6: which of our IPv6 addresses (net/ip6.h slot) */
} tk_tw;
_Static_assert(sizeof(tk_tw) == 48, "TIME_WAIT entries stay 48 bytes (docs/engine.md)");

#define TK_TW_TS  0x01
#define TK_TW_MD5 0x02 /* TCP_MD5SIG: segments must be signed (RFC 2385) */
/* IPv6 (tcp/addr6.h): raddr is the peer's fold and laddr6 our address's
 * slot, so the entry stays 48 bytes; replies go to the segment's source. */
#define TK_TW_V6 (TK_WITH_IPV6 ? 0x04 : 0)
/* The local key an IPv6 entry is hashed under, by address slot. */
#define TK_TW_V6_KEY(slot) (0xffffff00u | (uint32_t)(slot))

/* Moves an orphaned TCB into a TIME_WAIT entry for the rest of 2MSL. The TCB
 * is freed. Returns false when the pool was full (counted; no TIME_WAIT). */
bool tk_tw_from_tcb(struct tk_stack *s, tk_tcb *tp, tk_time expiry);
tk_tw *tk_tw_lookup(const struct tk_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
                    uint16_t rport);
/* The IPv6 entry for our address l6 and the peer's fold rfold. */
tk_tw *tk_tw_lookup6(const struct tk_stack *s, const uint8_t l6[16], uint16_t lport, uint32_t rfold,
                     uint16_t rport);
/* An IPv6 entry holds lport and the peer's fold and port (port choice). */
bool tk_tw_fold_used(const struct tk_stack *s, uint16_t lport, uint32_t rfold, uint16_t rport);
/* Handles a segment for a TIME_WAIT entry. Returns true when the entry was
 * released for a new connection and the segment should go to the listener
 * (a SYN accepted by RFC 6191 rules); *iss_floor is then the sequence
 * number the new connection must start above. */
bool tk_tw_input(struct tk_stack *s, tk_tw *tw, const tk_seg *sg, uint32_t *iss_floor, tk_time now);
/* What a TIME_WAIT connection does with a segment (not a reusing SYN):
 * TK_TW_ACK and/or TK_TW_RESTART bits. */
#define TK_TW_ACK     0x1
#define TK_TW_RESTART 0x2
int tk_tw_verdict(const tk_seg *sg, uint32_t rcv_nxt, uint32_t snd_nxt);
void tk_tw_free(struct tk_stack *s, tk_tw *tw);
void tk_tw_expire(struct tk_stack *s, tk_time now);
tk_time tk_tw_next_deadline(const struct tk_stack *s);
bool tk_tw_port_in_use(const struct tk_stack *s, uint16_t lport);

#endif
