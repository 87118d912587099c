/* The Internet checksum's bulk loops, apart from tk_csum_add so that the
 * unit test and bench/bench_csum can hold them against each other (private
 * to src/wire; the tests and benchmarks see src/). */
#ifndef TK_WIRE_CHECKSUM_LOOPS_H
#define TK_WIRE_CHECKSUM_LOOPS_H

#include <stddef.h>
#include <stdint.h>

/* A vector loop is compiled in when the target has one, chosen at compile
 * time: SSE2 is in every x86-64, so no run-time dispatch is needed. The
 * name is for the benchmark's column. */
#if defined(__SSE2__)
#define TK_CSUM_VECTOR "sse2"
/* tk_csum_add hands buffers of at least this many bytes to the loop. */
#define TK_CSUM_VECTOR_MIN 512

/* A sum of the native-order 16-bit words of p[0..len), len a multiple of
 * 16: congruent to their sum modulo 0xffff (so it folds to the same
 * one's-complement sum) and 0 only when every byte is 0. */
uint64_t tk_csum_vector_words(const uint8_t *p, size_t len);
#endif

/* tk_csum_add through the portable 64-bit loop only: the same result as
 * tk_csum_add for every input, whichever loop that one uses. */
uint32_t tk_csum_add_scalar(uint32_t sum, const void *data, size_t len);

/* A size-optimized build (-Os, the board's) takes the compact loop: one
 * 32-bit word at a time into a 64-bit sum, a few instructions where the
 * unrolled 64-bit loop is more than 600 bytes of Cortex-M3 code.
 * TK_CSUM_COMPACT 0 or 1 overrides the choice. */
#ifndef TK_CSUM_COMPACT
#if defined(__OPTIMIZE_SIZE__) && !defined(TK_CSUM_VECTOR)
#define TK_CSUM_COMPACT 1
#else
#define TK_CSUM_COMPACT 0
#endif
#endif

/* tk_csum_add through the compact loop: the same result for every input. */
uint32_t tk_csum_add_compact(uint32_t sum, const void *data, size_t len);

#endif
