/* Memory figures printed at boot, measured on the target itself (pointer
 * sizes and alignment are the Cortex-M3's): the stack's block for the
 * board's configuration, for exactly 4 sockets with the same settings
 * (with the board's pool, and with a pool for all their buffers), and for
 * the defaults (the "full" profile); and what one
 * connection costs. `make footprint` collects these lines. */
#include "footprint.h"

#include <stdio.h>

#include "board.h"
#include "tcpkit/stats.h"

static void line(const char *name, const tk_config *cfg) {
    tk_sizes z;
    tk_stack_sizes(cfg, &z);
    char out[160];
    int n = snprintf(out, sizeof out,
                     "footprint: %-20s sockets %2lu buffers %5lu+%-5lu block %7lu B, per socket "
                     "%lu B (tcb %lu, hot part %lu; buffers %lu)\n",
                     name, (unsigned long)cfg->max_sockets, (unsigned long)cfg->rcvbuf,
                     (unsigned long)cfg->sndbuf, (unsigned long)tk_stack_mem_size(cfg),
                     (unsigned long)(z.socket + z.conn_buffers), (unsigned long)z.tcb,
                     (unsigned long)z.tcb_hot, (unsigned long)z.conn_buffers);
    if (n > 0)
        tk_uart_write(out, (size_t)n < sizeof out ? (size_t)n : sizeof out - 1);
}

/* The block for sockets x buffers, the board's other settings kept. */
static void matrix(const tk_config *board) {
    static const uint32_t socks[] = {2, 4, 8};
    static const uint32_t kib[] = {2, 4, 8, 16};
    tk_uart_puts("footprint: sockets | 2+2 KiB | 4+4 KiB | 8+8 KiB | 16+16 KiB\n");
    for (size_t i = 0; i < sizeof socks / sizeof socks[0]; i++) {
        char out[128];
        int n = snprintf(out, sizeof out, "footprint: %lu", (unsigned long)socks[i]);
        for (size_t k = 0; k < sizeof kib / sizeof kib[0] && n > 0 && (size_t)n < sizeof out; k++) {
            tk_config c = *board;
            c.max_sockets = socks[i];
            c.rcvbuf = c.sndbuf = c.ooo_budget_bytes = kib[k] * 1024u;
            c.buf_pool_bytes = 0;
            n += snprintf(out + n, sizeof out - (size_t)n, " | %lu",
                          (unsigned long)tk_stack_mem_size(&c));
        }
        if (n > 0 && (size_t)n < sizeof out - 1) {
            out[n++] = '\n';
            tk_uart_write(out, (size_t)n);
        }
    }
}

void tk_footprint_print(const tk_config *board) {
    tk_config four = *board; /* the board's pool: 4 x (4 KiB + slack + 4 KiB) */
    four.max_sockets = 4;
    tk_config four_full = four;
    four_full.buf_pool_bytes = 0; /* room for every socket's full buffers */
    tk_config full;
    tk_config_default(&full);
    line("board (2 listeners)", board);
    line("4 sockets", &four);
    line("4 sockets, full pool", &four_full);
    line("defaults", &full);
    matrix(board);
    tk_uart_puts("footprint: end\n");
}
