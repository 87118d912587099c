/* The TCP MD5 signature option (RFC 2385): the digest of a segment, signing
 * a segment that carries the option, and checking one that arrived.
 *
 * The digest (RFC 2385 2.0) is MD5 over, in this order: the IPv4
 * pseudo-header (source, destination, zero-padded protocol, segment length),
 * the 20-byte TCP header without options and with a zero checksum, the
 * segment data, and the key. Segments are whole TCP segments (header,
 * options, payload); addresses are host order. */
#ifndef TCPKIT_WIRE_TCP_MD5_H
#define TCPKIT_WIRE_TCP_MD5_H

#include <stddef.h>
#include <stdint.h>

#include "tcp.h"

#define TK_TCP_MD5_MAXKEY 80 /* longest key, as TCP_MD5SIG_MAXKEYLEN */

/* Computes the RFC 2385 digest of seg[0 .. len). Returns 0, or a
 * TK_WIRE_TCP_* error for a segment shorter than its header. */
int tk_wire_tcp_md5_digest(const uint8_t *seg, size_t len, uint32_t src, uint32_t dst,
                           const uint8_t *key, size_t keylen, uint8_t out[TK_TCP_MD5_LEN]);

/* Offset in seg of the digest of its MD5 option (the first one), or
 * TK_WIRE_INVAL when it has none, or the TK_WIRE_* error of a malformed
 * header or option list. */
int tk_wire_tcp_md5_find(const uint8_t *seg, size_t len);

/* Writes the digest into the segment's MD5 option and recomputes the TCP
 * checksum. Returns 0 or what tk_wire_tcp_md5_find returned. */
int tk_wire_tcp_md5_sign(uint8_t *seg, size_t len, uint32_t src, uint32_t dst, const uint8_t *key,
                         size_t keylen);

/* 1 when the segment's MD5 option holds the right digest for key, 0 when it
 * holds another (compared in constant time), or what tk_wire_tcp_md5_find
 * returned. */
int tk_wire_tcp_md5_verify(const uint8_t *seg, size_t len, uint32_t src, uint32_t dst,
                           const uint8_t *key, size_t keylen);

#endif
