/* The mps2-an385 board as the firmware sees it: the Cortex-M3 core
 * peripherals (SysTick, NVIC), the CMSDK UART and the clock. Addresses from
 * ARM's AN385 application note (memory map) and the ARMv7-M ARM (SCS). */
#ifndef TK_BOARD_H
#define TK_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpkit/types.h"

#define TK_BOARD_CPU_HZ 25000000u /* the FPGA image's system clock */

#define TK_REG(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

/* System control space (ARMv7-M ARM B3.2, B3.3, B3.4). */
#define TK_SYST_CSR  TK_REG(0xE000E010u)
#define TK_SYST_RVR  TK_REG(0xE000E014u)
#define TK_SYST_CVR  TK_REG(0xE000E018u)
#define TK_NVIC_ISER TK_REG(0xE000E100u)
#define TK_NVIC_ICPR TK_REG(0xE000E280u)

/* The LAN9118's interrupt line on the AN385 image. */
#define TK_BOARD_ETH_IRQ 13u

/* Console (board_uart.c): CMSDK UART0, 8N1, polled. */
void tk_uart_init(void);
void tk_uart_write(const char *s, size_t len);
void tk_uart_puts(const char *s);
/* Returns the next received byte, or -1 when none is waiting. */
int tk_uart_getc(void);

/* Time (board_clock.c): SysTick at 1 kHz, read to the microsecond. */
void tk_clock_init(void);
tk_time tk_clock_now(void);

/* Sleeps until the next interrupt unless `*pending` is already set: the
 * check and the sleep run with interrupts masked, so an interrupt that
 * sets it in between still wakes the core (ARMv7-M WFI semantics). */
void tk_board_idle(volatile bool *pending);

/* Randomness (board_entropy.c): see the note there. */
void tk_entropy_stir(uint32_t x);
uint32_t tk_entropy_u32(void *ctx);

#endif
