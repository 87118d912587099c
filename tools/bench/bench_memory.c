/* `tcpkit bench memory`: what connections cost now that buffers come from
 * a shared chunk pool. Resident memory (measured, /proc/self/statm) of many
 * idle ESTABLISHED endpoints with 64 KiB buffers, of the same endpoints
 * holding 4 KiB of unread data each, and the CPU time per segment when
 * 1 or 10,000 connections take turns sending (interleaved repetitions).
 * Prints figures; asserts nothing about time. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "cli.h"
#include "commands.h"
#include "tcpkit/socket.h"
#include "tcpkit/stats.h"

#define WAVE 1000u

typedef struct mem_net {
    tk_simnet *n;
    tk_stack *a, *b;
    int *csd, *ssd; /* descriptors of pair i on A and B */
    uint32_t pairs;
} mem_net;

static void mem_cfg(tk_simnet_opts *o, uint32_t pairs, uint32_t buf) {
    tk_simnet_opts_default(o, 7);
    o->link.delay = 50;
    o->link_capacity = 4u * WAVE + 64u;
    for (int i = 0; i < 2; i++) {
        o->cfg[i].max_sockets = pairs + 16;
        o->cfg[i].rcvbuf = o->cfg[i].sndbuf = buf;
        o->cfg[i].max_syn_backlog = 2 * WAVE;
        o->cfg[i].ephemeral_lo = 1024;
        o->cfg[i].max_time_wait = 16;
    }
}

/* Accepts a wave of connections, each stored at the index of its client
 * socket (accept order is not connect order). */
static bool mem_accept_wave(mem_net *m, int l, uint32_t wave) {
    tk_sockaddr me;
    for (uint32_t got = 0; got < wave; got++) {
        tk_sockaddr peer;
        int sd = tk_accept(m->b, l, &peer);
        if (sd < 0)
            return false;
        uint32_t i;
        for (i = m->pairs; i < m->pairs + wave; i++)
            if (tk_getsockname(m->a, m->csd[i], &me) == 0 && me.port == peer.port)
                break;
        if (i == m->pairs + wave)
            return false;
        m->ssd[i] = sd;
    }
    return true;
}

/* Opens `pairs` connections A -> B in waves; false when one failed. */
static bool mem_open(mem_net *m, uint32_t pairs) {
    int l = tk_bench_listen(m->b, 80, (int)(2 * WAVE));
    tk_sockaddr to = tk_sockaddr_in4(TK_SIM_ADDR_B, 80);
    m->pairs = 0;
    while (l >= 0 && m->pairs < pairs) {
        uint32_t wave = pairs - m->pairs < WAVE ? pairs - m->pairs : WAVE;
        for (uint32_t i = 0; i < wave; i++) {
            m->csd[m->pairs + i] = tk_socket(m->a);
            if (m->csd[m->pairs + i] < 0 ||
                tk_connect(m->a, m->csd[m->pairs + i], &to) != -EINPROGRESS)
                return false;
        }
        tk_simnet_poll(m->n);
        tk_simnet_run_for(m->n, TK_MS(50));
        if (!mem_accept_wave(m, l, wave))
            return false;
        m->pairs += wave;
    }
    return l >= 0;
}

static bool mem_net_make(mem_net *m, uint32_t pairs, uint32_t buf) {
    tk_simnet_opts o;
    mem_cfg(&o, pairs, buf);
    memset(m, 0, sizeof(*m));
    m->csd = calloc(pairs, sizeof(int));
    m->ssd = calloc(pairs, sizeof(int));
    m->n = m->csd && m->ssd ? tk_bench_net(&o) : NULL;
    if (m->n == NULL)
        return false;
    m->a = tk_simnet_stack(m->n, TK_SIM_A);
    m->b = tk_simnet_stack(m->n, TK_SIM_B);
    return mem_open(m, pairs);
}

