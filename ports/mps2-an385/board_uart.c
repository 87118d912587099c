/* The console: the CMSDK APB UART 0 of the AN385 image, polled. QEMU's
 * -nographic connects it to the terminal; a baud divisor is still set for
 * real hardware (25 MHz / 115200). */
#include "board.h"

#define UART_BASE  0x40004000u
#define UART_DATA  TK_REG(UART_BASE + 0x00u)
#define UART_STATE TK_REG(UART_BASE + 0x04u)
#define UART_CTRL  TK_REG(UART_BASE + 0x08u)
#define UART_BAUD  TK_REG(UART_BASE + 0x10u)

#define STATE_TX_FULL 0x1u
#define STATE_RX_FULL 0x2u
#define CTRL_TX_EN    0x1u
#define CTRL_RX_EN    0x2u

void tk_uart_init(void) {
    UART_BAUD = TK_BOARD_CPU_HZ / 115200u;
    UART_CTRL = CTRL_TX_EN | CTRL_RX_EN;
}

static void put_byte(char c) {
    while (UART_STATE & STATE_TX_FULL)
        ;
    UART_DATA = (uint8_t)c;
}

void tk_uart_write(const char *s, size_t len) {
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            put_byte('\r');
        put_byte(s[i]);
    }
}

void tk_uart_puts(const char *s) {
    size_t n = 0;
    while (s[n] != '\0')
        n++;
    tk_uart_write(s, n);
}

int tk_uart_getc(void) {
    if ((UART_STATE & STATE_RX_FULL) == 0)
        return -1;
    return (int)(UART_DATA & 0xffu);
}
