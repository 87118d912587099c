/* Reset and exception vectors for the Cortex-M3 (ARMv7-M ARM B1.5.3): the
 * table at address 0 holds the initial stack pointer and the handlers. The
 * reset handler copies .data from its load address, clears .bss and calls
 * main. */
#include <stdint.h>
#include <string.h>

#include "board.h"

extern uint32_t __data_start, __data_end, __data_load, __bss_start, __bss_end, __stack_top;

int main(void);
void tk_board_reset(void);
void tk_board_fault(void);
void tk_board_systick(void);
void tk_board_eth_irq(void);

void tk_board_reset(void) {
    memcpy(&__data_start, &__data_load,
           (size_t)((uintptr_t)&__data_end - (uintptr_t)&__data_start));
    memset(&__bss_start, 0, (size_t)((uintptr_t)&__bss_end - (uintptr_t)&__bss_start));
    main();
    for (;;)
        __asm volatile("wfi");
}

/* A fault stops the board with a message rather than running on. */
void tk_board_fault(void) {
    tk_uart_puts("board: fault\n");
    for (;;)
        __asm volatile("wfi");
}

static void unused_irq(void) {
    tk_uart_puts("board: unexpected interrupt\n");
}

typedef void (*vector)(void);
#define NUM_IRQS 32

__attribute__((section(".vectors"), used)) static const vector vectors[16 + NUM_IRQS] = {
    [0] = (vector)(uintptr_t)&__stack_top,
    [1] = tk_board_reset,
    [2] = tk_board_fault, /* NMI */
    [3] = tk_board_fault, /* HardFault */
    [4] = tk_board_fault, /* MemManage */
    [5] = tk_board_fault, /* BusFault */
    [6] = tk_board_fault, /* UsageFault */
    [11] = unused_irq,    /* SVCall */
    [14] = unused_irq,    /* PendSV */
    [15] = tk_board_systick,
    [16 + 0] = unused_irq,
    [16 + TK_BOARD_ETH_IRQ] = tk_board_eth_irq,
};