static void mem_net_free(mem_net *m) {
    if (m->n)
        tk_simnet_destroy(m->n);
    free(m->csd);
    free(m->ssd);
}

/* Every endpoint sends `bytes` to its peer, which does not read them. */
static uint64_t mem_fill(mem_net *m, uint32_t bytes) {
    static uint8_t data[4096];
    uint64_t queued = 0;
    for (uint32_t i = 0; i < m->pairs; i++) {
        for (uint32_t left = bytes; left > 0;) {
            uint32_t k = left < sizeof data ? left : (uint32_t)sizeof data;
            long a = tk_send(m->a, m->csd[i], data, k), b = tk_send(m->b, m->ssd[i], data, k);
            if (a != (long)k || b != (long)k)
                return queued;
            queued += 2u * k;
            left -= k;
        }
        if (i % 64u == 63u) /* acknowledged data leaves the send buffers */
            tk_simnet_run_for(m->n, TK_MS(1));
    }
    tk_simnet_poll(m->n);
    tk_simnet_run_for(m->n, TK_MS(500));
    return queued;
}

/* Resident bytes per endpoint with `fill` bytes of unread data each. */
static int mem_case(uint32_t endpoints, uint32_t buf, uint32_t fill, const char *what) {
    uint32_t pairs = endpoints / 2;
    uint64_t rss0 = tk_bench_rss();
    mem_net m;
    bool ok = mem_net_make(&m, pairs, buf);
    uint64_t queued = ok && fill > 0 ? mem_fill(&m, fill) : 0;
    uint64_t rss1 = tk_bench_rss();
    uint32_t est = ok ? tk_stack_state_count(m.a, TK_TCP_ESTABLISHED) +
                            tk_stack_state_count(m.b, TK_TCP_ESTABLISHED)
                      : 0;
    double per = est ? (double)(rss1 - rss0) / est : 0;
    printf("memory %s: %u endpoints ESTABLISHED, SO_SNDBUF/SO_RCVBUF %u KiB, %llu bytes "
           "unread in all\n",
           what, est, buf / 1024u, (unsigned long long)queued);
    printf("  resident (RSS growth, both stacks, everything): %.1f MiB, %.0f bytes per endpoint\n",
           tk_bench_mib(rss1 - rss0), per);
    if (ok) {
        tk_buf_usage ua, ub;
        tk_stack_buffers(m.a, &ua);
        tk_stack_buffers(m.b, &ub);
        printf("  buffer chunks of %u bytes in use: A %u, B %u (touched ever: %u, %u); block "
               "by tk_stack_mem_size: %.1f MiB per stack, virtual\n",
               ua.chunk_size, ua.used, ub.used, ua.touched, ub.touched,
               tk_bench_mib(tk_stack_mem_size(tk_stack_config(m.a))));
    }
    mem_net_free(&m);
    return ok && est == 2 * pairs && queued == (uint64_t)fill * 2u * pairs ? 0 : 1;
}

#define BATCH 32u   /* segments sent between two runs of the simulator */
#define SEG   1448u /* one full segment of payload */

/* Sends `segs` segments A -> B in batches of BATCH, cycling over the
 * first `conns` connections, and reads them at B. Returns the CPU seconds. */
static double cpu_run(mem_net *m, uint32_t conns, uint32_t segs) {
    static uint8_t data[SEG], sink[64 * 1024];
    double t0 = tk_bench_cpu();
    uint32_t at = 0;
    for (uint32_t done = 0; done < segs; done += BATCH) {
        uint32_t first = at;
        for (uint32_t k = 0; k < BATCH; k++) {
            (void)tk_send(m->a, m->csd[at], data, SEG);
            at = at + 1 == conns ? 0 : at + 1;
        }
        tk_simnet_poll(m->n);
        tk_simnet_run_for(m->n, TK_MS(1));
        for (uint32_t k = 0, i = first; k < BATCH && k < conns; k++) {
            while (tk_recv(m->b, m->ssd[i], sink, sizeof sink) > 0)
                ;
            i = i + 1 == conns ? 0 : i + 1;
        }
    }
    return tk_bench_cpu() - t0;
}

