/* SipHash-2-4 (Aumasson & Bernstein), a keyed hash for ISNs (RFC 6528),
 * SYN cookies and the connection hash table. */
#ifndef TK_BASE_SIPHASH_H
#define TK_BASE_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t tk_siphash24(const uint8_t key[16], const void *data, size_t len);

#endif
