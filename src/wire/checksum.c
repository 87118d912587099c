/* Internet checksum (RFC 1071) and incremental update (RFC 1624).
 *
 * The partial sum is kept as the sum of big-endian 16-bit words, so a sum
 * from tk_csum_pseudo (host-order fields) chains with tk_csum_add. The bulk
 * loop adds native 32-bit words into a 64-bit accumulator and swaps once at
 * the end: the one's-complement sum is byte-order independent (RFC 1071 2(B)). */
#include "tcpkit/wire/checksum.h"

#include <string.h>

static uint32_t fold64(uint64_t s) {
    s = (s & 0xffffffffu) + (s >> 32);
    s = (s & 0xffffffffu) + (s >> 32);
    return (uint32_t)s;
}

static uint16_t fold16(uint32_t s) {
    s = (s & 0xffffu) + (s >> 16);
    s = (s & 0xffffu) + (s >> 16);
    return (uint16_t)s;
}

static uint32_t load32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Native-order 16-bit sum of an even-length prefix, folded to 16 bits. */
static uint16_t native_sum(const uint8_t *p, size_t len) {
    uint64_t acc = 0;
    while (len >= 32) {
        acc += (uint64_t)load32(p) + load32(p + 4) + load32(p + 8) + load32(p + 12);
        acc += (uint64_t)load32(p + 16) + load32(p + 20) + load32(p + 24) + load32(p + 28);
        p += 32;
        len -= 32;
    }
    while (len >= 4) {
        acc += load32(p);
        p += 4;
        len -= 4;
    }
    if (len >= 2) {
        uint16_t v;
        memcpy(&v, p, sizeof v);
        acc += v;
    }
    return fold16(fold64(acc));
}

/* Converts a folded native-order sum to the big-endian-word sum. */
static uint16_t native_to_be(uint16_t s) {
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__)
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return (uint16_t)((s << 8) | (s >> 8));
#else
    return s;
#endif
#else
    const uint16_t one = 1;
    uint8_t first;
    memcpy(&first, &one, 1);
    return first ? (uint16_t)((s << 8) | (s >> 8)) : s;
#endif
}

uint32_t tk_csum_add(uint32_t sum, const void *data, size_t len) {
    const uint8_t *p = data;
    uint64_t acc = sum;
    acc += native_to_be(native_sum(p, len & ~(size_t)1));
    if (len & 1)
        acc += (uint32_t)p[len - 1] << 8; /* odd byte padded with zero */
    return fold64(acc);
}

uint16_t tk_csum_finish(uint32_t sum) {
    return (uint16_t)~fold16(sum);
}

uint32_t tk_csum_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len) {
    uint64_t acc = (uint64_t)(src >> 16) + (src & 0xffffu) + (dst >> 16) + (dst & 0xffffu);
    acc += (uint32_t)proto + len;
    return fold64(acc);
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'). */
uint16_t tk_csum_update16(uint16_t csum, uint16_t old_val, uint16_t new_val) {
    uint32_t s = (uint32_t)(uint16_t)~csum + (uint16_t)~old_val + new_val;
    return (uint16_t)~fold16(s);
}

uint16_t tk_csum_update32(uint16_t csum, uint32_t old_val, uint32_t new_val) {
    csum = tk_csum_update16(csum, (uint16_t)(old_val >> 16), (uint16_t)(new_val >> 16));
    return tk_csum_update16(csum, (uint16_t)old_val, (uint16_t)new_val);
}

uint32_t tk_csum_pseudo6(const uint8_t src[16], const uint8_t dst[16], uint8_t proto,
                         uint32_t len) {
    uint8_t tail[8] = {(uint8_t)(len >> 24),
                       (uint8_t)(len >> 16),
                       (uint8_t)(len >> 8),
                       (uint8_t)len,
                       0,
                       0,
                       0,
                       proto};
    uint32_t sum = tk_csum_add(0, src, 16);
    sum = tk_csum_add(sum, dst, 16);
    return tk_csum_add(sum, tail, sizeof tail);
}
