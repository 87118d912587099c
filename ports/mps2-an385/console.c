/* Console commands over the UART (see console.h). Counters print as 32-bit
 * values: newlib-nano's printf has no long long. */
#include "console.h"

#include <stdio.h>

#include "board.h"
#include "tcpkit/stats.h"

#define TABLE_MAX 16

static void print(const char *line, int n, size_t cap) {
    if (n > 0)
        tk_uart_write(line, (size_t)n < cap ? (size_t)n : cap - 1);
}

static int endpoint(char *out, size_t cap, tk_sockaddr a) {
    return snprintf(out, cap, "%lu.%lu.%lu.%lu:%u", (unsigned long)(a.addr >> 24),
                    (unsigned long)((a.addr >> 16) & 0xffu), (unsigned long)((a.addr >> 8) & 0xffu),
                    (unsigned long)(a.addr & 0xffu), (unsigned)a.port);
}

void tk_console_table(const tk_stack *s) {
    static tk_conn_info info[TABLE_MAX];
    char line[128], l[24], r[24];
    int total = tk_stack_conn_table(s, info, TABLE_MAX);
    tk_uart_puts("table begin\nState       Recv-Q Send-Q Local                 Peer\n");
    for (int i = 0; i < total && i < TABLE_MAX; i++) {
        endpoint(l, sizeof l, info[i].local);
        endpoint(r, sizeof r, info[i].remote);
        int n = snprintf(line, sizeof line, "%-11s %6lu %6lu %-21s %s\n",
                         tk_tcp_state_name(info[i].state), (unsigned long)info[i].recv_q,
                         (unsigned long)info[i].send_q, l, r);
        print(line, n, sizeof line);
    }
    tk_uart_puts("table end\n");
}

static void print_stats(const tk_stack *s) {
    const tk_stats *st = tk_stack_stats(s);
    char line[64];
    for (size_t i = 0; i < tk_stats_count(); i++) {
        uint64_t v = tk_stats_value(st, i);
        if (v != 0) {
            /* Without names (TK_WITH_COUNTER_NAMES 0): the counter's index. */
            const char *name = tk_stats_name(i);
            int n = name != NULL ? snprintf(line, sizeof line, "%s %lu\n", name, (unsigned long)v)
                                 : snprintf(line, sizeof line, "#%lu %lu\n", (unsigned long)i,
                                            (unsigned long)v);
            print(line, n, sizeof line);
        }
    }
    tk_uart_puts("stats end\n");
}

static void print_driver(const tk_lan9118 *nic) {
    char line[128];
    int n = snprintf(
        line, sizeof line,
        "lan9118 rx_frames %lu rx_errors %lu rx_too_big %lu tx_frames %lu tx_busy %lu\n",
        (unsigned long)nic->rx_frames, (unsigned long)nic->rx_errors,
        (unsigned long)nic->rx_too_big, (unsigned long)nic->tx_frames, (unsigned long)nic->tx_busy);
    print(line, n, sizeof line);
}

void tk_console_poll(const tk_stack *s, const tk_lan9118 *nic) {
    int c;
    while ((c = tk_uart_getc()) >= 0) {
        if (c == 't')
            tk_console_table(s);
        else if (c == 's')
            print_stats(s);
        else if (c == 'd')
            print_driver(nic);
    }
}
