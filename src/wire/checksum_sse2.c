/* The Internet checksum's bulk loop on SSE2.
 *
 * Each native 16-bit word u is biased to a signed one, u ^ 0x8000 =
 * u - 32768, so that _mm_madd_epi16 against ones adds neighbours exactly
 * into a 32-bit lane: u0 + u1 - 65536, never out of range. The bias is put
 * back once a block, which leaves the plain integer sums of the words; any
 * sum of the words folds to the same one's-complement sum (RFC 1071 2(C)),
 * so the result equals the scalar loop's. A load, a xor, a madd and an add
 * per 16 bytes, 128 bytes a round into two accumulators. */
#include "checksum_loops.h"

#if defined(__SSE2__)

#include <emmintrin.h>

/* A lane gains at least -65536 and at most 65534 per vector; summed over a
 * block's 16384 vectors it stays within +-2^30: no int32 lane wraps. */
enum { BLOCK_BYTES = 16384 * 16 };

static __m128i load(const uint8_t *p) {
    return _mm_loadu_si128((const __m128i *)(const void *)p);
}

/* (u0 - 32768) + (u1 - 32768) for each pair of words. */
static __m128i biased_pairs(__m128i v) {
    return _mm_madd_epi16(_mm_xor_si128(v, _mm_set1_epi16(INT16_MIN)), _mm_set1_epi16(1));
}

/* The lanes of `vectors` vectors' pair sums, the bias (-65536 a lane per
 * vector) put back, folded and added across: a sum below 2^19 congruent to
 * the words' sum modulo 0xffff, 0 only when every word is 0. */
static uint32_t unbiased_total(__m128i acc, size_t vectors) {
    acc = _mm_add_epi32(acc, _mm_set1_epi32((int32_t)(vectors << 16))); /* each < 2^31 now */
    acc = _mm_add_epi32(_mm_and_si128(acc, _mm_set1_epi32(0xffff)), _mm_srli_epi32(acc, 16));
    acc = _mm_add_epi32(acc, _mm_shuffle_epi32(acc, _MM_SHUFFLE(1, 0, 3, 2)));
    acc = _mm_add_epi32(acc, _mm_shuffle_epi32(acc, _MM_SHUFFLE(2, 3, 0, 1)));
    return (uint32_t)_mm_cvtsi128_si32(acc);
}

/* The biased pair sums of four vectors, added as a tree (no add waits for
 * the one before it). */
static __m128i four_vectors(const uint8_t *p) {
    __m128i x = _mm_add_epi32(biased_pairs(load(p)), biased_pairs(load(p + 16)));
    __m128i y = _mm_add_epi32(biased_pairs(load(p + 32)), biased_pairs(load(p + 48)));
    return _mm_add_epi32(x, y);
}

/* Sum of the words of at most BLOCK_BYTES bytes, len a multiple of 16. */
static uint32_t block_sum(const uint8_t *p, size_t len) {
    __m128i a0 = _mm_setzero_si128(), a1 = a0;
    size_t n = len;
    for (; n >= 128; n -= 128, p += 128) {
        a0 = _mm_add_epi32(a0, four_vectors(p));
        a1 = _mm_add_epi32(a1, four_vectors(p + 64));
    }
    a0 = _mm_add_epi32(a0, a1);
    for (; n >= 16; n -= 16, p += 16)
        a0 = _mm_add_epi32(a0, biased_pairs(load(p)));
    return unbiased_total(a0, len / 16);
}

uint64_t tk_csum_vector_words(const uint8_t *p, size_t len) {
    uint64_t sum = 0;
    while (len > 0) {
        size_t n = len < BLOCK_BYTES ? len : BLOCK_BYTES;
        uint32_t b = block_sum(p, n);
        sum += b; /* below 2^19 a block: no 64-bit carry for any size_t length */
        p += n;
        len -= n;
    }
    return sum;
}

#else
typedef int tk_csum_sse2_compiled_out;
#endif
