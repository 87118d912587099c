/* IPv6 frames for the printer's check against tcpdump (gen_ipv6.c). */
#ifndef TK_TESTS_PRINT_GEN_IPV6_H
#define TK_TESTS_PRINT_GEN_IPV6_H

#include <stddef.h>
#include <stdint.h>

typedef void (*gen_emit_fn)(void *ctx, const uint8_t *frame, size_t len);
/* Calls emit once per frame, in order. */
void gen_ipv6_frames(gen_emit_fn emit, void *ctx);

/* count seeded mutants of those frames (cut short, random bytes after the
 * addresses), each offered to accept first: frames it refuses are not
 * emitted (the caller skips what tcpdump decodes and the printer does
 * not: other protocols and ICMPv6 types). */
typedef int (*gen_accept_fn)(void *ctx, const uint8_t *frame, size_t len);
void gen_ipv6_mutants(gen_emit_fn emit, gen_accept_fn accept, void *ctx, uint64_t seed, int count);

#endif
