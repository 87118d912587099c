/* SMSC LAN9118 Ethernet controller (as on the MPS2 board and in QEMU's
 * model): frames move through the chip's FIFOs by programmed I/O, one
 * 32-bit word at a time. Receive is interrupt-signalled: the interrupt only
 * sets a flag; frames are read and given to the stack from the main loop. */
#ifndef TK_LAN9118_H
#define TK_LAN9118_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TK_LAN9118_BASE 0x40200000u /* on the AN385 image */

typedef struct tk_lan9118 {
    uintptr_t base;
    uint8_t mac[6];
    volatile bool rx_pending; /* set by the interrupt, cleared by the reader */
    uint32_t rx_frames, rx_errors, rx_too_big, tx_frames, tx_busy;
} tk_lan9118;

/* Resets the chip, reads the MAC address it holds (its EEPROM's, or the one
 * QEMU was given with -nic ...,mac=), enables transmit and receive for that
 * address and broadcast, and the receive interrupt. Returns 0, or -ENODEV
 * when no LAN9118 answers at base. */
int tk_lan9118_init(tk_lan9118 *nic, uintptr_t base);

/* Reads one received frame without its FCS into buf (word aligned). Returns
 * its length, -EAGAIN when none is waiting, or -EMSGSIZE / -EIO for a frame
 * that was too big for cap or received with an error (consumed, counted). */
long tk_lan9118_read(tk_lan9118 *nic, uint32_t *buf, size_t cap);

/* Queues one frame for transmission. Returns 0, -EBUSY when the transmit
 * FIFO has no room for it now (try again later), or -EMSGSIZE. */
int tk_lan9118_write(tk_lan9118 *nic, const uint8_t *frame, size_t len);

/* The interrupt handler's work: acknowledges the chip and flags the reader. */
void tk_lan9118_irq(tk_lan9118 *nic);

#endif
