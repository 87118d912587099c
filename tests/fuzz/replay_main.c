/* Replays a fuzz target without libFuzzer: every file of a corpus directory,
 * then a fixed number of deterministic mutations of each, then a few purely
 * random inputs. Each input sits in its own exact-size heap block so the
 * sanitizers see any read past its end.
 *
 * usage: fuzz_replay_NAME CORPUS_DIR [MUTATIONS_PER_FILE] */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"

#define MAX_INPUT         4096
#define DEFAULT_MUTATIONS 2000
#define RANDOM_INPUTS     2000

typedef struct rng {
    uint64_t s;
} rng;

/* splitmix64: small, fast and the same on every platform. */
static uint64_t next(rng *r) {
    uint64_t z = (r->s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static size_t below(rng *r, size_t n) {
    return n ? (size_t)(next(r) % n) : 0;
}

static void run_one(const uint8_t *data, size_t len) {
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy) {
        perror("malloc");
        exit(2);
    }
    if (len)
        memcpy(copy, data, len);
    LLVMFuzzerTestOneInput(copy, len);
    free(copy);
}

static const uint8_t interesting[] = {0x00, 0x01, 0x02, 0x04, 0x05, 0x0a, 0x0f, 0x40,
                                      0x45, 0x50, 0x7f, 0x80, 0xf0, 0xfe, 0xff};

/* One mutation in place; returns the new length. */
static size_t mutate_once(rng *r, uint8_t *b, size_t len) {
    size_t at = below(r, len);
    switch (next(r) % 7) {
    case 0: /* flip one bit */
        if (len)
            b[at] ^= (uint8_t)(1u << below(r, 8));
        return len;
    case 1: /* set an interesting byte */
        if (len)
            b[at] = interesting[below(r, sizeof interesting)];
        return len;
    case 2: /* random byte */
        if (len)
            b[at] = (uint8_t)next(r);
        return len;
    case 3: /* truncate */
        return below(r, len + 1);
    case 4: /* insert a byte */
        if (len >= MAX_INPUT)
            return len;
        memmove(b + at + 1, b + at, len - at);
        b[at] = (uint8_t)next(r);
        return len + 1;
    case 5: /* delete a byte */
        if (!len)
            return len;
        memmove(b + at, b + at + 1, len - at - 1);
        return len - 1;
    default: /* add or subtract a small number */
        if (len)
            b[at] = (uint8_t)(b[at] + (uint8_t)(below(r, 9)) - 4);
        return len;
    }
}

static void mutate_and_run(rng *r, const uint8_t *orig, size_t len, int rounds) {
    static uint8_t b[MAX_INPUT + 1];
    for (int i = 0; i < rounds; i++) {
        size_t n = len;
        memcpy(b, orig, len);
        int edits = 1 + (int)below(r, 4);
        for (int e = 0; e < edits; e++)
            n = mutate_once(r, b, n);
        run_one(b, n);
    }
}

static size_t read_file(const char *path, uint8_t *buf) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, MAX_INPUT, f);
    fclose(f);
    return n;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR [MUTATIONS_PER_FILE]\n", argv[0]);
        return 2;
    }
    int rounds = argc > 2 ? atoi(argv[2]) : DEFAULT_MUTATIONS;
    rng r = {0x7463706b6974u};
    static uint8_t buf[MAX_INPUT];
    unsigned files = 0;
    unsigned long runs = 0;
    struct dirent **names;
    int count = scandir(argv[1], &names, NULL, alphasort); /* sorted: replays exactly */
    if (count < 0) {
        fprintf(stderr, "%s: no corpus directory %s\n", argv[0], argv[1]);
        return 2;
    }
    for (int i = 0; i < count; i++) {
        if (names[i]->d_name[0] != '.') {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[1], names[i]->d_name);
            size_t n = read_file(path, buf);
            run_one(buf, n);
            mutate_and_run(&r, buf, n, rounds);
            files++;
            runs += 1 + (unsigned long)rounds;
        }
        free(names[i]);
    }
    free(names);
    for (int i = 0; i < RANDOM_INPUTS; i++) {
        size_t n = below(&r, 128);
        for (size_t k = 0; k < n; k++)
            buf[k] = (uint8_t)next(&r);
        run_one(buf, n);
    }
    runs += RANDOM_INPUTS;
    printf("%s: %u corpus files, %lu inputs, no invariant failed\n", argv[0], files, runs);
    return 0;
}
