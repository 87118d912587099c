/* The Internet checksum's speed: tk_csum_add (the vector loop where the
 * target has one, e.g. SSE2) against its portable loop (tk_csum_add_scalar:
 * 64-bit words, end-around carry) and the loop before that (32-bit words
 * into a 64-bit accumulator), interleaved, 5 repetitions each, for buffer
 * sizes from 64 bytes to 64 KiB at two alignments. Prints GB/s
 * min/median/max; asserts nothing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tcpkit/wire/checksum.h"
#include "wire/checksum_loops.h"

#if !defined(TK_CSUM_VECTOR)
#define TK_CSUM_VECTOR "no vector loop"
#endif

static uint32_t load32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* The loop tk_csum_add had before: native 32-bit words, folded at the end. */
static uint32_t sum32(const uint8_t *p, size_t len) {
    uint64_t acc = 0;
    while (len >= 32) {
        acc += (uint64_t)load32(p) + load32(p + 4) + load32(p + 8) + load32(p + 12);
        acc += (uint64_t)load32(p + 16) + load32(p + 20) + load32(p + 24) + load32(p + 28);
        p += 32;
        len -= 32;
    }
    while (len >= 4) {
        acc += load32(p);
        p += 4;
        len -= 4;
    }
    acc = (acc & 0xffffffffu) + (acc >> 32);
    return (uint32_t)((acc & 0xffffffffu) + (acc >> 32));
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static volatile uint32_t sink;

/* The old loop behind the same call as the others (a speed peer only: its
 * sum is native-order, not the big-endian-word sum tk_csum_add gives). */
static uint32_t old32(uint32_t sum, const void *p, size_t len) {
    return sum + sum32(p, len);
}

enum { PEERS = 3, REPS = 5 };
static uint32_t (*const peer[PEERS])(uint32_t, const void *, size_t) = {old32, tk_csum_add_scalar,
                                                                        tk_csum_add};

static double rate(int which, const uint8_t *p, size_t len) {
    size_t total = (size_t)1 << 30, rounds = total / len;
    double t0 = now_s();
    for (size_t i = 0; i < rounds; i++)
        sink += peer[which](0, p, len);
    return (double)(rounds * len) / (now_s() - t0) / 1e9;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(void) {
    static uint8_t buf[65536 + 64];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)(i * 31u + 7u);
    const size_t lens[] = {64, 128, 256, 512, 1448, 9000, 65536};
    printf("GB/s min / median / max of %d interleaved runs; tk_csum_add: %s\n", REPS,
           TK_CSUM_VECTOR);
    printf("%-6s %-5s %-22s %-22s %-22s\n", "bytes", "align", "32-bit loop", "64-bit scalar",
           "tk_csum_add");
    for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
        for (size_t al = 0; al < 2; al++) {
            double r[PEERS][REPS];
            for (int rep = 0; rep < REPS; rep++)
                for (int w = 0; w < PEERS; w++)
                    r[w][rep] = rate(w, buf + al * 3, lens[li]);
            printf("%-6zu %-5zu", lens[li], al * 3);
            for (int w = 0; w < PEERS; w++) {
                qsort(r[w], REPS, sizeof(double), cmp);
                printf(" %6.2f %6.2f %6.2f  ", r[w][0], r[w][REPS / 2], r[w][REPS - 1]);
            }
            printf("\n");
        }
    }
    return 0;
}
