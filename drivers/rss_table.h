/* Table-driven Toeplitz hash for drivers that steer every frame in
 * software (SPEC NET-8): one 256-entry table per input byte position, so a
 * 4-tuple costs one lookup per byte instead of eight shifts. */
#ifndef TK_DRIVERS_RSS_TABLE_H
#define TK_DRIVERS_RSS_TABLE_H

#include <stddef.h>
#include <stdint.h>

#define TK_RSS_TABLE_BYTES 36 /* an IPv6 4-tuple (IPv4 uses the first 12) */

typedef struct tk_rss_table {
    uint32_t t[TK_RSS_TABLE_BYTES][256];
} tk_rss_table;

/* Fills the tables for key (at least TK_RSS_TABLE_BYTES + 4 bytes). */
void tk_rss_table_init(tk_rss_table *t, const uint8_t *key, size_t keylen);
/* The Toeplitz hash of up to TK_RSS_TABLE_BYTES input bytes. */
uint32_t tk_rss_table_hash(const tk_rss_table *t, const uint8_t *in, size_t len);
/* The shard of an Ethernet frame carrying IPv4/TCP or IPv6/TCP (TCP the
 * first next header, as NICs hash it) among count shards (tcpkit/shard.h's
 * steering); -1 for any other frame (ARP, ICMP, Neighbor Discovery, an
 * IPv4 fragment after the first, IPv6 with extension headers: a
 * dispatcher sends those to every shard or to shard 0). */
int tk_rss_frame_shard(const tk_rss_table *t, const uint8_t *frame, size_t len, uint32_t count);

#endif
