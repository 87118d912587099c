/* Clocks, resident memory and stack set-up shared by the benchmarks. */
#include "bench_util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "tcpkit/socket.h"

double tk_bench_wall(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double tk_bench_cpu(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

uint64_t tk_bench_rss(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long long size = 0, resident = 0;
    if (!f)
        return 0;
    int n = fscanf(f, "%llu %llu", &size, &resident);
    fclose(f);
    return n == 2 ? resident * 4096u : 0;
}

double tk_bench_mib(uint64_t bytes) {
    return (double)bytes / (1024.0 * 1024.0);
}

tk_simnet *tk_bench_net(tk_simnet_opts *o) {
    tk_simnet *n = NULL;
    int rc = tk_simnet_create(&n, o);
    if (rc < 0) {
        fprintf(stderr, "tcpkit bench: cannot create the stacks: %s\n", strerror(-rc));
        return NULL;
    }
    return n;
}

int tk_bench_listen(tk_stack *s, uint16_t port, int backlog) {
    int sd = tk_socket(s);
    tk_sockaddr a = tk_sockaddr_in4(TK_SIM_ADDR_B, port);
    if (sd < 0 || tk_bind(s, sd, &a) < 0 || tk_listen(s, sd, backlog) < 0)
        return -1;
    return sd;
}

int tk_bench_connect(tk_simnet *n, int *listener, int *client) {
    tk_stack *a = tk_simnet_stack(n, TK_SIM_A), *b = tk_simnet_stack(n, TK_SIM_B);
    *listener = tk_bench_listen(b, 80, 1);
    *client = tk_socket(a);
    tk_sockaddr to = tk_sockaddr_in4(TK_SIM_ADDR_B, 80);
    if (*listener < 0 || *client < 0 || tk_connect(a, *client, &to) != -EINPROGRESS)
        return -1;
    tk_simnet_poll(n);
    return 0;
}

void tk_bench_print_ratio(const char *what, const double *num, const double *den, int n) {
    double r[20];
    int k = n < 20 ? n : 20;
    for (int i = 0; i < k; i++) {
        double v = den[i] > 0 ? num[i] / den[i] : 0;
        int j = i;
        for (; j > 0 && r[j - 1] > v; j--) /* insertion sort */
            r[j] = r[j - 1];
        r[j] = v;
    }
    if (k > 0)
        printf("  %s: %.2f / %.2f / %.2f (min / median / max of %d)\n", what, r[0], r[k / 2],
               r[k - 1], k);
}
