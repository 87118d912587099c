/* The seeded random run behind `tcpkit sim random` and the seeded
 * simulation test (SPEC DT-1, DT-7, DT-10). */
#ifndef TK_TOOLS_SIM_RANDOM_H
#define TK_TOOLS_SIM_RANDOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_harness.h"

#define TK_SIM_RANDOM_MAX_OUTAGES 2

typedef struct tk_sim_random_params {
    uint64_t seed;
    uint32_t loss_ppm, dup_ppm, reorder_ppm, corrupt_ppm;
    uint32_t outages; /* both directions down for outage_len from outage_from */
    tk_time outage_from[TK_SIM_RANDOM_MAX_OUTAGES], outage_len[TK_SIM_RANDOM_MAX_OUTAGES];
    uint64_t bytes_ab, bytes_ba;
    int close_order; /* 0: A shuts down first, 1: B first, 2: both at once */
    bool isn_high;   /* ISNs just below 2^32 (isn_a, isn_b) */
    /* Buffer pool of each stack in 128-byte chunks; 0: the default pool
     * (room for every buffer). One seed in four runs with a tiny pool, so
     * windows shrink and sends stop short (buffer-pool exhaustion). */
    uint32_t pool_chunks;
    /* The applications send with tk_send_reserve/commit and read with
     * tk_recv_peek/consume (API-4) instead of copying: every other seed. */
    bool zerocopy;
    uint32_t isn_a, isn_b;
} tk_sim_random_params;

/* The parameters of o->seed, with every option o sets taking precedence. */
void tk_sim_random_derive(tk_sim_random_params *p, const tk_sim_opts *o);

/* The full command line that replays these parameters. */
void tk_sim_random_cmdline(const tk_sim_random_params *p, char *buf, size_t cap);

/* Runs one seed silently. Returns true when it passed; otherwise `why`
 * holds the first failed expectation. */
bool tk_sim_random_seed(uint64_t seed, char *why, size_t cap);
/* The same with both stacks given these link capabilities (NET-7: TSO
 * super-segments cut by the simulated link before its faults apply), and
 * with ipv6 the connection over IPv6 (NET-4, as `--ipv6`). */
bool tk_sim_random_seed_caps(uint64_t seed, uint32_t link_caps, bool ipv6, char *why, size_t cap);

#endif
