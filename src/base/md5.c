/* MD5 (RFC 1321 section 3): 64-byte blocks, four rounds of sixteen steps
 * over the state A, B, C, D. Words are little-endian and read byte by byte,
 * so the result depends on neither the host's byte order nor alignment. */
#include "base/md5.h"

#include <string.h>

#define ROTL32(x, n) (uint32_t)(((x) << (n)) | ((x) >> (32 - (n))))

/* RFC 1321 3.4: T[i] = floor(2^32 * |sin(i)|), i = 1..64. */
static const uint32_t T[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};

/* The rotation of each step, four per round. */
static const uint8_t S[4][4] = {{7, 12, 17, 22}, {5, 9, 14, 20}, {4, 11, 16, 23}, {6, 10, 15, 21}};

static uint32_t load_le32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void store_le32(uint8_t *p, uint32_t v) {
    for (unsigned i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Step i of RFC 1321 3.4: the round's auxiliary function F, G, H or I of
 * (b, c, d), and the word X[k] it takes. */
static uint32_t aux(unsigned i, uint32_t b, uint32_t c, uint32_t d, unsigned *k) {
    switch (i / 16) {
    case 0:
        *k = i;
        return (b & c) | (~b & d);
    case 1:
        *k = (5 * i + 1) % 16;
        return (b & d) | (c & ~d);
    case 2:
        *k = (3 * i + 5) % 16;
        return b ^ c ^ d;
    default:
        *k = (7 * i) % 16;
        return c ^ (b | ~d);
    }
}

static void block(uint32_t state[4], const uint8_t *p) {
    uint32_t x[16];
    for (unsigned i = 0; i < 16; i++)
        x[i] = load_le32(p + 4 * i);
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    for (unsigned i = 0; i < 64; i++) {
        unsigned k;
        uint32_t f = aux(i, b, c, d, &k);
        uint32_t t = a + f + x[k] + T[i];
        a = d;
        d = c;
        c = b;
        b = b + ROTL32(t, S[i / 16][i % 4]);
    }
    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
}

void tk_md5_init(tk_md5 *c) {
    c->state[0] = 0x67452301u;
    c->state[1] = 0xefcdab89u;
    c->state[2] = 0x98badcfeu;
    c->state[3] = 0x10325476u;
    c->len = 0;
}

void tk_md5_update(tk_md5 *c, const void *data, size_t len) {
    const uint8_t *p = data;
    size_t have = (size_t)(c->len % 64u);
    c->len += len;
    if (have > 0) {
        size_t take = 64 - have < len ? 64 - have : len;
        memcpy(c->buf + have, p, take);
        p += take;
        len -= take;
        if (have + take < 64)
            return;
        block(c->state, c->buf);
    }
    for (; len >= 64; p += 64, len -= 64)
        block(c->state, p);
    if (len > 0)
        memcpy(c->buf, p, len);
}

/* RFC 1321 3.1-3.2: a 1 bit, zeros to 56 mod 64 bytes, the bit length as
 * a 64-bit little-endian number. */
void tk_md5_final(tk_md5 *c, uint8_t out[TK_MD5_LEN]) {
    static const uint8_t pad[64] = {0x80};
    uint8_t bits[8];
    uint64_t nbits = c->len * 8u;
    for (unsigned i = 0; i < 8; i++)
        bits[i] = (uint8_t)(nbits >> (8 * i));
    size_t have = (size_t)(c->len % 64u);
    tk_md5_update(c, pad, have < 56 ? 56 - have : 120 - have);
    tk_md5_update(c, bits, 8);
    for (unsigned i = 0; i < 4; i++)
        store_le32(out + 4 * i, c->state[i]);
}
