/* Table-driven Toeplitz (see rss_table.h). Entry [i][b] is the XOR of the
 * key windows that the set bits of byte value b at input position i select,
 * so the hash is the XOR of one entry per input byte. */
#include "rss_table.h"

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

int tk_rss_frame_shard(const tk_rss_table *t, const uint8_t *frame, size_t len, uint32_t count) {
    /* Ethernet II, IPv4 (0x0800), protocol 6, not a later fragment. */
    if (len < 14 + 20 || frame[12] != 0x08 || frame[13] != 0x00 || (frame[14] >> 4) != 4)
        return -1;
    size_t ihl = (size_t)(frame[14] & 0x0fu) * 4u;
    if (ihl < 20 || len < 14 + ihl + 4 || frame[14 + 9] != 6 ||
        ((frame[14 + 6] & 0x1fu) | frame[14 + 7]) != 0)
        return -1;
    uint8_t in[12];
    for (size_t i = 0; i < 8; i++)
        in[i] = frame[14 + 12 + i]; /* source, destination address */
    for (size_t i = 0; i < 4; i++)
        in[8 + i] = frame[14 + ihl + i]; /* source, destination port */
    return (int)tk_rss_queue(tk_rss_table_hash(t, in, sizeof in), count);
}
