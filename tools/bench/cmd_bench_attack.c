/* `tcpkit bench attack`: the SYN-flood figures of docs/security.md. A
 * server stack under spoofed SYNs while a real client connects again and
 * again, on virtual time: legitimate connects accepted within 3 s, their
 * median and worst time, the SYN_RCVD peak, cookies, memory. The same
 * flood against the server without SYN cookies shows what they buy.
 * Prints figures; asserts nothing. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "commands.h"
#include "flood.h"

typedef struct row {
    const char *name;
    tk_flood_plan plan;
} row;

static void print_row(const char *name, const tk_flood_plan *p, const tk_flood_result *r,
                      double cpu) {
    printf("%-22s %8u/s %4llus  %4d/%-4d %6llu %6llu  %5u/%-5u %9llu %7llu  %9zu  %5.1f\n", name,
           p->spoof_per_s, (unsigned long long)(p->duration / TK_SEC(1)), r->within, p->legit,
           (unsigned long long)(r->median / 1000u), (unsigned long long)(r->worst / 1000u),
           r->syn_rcvd_peak, r->syncache, (unsigned long long)r->cookies_sent,
           (unsigned long long)r->cookies_accepted, r->mem, cpu);
}

static int usage(FILE *f, int rc) {
    fprintf(f, "usage: tcpkit bench attack [--quick]\n"
               "  --quick  10,000 spoofed SYN/s instead of 100,000\n");
    return rc;
}

int tk_bench_attack(int argc, char **argv) {
    bool quick = false;
    tk_cli c;
    tk_cli_init(&c, "tcpkit bench attack", argc, argv);
    for (const char *a; (a = tk_cli_next(&c)) != NULL;) {
        if (tk_cli_is_help(a))
            return usage(stdout, 0);
        if (strcmp(a, "--quick") != 0)
            return tk_cli_unknown(&c, a);
        quick = true;
    }
    uint32_t rate = quick ? 10000u : 100000u;
    const row rows[] = {
        {"default config", {0, 0, 128, rate, TK_SEC(10), TK_FLOOD_LEGIT_MAX, false}},
        {"small (8 sockets, 4)", {8, 4, 4, rate, TK_SEC(10), TK_FLOOD_LEGIT_MAX, false}},
        {"low rate, default", {0, 0, 128, 2, TK_SEC(120), TK_FLOOD_LEGIT_MAX, false}},
        {"no flood, default", {0, 0, 128, 0, TK_SEC(10), TK_FLOOD_LEGIT_MAX, false}},
        {"default, no cookies", {0, 0, 128, rate, TK_SEC(10), TK_FLOOD_LEGIT_MAX, true}},
    };
    printf("%-22s %10s %5s  %9s %6s %6s  %11s %9s %7s  %9s  %5s\n", "server", "spoofed", "for",
           "in 3 s", "med ms", "max ms", "SYN_RCVD", "cookies", "used", "memory B", "CPU s");
    int rc = 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        tk_flood_result r;
        clock_t c0 = clock();
        if (tk_flood_run(&rows[i].plan, &r) < 0) {
            fprintf(stderr, "tcpkit bench attack: %s: cannot make the stacks\n", rows[i].name);
            rc = 2;
            continue;
        }
        print_row(rows[i].name, &rows[i].plan, &r, (double)(clock() - c0) / CLOCKS_PER_SEC);
    }
    return rc;
}
