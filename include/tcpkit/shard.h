/* One stack per core (SPEC NET-8). Several stacks, one per thread, share
 * one interface through its queues: the NIC (or a driver's dispatcher)
 * steers each frame to a queue by the RSS hash of its 4-tuple, and each
 * stack owns one queue, with nothing shared on the data path. A stack that
 * knows its shard (tk_config.shard_count, shard_index) picks the ephemeral
 * port of every connect() so that the connection's frames, both ways, are
 * steered to its own queue; listeners exist in every shard and accept what
 * their queue receives.
 *
 * The hash is the Toeplitz hash of receive-side scaling over (source
 * address, destination address, source port, destination port) in network
 * byte order, IPv4 or IPv6, with the symmetric key (0x6d5a repeated), which gives both
 * directions of a connection the same hash; configure a NIC with that key
 * and a default 128-entry indirection table for the same steering. */
#ifndef TCPKIT_SHARD_H
#define TCPKIT_SHARD_H

#include <stdint.h>

#define TK_RSS_KEY_LEN   40
#define TK_RSS_RETA_SIZE 128
#define TK_MAX_SHARDS    128

/* 0x6d, 0x5a repeated: a Toeplitz key whose hash does not change when
 * source and destination are swapped. */
extern const uint8_t tk_rss_symmetric_key[TK_RSS_KEY_LEN];

/* The RSS hash of an IPv4 TCP 4-tuple (host-order values) under key (at
 * least 16 bytes; NICs use 40). */
uint32_t tk_rss_hash_v4(const uint8_t *key, uint32_t saddr, uint16_t sport, uint32_t daddr,
                        uint16_t dport);
/* The RSS hash of an IPv6 TCP 4-tuple (addresses in network order, ports
 * host order): the same function over source address, destination address,
 * source port, destination port (36 bytes; key at least 40 bytes). */
uint32_t tk_rss_hash_v6(const uint8_t *key, const uint8_t saddr[16], uint16_t sport,
                        const uint8_t daddr[16], uint16_t dport);
/* The queue a hash lands in through a 128-entry indirection table filled
 * round-robin over count queues (a NIC's default): (hash mod 128) mod
 * count. 0 for count 0. */
uint32_t tk_rss_queue(uint32_t hash, uint32_t count);
/* The shard of an IPv4 flow, either direction: tk_rss_queue of its
 * symmetric-key hash. */
uint32_t tk_flow_shard_v4(uint32_t saddr, uint16_t sport, uint32_t daddr, uint16_t dport,
                          uint32_t count);
/* The shard of an IPv6 flow, either direction. */
uint32_t tk_flow_shard_v6(const uint8_t saddr[16], uint16_t sport, const uint8_t daddr[16],
                          uint16_t dport, uint32_t count);

#endif
