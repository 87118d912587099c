/* The Internet checksum's speed: tk_csum_add (64-bit words, end-around
 * carry) against the former loop (32-bit words into a 64-bit accumulator),
 * interleaved, 5 repetitions each, for segment-sized and 64 KiB buffers at
 * two alignments. Prints GB/s min/median/max; asserts nothing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tcpkit/wire/checksum.h"

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

static double rate(int which, const uint8_t *p, size_t len) {
    size_t total = (size_t)1 << 30, rounds = total / len;
    double t0 = now_s();
    for (size_t i = 0; i < rounds; i++)
        sink += which ? tk_csum_add(0, p, len) : sum32(p, len);
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
    const size_t lens[] = {1448, 9000, 65536};
    printf("%-8s %-5s %-22s %-22s\n", "bytes", "align", "32-bit loop GB/s", "tk_csum_add GB/s");
    for (size_t li = 0; li < 3; li++) {
        for (size_t al = 0; al < 2; al++) {
            double r[2][5];
            for (int rep = 0; rep < 5; rep++)
                for (int w = 0; w < 2; w++)
                    r[w][rep] = rate(w, buf + al * 3, lens[li]);
            qsort(r[0], 5, sizeof(double), cmp);
            qsort(r[1], 5, sizeof(double), cmp);
            printf("%-8zu %-5zu %6.2f %6.2f %6.2f   %6.2f %6.2f %6.2f\n", lens[li], al * 3, r[0][0],
                   r[0][2], r[0][4], r[1][0], r[1][2], r[1][4]);
        }
    }
    return 0;
}
