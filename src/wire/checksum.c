/* Internet checksum (RFC 1071) and incremental update (RFC 1624).
 *
 * The partial sum is kept as the sum of big-endian 16-bit words, so a sum
 * from tk_csum_pseudo (host-order fields) chains with tk_csum_add. The bulk
 * loop adds native 64-bit words with end-around carry and swaps once at the
 * end: the one's-complement sum is byte-order independent (RFC 1071 2(B))
 * and any word width folds to the same 16-bit sum (2(C)). Where the target
 * has a vector loop (checksum_loops.h) it takes the bulk of long buffers. */
#include "tcpkit/wire/checksum.h"

#include <string.h>

#include "checksum_loops.h"

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

static uint64_t load64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static uint32_t load32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* acc + v in one's complement: the carry out of bit 63 comes back in at
 * bit 0 (RFC 1071 2(C)); acc + v + 1 cannot carry again. */
static uint64_t addc(uint64_t acc, uint64_t v) {
    acc += v;
    return acc + (acc < v);
}

/* `a` plus the words of an even-length buffer shorter than 64 bytes. */
static inline uint64_t tail_words(uint64_t a, const uint8_t *p, size_t len) {
    while (len >= 8) {
        a = addc(a, load64(p));
        p += 8;
        len -= 8;
    }
    if (len >= 4) {
        a = addc(a, load32(p));
        p += 4;
        len -= 4;
    }
    if (len >= 2) {
        uint16_t v;
        memcpy(&v, p, sizeof v);
        a = addc(a, v);
    }
    return a;
}

/* Native-order 16-bit words of an even-length buffer summed in 64-bit one's
 * complement: 64-bit words with end-around carry, 64 bytes a round in four
 * independent chains whose carries are counted apart and added back at the
 * end (so no add waits for the carry of the one before). */
static uint64_t scalar_words(const uint8_t *p, size_t len) {
    uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0, c = 0;
    while (len >= 64) {
        uint64_t w0 = load64(p), w1 = load64(p + 8), w2 = load64(p + 16), w3 = load64(p + 24);
        s0 += w0;
        c += s0 < w0;
        s1 += w1;
        c += s1 < w1;
        s2 += w2;
        c += s2 < w2;
        s3 += w3;
        c += s3 < w3;
        w0 = load64(p + 32);
        w1 = load64(p + 40);
        w2 = load64(p + 48);
        w3 = load64(p + 56);
        s0 += w0;
        c += s0 < w0;
        s1 += w1;
        c += s1 < w1;
        s2 += w2;
        c += s2 < w2;
        s3 += w3;
        c += s3 < w3;
        p += 64;
        len -= 64;
    }
    return tail_words(addc(addc(addc(addc(s0, s1), s2), s3), c), p, len);
}

/* The compact loop: 32-bit words added into 64 bits, whose carries out of
 * bit 31 are the end-around carries fold64 brings back (RFC 1071 2(C));
 * 2^32 words fit before the sum could overflow. */
static uint64_t compact_words(const uint8_t *p, size_t len) {
    uint64_t a = 0;
    for (; len >= 4; p += 4, len -= 4)
        a += load32(p);
    if (len >= 2) {
        uint16_t v;
        memcpy(&v, p, sizeof v);
        a += v; /* its place in a word does not matter: 2^16 = 1 mod 0xffff */
    }
    return a;
}

/* The same sum through the vector loop where there is one. Shorter buffers
 * (headers, ACKs, addresses) stay scalar: below about 512 bytes the vector
 * loop's call and final fold cost what it saves (bench/bench_csum). The
 * vector part ends on an even offset, so the scalar tail's words are the
 * same native words. */
static uint64_t native_words(const uint8_t *p, size_t len) {
#if TK_CSUM_COMPACT
    return compact_words(p, len);
#else
#if defined(TK_CSUM_VECTOR)
    if (len >= TK_CSUM_VECTOR_MIN) {
        size_t n = len & ~(size_t)15;
        return tail_words(tk_csum_vector_words(p, n), p + n, len - n);
    }
#endif
    return scalar_words(p, len);
#endif
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

/* `sum` plus the words of p[0..len), whose even-length prefix summed to
 * `words` (native order, unfolded). */
static inline uint32_t add_words(uint32_t sum, uint64_t words, const uint8_t *p, size_t len) {
    uint64_t acc = sum;
    acc += native_to_be(fold16(fold64(words)));
    if (len & 1)
        acc += (uint32_t)p[len - 1] << 8; /* odd byte padded with zero */
    return fold64(acc);
}

uint32_t tk_csum_add(uint32_t sum, const void *data, size_t len) {
    const uint8_t *p = data;
    return add_words(sum, native_words(p, len & ~(size_t)1), p, len);
}

uint32_t tk_csum_add_scalar(uint32_t sum, const void *data, size_t len) {
    const uint8_t *p = data;
    return add_words(sum, scalar_words(p, len & ~(size_t)1), p, len);
}

uint32_t tk_csum_add_compact(uint32_t sum, const void *data, size_t len) {
    const uint8_t *p = data;
    return add_words(sum, compact_words(p, len & ~(size_t)1), p, len);
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
