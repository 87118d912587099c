/* Time: SysTick interrupts once a millisecond and counts; a reading adds
 * the microseconds elapsed in the current millisecond from the down-counter.
 * The stack only ever gets time as an argument (tk_stack_input/poll), so
 * this file is the whole of its clock. */
#include "board.h"

#define TICKS_PER_MS (TK_BOARD_CPU_HZ / 1000u)
#define TICKS_PER_US (TK_BOARD_CPU_HZ / 1000000u)

#define CSR_ENABLE    0x1u
#define CSR_TICKINT   0x2u
#define CSR_CLKSOURCE 0x4u /* the processor clock */
#define CSR_COUNTFLAG 0x10000u

static volatile uint32_t ms_ticks;

void tk_board_systick(void);
void tk_board_systick(void) {
    ms_ticks++;
}

void tk_clock_init(void) {
    TK_SYST_RVR = TICKS_PER_MS - 1u;
    TK_SYST_CVR = 0;
    TK_SYST_CSR = CSR_ENABLE | CSR_TICKINT | CSR_CLKSOURCE;
}

tk_time tk_clock_now(void) {
    uint32_t ms, left;
    /* Read the count and the counter until no tick came in between. */
    do {
        ms = ms_ticks;
        left = TK_SYST_CVR;
    } while (ms != ms_ticks);
    uint32_t us = (TICKS_PER_MS - 1u - left) / TICKS_PER_US;
    return (tk_time)ms * 1000u + us;
}

void tk_board_idle(volatile bool *pending) {
    __asm volatile("cpsid i" ::: "memory");
    if (!*pending)
        __asm volatile("wfi" ::: "memory");
    __asm volatile("cpsie i" ::: "memory");
}
