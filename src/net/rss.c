/* Receive-side scaling hash and queue of a flow (tcpkit/shard.h, SPEC
 * NET-8). */
#include <string.h>

#include "base/toeplitz.h"
#include "tcpkit/shard.h"

const uint8_t tk_rss_symmetric_key[TK_RSS_KEY_LEN] = {
    0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
    0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
    0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
};

static void put32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

uint32_t tk_rss_hash_v4(const uint8_t *key, uint32_t saddr, uint16_t sport, uint32_t daddr,
                        uint16_t dport) {
    uint8_t in[12];
    put32(in, saddr);
    put32(in + 4, daddr);
    in[8] = (uint8_t)(sport >> 8);
    in[9] = (uint8_t)sport;
    in[10] = (uint8_t)(dport >> 8);
    in[11] = (uint8_t)dport;
    return tk_toeplitz(key, TK_RSS_KEY_LEN, in, sizeof in);
}

uint32_t tk_rss_hash_v6(const uint8_t *key, const uint8_t saddr[16], uint16_t sport,
                        const uint8_t daddr[16], uint16_t dport) {
    uint8_t in[36];
    memcpy(in, saddr, 16);
    memcpy(in + 16, daddr, 16);
    in[32] = (uint8_t)(sport >> 8);
    in[33] = (uint8_t)sport;
    in[34] = (uint8_t)(dport >> 8);
    in[35] = (uint8_t)dport;
    return tk_toeplitz(key, TK_RSS_KEY_LEN, in, sizeof in);
}

uint32_t tk_rss_queue(uint32_t hash, uint32_t count) {
    return count == 0 ? 0 : (hash % TK_RSS_RETA_SIZE) % count;
}

uint32_t tk_flow_shard_v4(uint32_t saddr, uint16_t sport, uint32_t daddr, uint16_t dport,
                          uint32_t count) {
    return tk_rss_queue(tk_rss_hash_v4(tk_rss_symmetric_key, saddr, sport, daddr, dport), count);
}

uint32_t tk_flow_shard_v6(const uint8_t saddr[16], uint16_t sport, const uint8_t daddr[16],
                          uint16_t dport, uint32_t count) {
    return tk_rss_queue(tk_rss_hash_v6(tk_rss_symmetric_key, saddr, sport, daddr, dport), count);
}
