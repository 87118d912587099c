/* The seeded simulation (SPEC DT-1, DT-7, DT-10): for every seed of a range,
 * a whole connection through a faulty link (loss 0-20 %, duplication,
 * reordering, corruption, outages, ISNs near 2^32, random sizes and close
 * orders) must deliver each stream intact (SHA-256 equal at both ends) and
 * end CLOSED on both sides with no connection left. Each seed runs in a
 * child process so that a crash costs one seed, not the run; a failing seed
 * prints the command that replays it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/sim_random.h"

/* The child's exit status for a failed seed; sanitizers exit with 1. */
#define SEED_FAILED 10

/* 0 passed, 1 failed (reason printed), 2 crashed. */
static int run_seed(uint64_t seed, uint32_t caps, bool ipv6) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        exit(2);
    }
    if (pid == 0) {
        char why[256];
        if (tk_sim_random_seed_caps(seed, caps, ipv6, why, sizeof why))
            _exit(0);
        printf("seed %llu FAILED: %s\n", (unsigned long long)seed, why);
        fflush(stdout);
        _exit(SEED_FAILED);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == SEED_FAILED)
        return 1;
    printf("seed %llu CRASHED (%s %d)\n", (unsigned long long)seed,
           WIFSIGNALED(status) ? "signal" : "exit status",
           WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    return 2;
}

int main(int argc, char **argv) {
    const char *mode = argc == 4 ? argv[3] : "";
    bool tso = !strcmp(mode, "tso") || !strcmp(mode, "ipv6-tso");
    bool ipv6 = !strcmp(mode, "ipv6") || !strcmp(mode, "ipv6-tso");
    if (argc != 3 && !(argc == 4 && (tso || ipv6))) {
        fprintf(stderr, "usage: %s FIRST_SEED LAST_SEED [tso|ipv6|ipv6-tso]\n", argv[0]);
        return 2;
    }
    /* tso: both stacks on a link with checksum offload and TSO (NET-7);
     * ipv6: the connection over IPv6 (NET-4). */
    uint32_t caps = tso ? TK_LINK_CSUM_TCP | TK_LINK_TSO4 | TK_LINK_TSO6 : 0;
    uint64_t first = strtoull(argv[1], NULL, 0), last = strtoull(argv[2], NULL, 0);
    unsigned failed = 0, ran = 0;
    for (uint64_t seed = first; seed <= last; seed++) {
        ran++;
        if (run_seed(seed, caps, ipv6) == 0)
            continue;
        printf("  replay: tcpkit sim random --seed %llu%s%s\n", (unsigned long long)seed,
               ipv6 ? " --ipv6" : "", caps ? " (with TSO: sim_seeds SEED SEED tso)" : "");
        if (++failed >= 20) {
            printf("stopping after 20 failed seeds\n");
            break;
        }
    }
    printf("%u of %u seeds passed (%llu..%llu)\n", ran - failed, ran, (unsigned long long)first,
           (unsigned long long)last);
    return failed ? 1 : 0;
}
