/* Table-driven Toeplitz (see rss_table.h). Entry [i][b] is the XOR of the
 * key windows that the set bits of byte value b at input position i select,
 * so the hash is the XOR of one entry per input byte. */
#include "rss_table.h"

#include <string.h>

#include "base/toeplitz.h"
#include "tcpkit/shard.h"

void tk_rss_table_init(tk_rss_table *t, const uint8_t *key, size_t keylen) {
    uint8_t in[TK_RSS_TABLE_BYTES] = {0};
    for (size_t i = 0; i < TK_RSS_TABLE_BYTES; i++) {
        for (unsigned b = 0; b < 256; b++) {
            in[i] = (uint8_t)b;
            t->t[i][b] = tk_toeplitz(key, keylen, in, TK_RSS_TABLE_BYTES);
        }
        in[i] = 0;
    }
}

uint32_t tk_rss_table_hash(const tk_rss_table *t, const uint8_t *in, size_t len) {
    uint32_t h = 0;
    for (size_t i = 0; i < len && i < TK_RSS_TABLE_BYTES; i++)
        h ^= t->t[i][in[i]];
    return h;
}

/* The 4-tuple of an IPv4/TCP frame (addresses, ports: 12 bytes), or 0. */
static size_t tuple4(const uint8_t *frame, size_t len, uint8_t in[12]) {
    if (len < 14 + 20 || (frame[14] >> 4) != 4)
        return 0;
    size_t ihl = (size_t)(frame[14] & 0x0fu) * 4u;
    /* protocol 6, not a later fragment */
    if (ihl < 20 || len < 14 + ihl + 4 || frame[14 + 9] != 6 ||
        ((frame[14 + 6] & 0x1fu) | frame[14 + 7]) != 0)
        return 0;
    memcpy(in, frame + 14 + 12, 8);      /* source, destination address */
    memcpy(in + 8, frame + 14 + ihl, 4); /* source, destination port */
    return 12;
}

/* The 4-tuple of an IPv6/TCP frame (36 bytes), or 0. */
static size_t tuple6(const uint8_t *frame, size_t len, uint8_t in[36]) {
    if (len < 14 + 40 + 4 || (frame[14] >> 4) != 6 || frame[14 + 6] != 6)
        return 0;
    memcpy(in, frame + 14 + 8, 32);      /* source, destination address */
    memcpy(in + 32, frame + 14 + 40, 4); /* source, destination port */
    return 36;
}

int tk_rss_frame_shard(const tk_rss_table *t, const uint8_t *frame, size_t len, uint32_t count) {
    uint8_t in[36];
    size_t n = 0;
    if (len < 14)
        return -1;
    if (frame[12] == 0x08 && frame[13] == 0x00)
        n = tuple4(frame, len, in);
    else if (frame[12] == 0x86 && frame[13] == 0xdd)
        n = tuple6(frame, len, in);
    if (n == 0)
        return -1;
    return (int)tk_rss_queue(tk_rss_table_hash(t, in, n), count);
}
