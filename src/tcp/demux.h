/* Demultiplexing (demux.c): the connection, listener and bind tables, and
 * the choice of local ports. */
#ifndef TK_TCP_DEMUX_H
#define TK_TCP_DEMUX_H

#include <stdbool.h>
#include <stdint.h>

#include "tcp/tcb.h"

void tk_demux_insert(struct tk_stack *s, tk_tcb *tp);
void tk_demux_remove(struct tk_stack *s, tk_tcb *tp);
/* The connection of a 4-tuple: IPv4 when l6 is NULL, else IPv6 with
 * laddr/raddr the folds of l6/r6 (tcp/addr6.h). */
tk_tcb *tk_demux_lookup(const struct tk_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
                        uint16_t rport, const uint8_t *l6, const uint8_t *r6);
/* The same, trying the TCB of the previous segment first: a bulk transfer
 * skips the keyed hash on almost every segment. */
tk_tcb *tk_demux_lookup_hint(struct tk_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
                             uint16_t rport, const uint8_t *l6, const uint8_t *r6);
/* A connection of either family holds these (folded) addresses and ports. */
bool tk_demux_fold_used(const struct tk_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
                        uint16_t rport);
void tk_listen_insert(struct tk_stack *s, tk_tcb *tp);
void tk_listen_remove(struct tk_stack *s, tk_tcb *tp);
/* The listener for a SYN to laddr:lport (IPv6: laddr the fold of l6). */
tk_tcb *tk_listen_lookup(const struct tk_stack *s, uint32_t laddr, uint16_t lport,
                         const uint8_t *l6);
void tk_bind_insert(struct tk_stack *s, tk_tcb *tp);
void tk_bind_remove(struct tk_stack *s, tk_tcb *tp);
/* A socket bound to laddr:lport (an exact address before the wildcard) that
 * neither listens nor has a connection, or NULL. */
const tk_tcb *tk_bind_lookup(const struct tk_stack *s, uint32_t laddr, uint16_t lport);
/* -EADDRINUSE when tp may not bind addr:port (CM-10). */
int tk_bind_check(const struct tk_stack *s, const tk_tcb *tp, uint32_t addr, uint16_t port);
/* RFC 6056 randomized port for tp's connection to raddr:rport, or bind when
 * raddr == 0. For IPv6 a6 holds the full addresses (local, remote) and
 * laddr, raddr their folds; NULL for IPv4. Returns the port or
 * -EADDRNOTAVAIL. */
int tk_port_pick(struct tk_stack *s, const tk_tcb *tp, uint32_t laddr, uint32_t raddr,
                 uint16_t rport, const struct tk_a6pair *a6);
uint32_t tk_tuple_hash(const struct tk_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
                       uint16_t rport);

#endif
