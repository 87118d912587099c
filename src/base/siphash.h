/* SipHash (Aumasson & Bernstein): keyed hashes for ISNs (RFC 6528), SYN
 * cookies and the connection hash tables. */
#ifndef TK_BASE_SIPHASH_H
#define TK_BASE_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t tk_siphash24(const uint8_t key[16], const void *data, size_t len);

/* SipHash-1-3: one round per word, three to finish. Still keyed and
 * unpredictable to whoever does not know the key, which is all a hash
 * table needs against flooding (ISNs and cookies keep SipHash-2-4). */
uint64_t tk_siphash13(const uint8_t key[16], const void *data, size_t len);
/* tk_siphash13 of exactly 16 bytes given as two little-endian words, with
 * the key as two words: no byte loops (the connection lookup, per segment). */
uint64_t tk_siphash13_2w(uint64_t k0, uint64_t k1, uint64_t m0, uint64_t m1);

#endif