static uint64_t segs_both(const mem_net *m) {
    return tk_stack_stats(m->a)->segs_out + tk_stack_stats(m->b)->segs_out;
}

/* CPU per segment with 1 and with `many` connections taking turns, three
 * interleaved repetitions each on the same two stacks. */
static int cpu_case(uint32_t many, uint32_t segs) {
    mem_net m;
    if (!mem_net_make(&m, many, 64u * 1024u)) {
        mem_net_free(&m);
        return 1;
    }
    double per[2][3];
    uint32_t conns[2] = {1, many};
    for (int rep = 0; rep < 3; rep++) {
        for (int c = 0; c < 2; c++) {
            uint64_t s0 = segs_both(&m);
            double cpu = cpu_run(&m, conns[c], segs);
            uint64_t n = segs_both(&m) - s0;
            per[c][rep] = cpu * 1e9 / (double)(n ? n : 1);
            if (rep == 0)
                printf("  (%u connection(s): %llu segments in a run)\n", conns[c],
                       (unsigned long long)n);
        }
    }
    printf("cpu per segment (data and ACKs, both stacks, simulator included), batches of %u "
           "segments of %u bytes:\n",
           BATCH, SEG);
    for (int c = 0; c < 2; c++)
        printf("  %5u connection(s) taking turns: %.0f / %.0f / %.0f ns (3 interleaved runs)\n",
               conns[c], per[c][0], per[c][1], per[c][2]);
    double r[3];
    for (int rep = 0; rep < 3; rep++)
        r[rep] = per[1][rep] / per[0][rep];
    printf("  ratio %u : 1 = %.2f / %.2f / %.2f\n", many, r[0], r[1], r[2]);
    mem_net_free(&m);
    return 0;
}

static int mem_usage(FILE *f, int rc) {
    fprintf(f, "usage: tcpkit bench memory [--endpoints N] [--active N] [--segments N] [--quick]\n"
               "  --endpoints N  ESTABLISHED endpoints for the memory figures (default 100000)\n"
               "  --active N     connections taking turns for the CPU figure (default 10000)\n"
               "  --segments N   data segments per run of the CPU figure (default 320000)\n"
               "  --quick        10000 endpoints, 1000 active connections\n");
    return rc;
}

int tk_bench_memory(int argc, char **argv) {
    uint64_t endpoints = 100000, active = 10000, segments = 320000;
    tk_cli c;
    tk_cli_init(&c, "tcpkit bench memory", argc, argv);
    for (const char *a; (a = tk_cli_next(&c)) != NULL;) {
        int rc = 0;
        if (tk_cli_is_help(a))
            return mem_usage(stdout, 0);
        if (!strcmp(a, "--quick")) {
            endpoints = 10000;
            active = 1000;
        } else if (tk_cli_is(&c, a, "--endpoints")) {
            rc = tk_cli_range(&c, 2, 120000, &endpoints);
        } else if (tk_cli_is(&c, a, "--active")) {
            rc = tk_cli_range(&c, 1, 60000, &active);
        } else if (tk_cli_is(&c, a, "--segments")) {
            rc = tk_cli_range(&c, BATCH, 100000000, &segments);
        } else {
            return tk_cli_unknown(&c, a);
        }
        if (rc)
            return rc;
    }
    int rc1 = mem_case((uint32_t)endpoints, 64u * 1024u, 0, "idle");
    int rc2 = mem_case((uint32_t)endpoints, 64u * 1024u, 4096u, "4 KiB unread each way");
    int rc3 = cpu_case((uint32_t)active, (uint32_t)segments);
    return rc1 || rc2 || rc3 ? 1 : 0;
}
