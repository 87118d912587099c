/* TCP-MD5 signatures (RFC 2385): the stack's key store.
 *
 * Keys live in a bounded store inside the stack's memory block
 * (tk_config.md5_keys entries, default 8), one key per pair of addresses,
 * as FreeBSD keeps them in its security associations (setkey). A socket
 * signs when the option TK_TCP_MD5SIG is set on it (tcpkit/socket.h): every
 * segment it sends carries the signature made with the key for its
 * (local, remote) pair, and every segment it receives must carry a valid
 * one. Segments sent without a connection (RSTs, TIME_WAIT ACKs, SYN-cookie
 * SYN-ACKs) are signed whenever the store holds a key for their pair.
 * docs/tcp-md5.md describes the rules and the drop counters. */
#ifndef TCPKIT_TCP_MD5_H
#define TCPKIT_TCP_MD5_H

#include <stddef.h>
#include <stdint.h>

#include "stack.h"
#include "wire/tcp_md5.h"

/* Adds the key for segments between laddr (ours; 0 = any local address)
 * and raddr (the peer's), host order, or replaces the key the pair has.
 * keylen is 1..TK_TCP_MD5_MAXKEY (80) bytes. Returns 0, -EINVAL (no key,
 * a bad length, raddr 0), -ENOSPC (the store is full) or -ENOPROTOOPT
 * (TCP-MD5 compiled out: TK_WITH_MD5 0, tcpkit/opts.h). Connections look
 * the key up for each segment: a new key applies at once. */
int tk_stack_md5_add(tk_stack *s, uint32_t laddr, uint32_t raddr, const void *key, size_t keylen);

/* Removes the key of exactly this pair. Returns 0 or -ENOENT. */
int tk_stack_md5_del(tk_stack *s, uint32_t laddr, uint32_t raddr);

/* Removes every key (setkey -F). */
void tk_stack_md5_flush(tk_stack *s);

/* Number of keys in the store. */
uint32_t tk_stack_md5_count(const tk_stack *s);

#endif
