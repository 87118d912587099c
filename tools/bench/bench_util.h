/* What every `tcpkit bench` figure needs: clocks, resident memory, and two
 * simulated stacks with a listener. */
#ifndef TK_TOOLS_BENCH_UTIL_H
#define TK_TOOLS_BENCH_UTIL_H

#include <stdint.h>

#include "simnet.h"

double tk_bench_wall(void);
/* CPU seconds of this process (user + system). */
double tk_bench_cpu(void);
/* Resident set size in bytes (Linux /proc), 0 when unknown. */
uint64_t tk_bench_rss(void);
double tk_bench_mib(uint64_t bytes);
/* Creates the two stacks, or prints why not and returns NULL. */
tk_simnet *tk_bench_net(tk_simnet_opts *o);
/* A listening socket on B's address and `port`, or -1. */
int tk_bench_listen(tk_stack *s, uint16_t port, int backlog);
/* B listens on port 80 and A connects to it (the handshake is left to the
 * simulation): *listener and *client, 0, or -1 when a call failed. */
int tk_bench_connect(tk_simnet *n, int *listener, int *client);
/* Prints "  <what>: min / median / max" of num[i] / den[i] over n runs
 * (n <= 20). */
void tk_bench_print_ratio(const char *what, const double *num, const double *den, int n);

#endif
