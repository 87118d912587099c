/* SHA-256 (FIPS 180-4), incremental, for digests of whole simulated streams. */
#ifndef TK_TOOLS_SHA256_H
#define TK_TOOLS_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define TK_SHA256_LEN 32

typedef struct tk_sha256 {
    uint32_t h[8];
    uint64_t bytes; /* message length so far */
    uint8_t block[64];
    size_t fill; /* bytes waiting in block */
} tk_sha256;

void tk_sha256_init(tk_sha256 *c);
void tk_sha256_update(tk_sha256 *c, const void *data, size_t len);
/* Writes the digest; the context must be initialised again for reuse. */
void tk_sha256_final(tk_sha256 *c, uint8_t out[TK_SHA256_LEN]);

/* Lowercase hex of a digest: 64 characters and a NUL. */
void tk_sha256_hex(const uint8_t digest[TK_SHA256_LEN], char out[2 * TK_SHA256_LEN + 1]);

#endif
