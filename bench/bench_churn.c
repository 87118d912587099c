/* Connection churn between two stacks on an ideal simulated link: each
 * cycle is connect, accept, close on both ends (A keeps TIME_WAIT), driven
 * by tk_stack_poll / tk_stack_next_deadline through the simulated network.
 * Prints cycles per wall second for a few ARP cache sizes, to show what the
 * per-poll bookkeeping costs (docs/performance.md). Asserts nothing.
 *   bench_churn [CYCLES [ARP_CACHE_SIZE]]   (default 100000 cycles for
 *   each of the sizes 1, 32 and 1024; one size when given) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "simnet.h"
#include "tcpkit/socket.h"

static double wall_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One cycle; returns 0 when both ends got the connection and closed it. */
static int cycle(tk_simnet *n, int l) {
    tk_stack *a = tk_simnet_stack(n, TK_SIM_A), *b = tk_simnet_stack(n, TK_SIM_B);
    int c = tk_socket(a), d = -1;
    tk_sockaddr to = tk_sockaddr_in4(TK_SIM_ADDR_B, 80);
    if (c < 0 || tk_connect(a, c, &to) != -EINPROGRESS)
        return -1;
    tk_simnet_poll(n);
    for (int i = 0; i < 64 && d < 0; i++) {
        tk_simnet_step(n, TK_TIME_NEVER - 1);
        d = tk_accept(b, l, NULL);
    }
    if (d < 0)
        return -1;
    tk_close(a, c);
    tk_close(b, d);
    tk_simnet_poll(n);
    tk_simnet_run_for(n, TK_MS(1));
    return 0;
}

static void run(uint32_t arp_cache_size, uint32_t cycles) {
    tk_simnet_opts o;
    tk_simnet_opts_default(&o, 1);
    o.link.delay = 50;
    for (int i = 0; i < 2; i++) {
        o.cfg[i].arp_cache_size = arp_cache_size;
        o.cfg[i].max_time_wait = 4096;
        o.cfg[i].msl = TK_MS(500);
    }
    tk_simnet *n = NULL;
    if (tk_simnet_create(&n, &o) < 0) {
        fprintf(stderr, "bench_churn: cannot create the stacks\n");
        exit(2);
    }
    int l = tk_socket(tk_simnet_stack(n, TK_SIM_B));
    tk_sockaddr at = tk_sockaddr_in4(TK_SIM_ADDR_B, 80);
    tk_bind(tk_simnet_stack(n, TK_SIM_B), l, &at);
    tk_listen(tk_simnet_stack(n, TK_SIM_B), l, 16);
    uint32_t done = 0;
    double t0 = wall_now();
    while (done < cycles && cycle(n, l) == 0)
        done++;
    double wall = wall_now() - t0;
    printf("arp_cache_size %5u: %u cycles in %.3f s, %.0f cycles/s\n", arp_cache_size, done, wall,
           (double)done / wall);
    tk_simnet_destroy(n);
}

int main(int argc, char **argv) {
    uint32_t cycles = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 0) : 100000u;
    if (argc > 2) {
        run((uint32_t)strtoul(argv[2], NULL, 0), cycles);
        return 0;
    }
    static const uint32_t sizes[] = {1, 32, 1024};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        run(sizes[i], cycles);
    return 0;
}
