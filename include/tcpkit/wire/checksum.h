/* Internet checksum (RFC 1071) and incremental update (RFC 1624). */
#ifndef TCPKIT_WIRE_CHECKSUM_H
#define TCPKIT_WIRE_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* One's-complement sum of `len` bytes folded into 32 bits; `sum` chains calls.
 * Odd lengths are padded with a zero byte. */
uint32_t tk_csum_add(uint32_t sum, const void *data, size_t len);

/* Folds a partial sum to 16 bits and complements it: the value for the header
 * field, in host order. A buffer whose stored checksum is right gives 0. */
uint16_t tk_csum_finish(uint32_t sum);

/* Partial sum of the IPv4 pseudo-header (addresses in host order). */
uint32_t tk_csum_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len);

/* Partial sum of the IPv6 pseudo-header (RFC 8200 8.1): addresses in
 * network order, the upper-layer length, three zero bytes, next header. */
uint32_t tk_csum_pseudo6(const uint8_t src[16], const uint8_t dst[16], uint8_t proto, uint32_t len);

/* RFC 1624 eqn. 3: the new checksum after a 16-bit field changed old -> new. */
uint16_t tk_csum_update16(uint16_t csum, uint16_t old_val, uint16_t new_val);

/* The same for a 32-bit field (two 16-bit halves). */
uint16_t tk_csum_update32(uint16_t csum, uint32_t old_val, uint32_t new_val);

#endif
