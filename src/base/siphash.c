/* SipHash-2-4 (Aumasson & Bernstein, "SipHash: a fast short-input PRF",
 * 2012): two compression rounds per 8-byte word, four finalization rounds;
 * and SipHash-1-3, the reduced-round variant for hash-table keys.
 * Words are read little-endian byte by byte, so the result does not depend on
 * the host's byte order or the alignment of the input. */
#include "base/siphash.h"

#define ROTL64(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

typedef struct sip_state {
    uint64_t v0, v1, v2, v3;
} sip_state;

static uint64_t load_le64(const uint8_t *p) {
    uint64_t w = 0;
    for (unsigned i = 0; i < 8; i++)
        w |= (uint64_t)p[i] << (8 * i);
    return w;
}

static void sip_round(sip_state *s) {
    s->v0 += s->v1;
    s->v1 = ROTL64(s->v1, 13);
    s->v1 ^= s->v0;
    s->v0 = ROTL64(s->v0, 32);
    s->v2 += s->v3;
    s->v3 = ROTL64(s->v3, 16);
    s->v3 ^= s->v2;
    s->v0 += s->v3;
    s->v3 = ROTL64(s->v3, 21);
    s->v3 ^= s->v0;
    s->v2 += s->v1;
    s->v1 = ROTL64(s->v1, 17);
    s->v1 ^= s->v2;
    s->v2 = ROTL64(s->v2, 32);
}

static sip_state sip_init(uint64_t k0, uint64_t k1) {
    sip_state s = {
        .v0 = k0 ^ 0x736f6d6570736575ull, /* "somepseudorandomlygeneratedbytes" */
        .v1 = k1 ^ 0x646f72616e646f6dull,
        .v2 = k0 ^ 0x6c7967656e657261ull,
        .v3 = k1 ^ 0x7465646279746573ull,
    };
    return s;
}

static void sip_absorb(sip_state *s, uint64_t m, int rounds) {
    s->v3 ^= m;
    for (int i = 0; i < rounds; i++)
        sip_round(s);
    s->v0 ^= m;
}

static uint64_t sip_finish(sip_state *s, int rounds) {
    s->v2 ^= 0xff;
    for (int i = 0; i < rounds; i++)
        sip_round(s);
    return s->v0 ^ s->v1 ^ s->v2 ^ s->v3;
}

/* SipHash-c-d over bytes: c rounds per word, d finalization rounds. */
static uint64_t sip_bytes(const uint8_t key[16], const void *data, size_t len, int c, int d) {
    const uint8_t *in = data;
    sip_state s = sip_init(load_le64(key), load_le64(key + 8));
    size_t full = len - len % 8;
    for (size_t i = 0; i < full; i += 8)
        sip_absorb(&s, load_le64(in + i), c);

    /* Last word: the remaining bytes, with len mod 256 in the top byte. */
    uint64_t last = (uint64_t)(len & 0xff) << 56;
    for (size_t i = 0; i < len % 8; i++)
        last |= (uint64_t)in[full + i] << (8 * i);
    sip_absorb(&s, last, c);
    return sip_finish(&s, d);
}

uint64_t tk_siphash24(const uint8_t key[16], const void *data, size_t len) {
    return sip_bytes(key, data, len, 2, 4);
}

uint64_t tk_siphash13(const uint8_t key[16], const void *data, size_t len) {
    return sip_bytes(key, data, len, 1, 3);
}

uint64_t tk_siphash13_2w(uint64_t k0, uint64_t k1, uint64_t m0, uint64_t m1) {
    sip_state s = sip_init(k0, k1);
    sip_absorb(&s, m0, 1);
    sip_absorb(&s, m1, 1);
    sip_absorb(&s, 16ull << 56, 1); /* no bytes left, length 16 */
    return sip_finish(&s, 3);
}
