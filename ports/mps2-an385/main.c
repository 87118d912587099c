/* tcpkit on the mps2-an385 board: the stack at 198.18.0.2/24 on the
 * LAN9118, an echo and an HTTP service, and a console on the UART.
 *
 * The main loop is the whole scheduler: frames the chip received go to
 * tk_stack_input, the services make their socket calls, tk_stack_poll
 * sends what they queued and runs due timers, and the core sleeps (WFI)
 * until the next interrupt (a frame, or the 1 ms SysTick) when nothing
 * moved. The interrupt handler only sets a flag, so the stack is only ever
 * called from this loop (docs/porting.md, threads and interrupts).
 *
 * Built with TK_BOARD_SERVICES_ONLY (tcpkit-mps2-services.elf) it leaves
 * out the console and the boot-time memory figures, whose connection table,
 * counters and size queries are diagnostics: that firmware links the stack
 * as the services alone need it, the code figure `make footprint` compares
 * with other stacks. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "board.h"
#include "console.h"
#include "footprint.h"
#include "lan9118.h"
#include "services.h"
#include "tcpkit/config.h"
#include "tcpkit/stack.h"

#define BOARD_ADDR    0xc6120002u /* 198.18.0.2 */
#define BOARD_NETMASK 0xffffff00u
#define RX_BATCH      8
/* The stack's whole memory: checked against tk_stack_mem_size at boot. */
#define STACK_MEM_BYTES (96u * 1024u)

static tk_lan9118 nic;
static uint8_t stack_mem[STACK_MEM_BYTES] __attribute__((aligned(16)));
static uint32_t frame[1536 / 4];

void tk_board_eth_irq(void);
void tk_board_eth_irq(void) {
    tk_lan9118_irq(&nic);
}

/* A full transmit FIFO answers -EBUSY: the stack keeps the frame and
 * offers it again at its next poll (tk_stack_io.output). */
static int send_frame(void *ctx, const uint8_t *f, size_t len) {
    return tk_lan9118_write(ctx, f, len);
}

/* A small device's configuration: 4 connections with 4 KiB buffers each
 * way, tables sized to match (docs/porting.md has the memory table). The
 * buffers come from one pool of 512-byte chunks sized for the 4
 * connections only: listeners hold no data. Built with a profile
 * (minimal/tk_opts.h) the defaults are already the device's; without one
 * the firmware sets them at run time. */
static void board_config(tk_config *cfg) {
    tk_config_default(cfg);
    cfg->addr = BOARD_ADDR;
    cfg->netmask = BOARD_NETMASK;
    memcpy(cfg->mac, nic.mac, 6);
#ifndef TK_OPTS
    cfg->max_sockets = 6; /* 2 listeners + 4 connections */
    cfg->rcvbuf = 4096;
    cfg->sndbuf = 4096;
    cfg->buf_chunk_size = 512;
    cfg->buf_pool_bytes = 4u * (4096u + 512u + 4096u);
    cfg->ooo_budget_bytes = 4096;
    cfg->max_time_wait = 8;
    cfg->max_syn_backlog = 8;
    cfg->syn_rate_sources = 4;
    cfg->md5_keys = 0;
    cfg->arp_cache_size = 4;
    cfg->arp_queue_frames = 2;
    cfg->ipfrag_slots = 0;
    cfg->ecn = 0;
    cfg->tx_backlog_frames = 2;
#endif
}

static void halt(const char *why, long code) {
    char line[96];
    int n = snprintf(line, sizeof line, "board: %s (%ld)\n", why, code);
    if (n > 0)
        tk_uart_write(line, (size_t)n);
    for (;;)
        __asm volatile("wfi");
}

static tk_stack *start_stack(void) {
    tk_config cfg;
    board_config(&cfg);
    size_t need = tk_stack_mem_size(&cfg);
    if (need == 0 || need > sizeof stack_mem)
        halt("stack memory too small", (long)need);
    tk_stack_io io = {.output = send_frame, .random = tk_entropy_u32, .ctx = &nic};
    tk_stack *s = NULL;
    int rc = tk_stack_init(&s, stack_mem, sizeof stack_mem, &cfg, &io);
    if (rc < 0)
        halt("tk_stack_init failed", rc);
    char line[96];
    int n = snprintf(line, sizeof line, "tcpkit: 198.18.0.2/24, %lu bytes of stack memory\n",
                     (unsigned long)need);
    if (n > 0)
        tk_uart_write(line, (size_t)n);
#ifndef TK_BOARD_SERVICES_ONLY
    tk_footprint_print(&cfg);
#endif
    return s;
}

/* Hands up to RX_BATCH received frames to the stack; returns how many. */
static int receive(tk_stack *s) {
    int got = 0;
    while (got < RX_BATCH) {
        long len = tk_lan9118_read(&nic, frame, sizeof frame);
        if (len == -EAGAIN)
            break;
        got++;
        if (len > 0) {
            tk_time now = tk_clock_now();
            tk_entropy_stir((uint32_t)now);
            tk_stack_input(s, (const uint8_t *)frame, (size_t)len, now);
        }
    }
    return got;
}

int main(void) {
    tk_uart_init();
    tk_clock_init();
    tk_uart_puts("board: mps2-an385, Cortex-M3\n");
    int rc = tk_lan9118_init(&nic, TK_LAN9118_BASE);
    if (rc < 0)
        halt("no LAN9118", rc);
    tk_entropy_stir((uint32_t)nic.mac[4] << 8 | nic.mac[5]);
    TK_NVIC_ICPR = 1u << TK_BOARD_ETH_IRQ;
    TK_NVIC_ISER = 1u << TK_BOARD_ETH_IRQ;
    tk_stack *s = start_stack();
    rc = tk_services_start(s);
    if (rc < 0)
        halt("services failed", rc);
    tk_uart_puts("services: echo 7, http 80; console: t s d\n");
    for (;;) {
        nic.rx_pending = false;
        int got = receive(s);
        bool moved = tk_services_run(s);
        tk_time now = tk_clock_now();
        tk_stack_poll(s, now);
#ifndef TK_BOARD_SERVICES_ONLY
        tk_console_poll(s, &nic);
#endif
        if (got == 0 && !moved && tk_stack_next_deadline(s) > tk_clock_now())
            tk_board_idle(&nic.rx_pending);
    }
}
