/* Toeplitz hash, bit by bit (Microsoft, "Verifying the RSS Hash
 * Calculation"). Fast enough for a connect(); a driver steering every frame
 * uses a table per input byte (drivers/rss_table.c). */
#include "base/toeplitz.h"

uint32_t tk_toeplitz(const uint8_t *key, size_t keylen, const uint8_t *in, size_t len) {
    if (keylen < 4)
        return 0;
    uint32_t window =
        (uint32_t)key[0] << 24 | (uint32_t)key[1] << 16 | (uint32_t)key[2] << 8 | key[3];
    uint32_t hash = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t next = i + 4 < keylen ? key[i + 4] : 0;
        for (unsigned bit = 8; bit-- > 0;) {
            if (in[i] & (1u << bit))
                hash ^= window;
            window = window << 1 | ((uint32_t)next >> bit & 1u);
        }
    }
    return hash;
}
