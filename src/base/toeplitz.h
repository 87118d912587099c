/* The Toeplitz hash that NICs use for receive-side scaling (Microsoft's
 * RSS specification): a 32-bit window slides over the key one bit per
 * input bit and is XORed into the result wherever the input has a 1. */
#ifndef TK_BASE_TOEPLITZ_H
#define TK_BASE_TOEPLITZ_H

#include <stddef.h>
#include <stdint.h>

/* The hash of len input bytes under key; the key must have at least
 * len + 4 bytes (40 covers an IPv6 4-tuple's 36). */
uint32_t tk_toeplitz(const uint8_t *key, size_t keylen, const uint8_t *in, size_t len);

#endif
