/* SMSC LAN9118 driver: register offsets and bits from the LAN9118 data
 * sheet (section 5, "System Control and Status Registers"; section 3.12 for
 * the transmit command words and receive status word). */
#include "lan9118.h"

#include <errno.h>
#include <string.h>

#define RX_DATA_FIFO   0x00u
#define TX_DATA_FIFO   0x20u
#define RX_STATUS_FIFO 0x40u
#define IRQ_CFG        0x54u
#define INT_STS        0x58u
#define INT_EN         0x5cu
#define BYTE_TEST      0x64u
#define FIFO_INT       0x68u
#define TX_CFG         0x70u
#define HW_CFG         0x74u
#define RX_FIFO_INF    0x7cu
#define TX_FIFO_INF    0x80u
#define MAC_CSR_CMD    0xa4u
#define MAC_CSR_DATA   0xa8u

#define BYTE_TEST_VALUE 0x87654321u
#define HW_CFG_SRST     0x1u
#define IRQ_CFG_TYPE    0x1u  /* push-pull */
#define IRQ_CFG_POL     0x10u /* active high */
#define IRQ_CFG_EN      0x100u
#define INT_RSFL        0x8u /* receive status FIFO above its level */
#define TX_CFG_ON       0x2u
#define TX_CFG_SAO      0x4u /* status FIFO may overrun: we never read it */
#define CSR_BUSY        0x80000000u
#define CSR_READ        0x40000000u

/* MAC control and status registers, reached through MAC_CSR_CMD/DATA. */
#define MAC_CR      1u
#define MAC_ADDRH   2u
#define MAC_ADDRL   3u
#define MAC_CR_TXEN 0x8u
#define MAC_CR_RXEN 0x4u

/* Transmit command A (first and last segment in one buffer) and the
 * receive status word's fields. */
#define TXA_FIRST  0x2000u
#define TXA_LAST   0x1000u
#define RXS_ERROR  0x8000u
#define RXS_LEN(s) (((s) >> 16) & 0x3fffu)
#define FRAME_MAX  1518u
#define ETH_FCS    4u

static volatile uint32_t *reg(const tk_lan9118 *nic, uint32_t off) {
    return (volatile uint32_t *)(nic->base + off);
}

static void mac_wait(const tk_lan9118 *nic) {
    while (*reg(nic, MAC_CSR_CMD) & CSR_BUSY)
        ;
}

static uint32_t mac_read(const tk_lan9118 *nic, uint32_t index) {
    mac_wait(nic);
    *reg(nic, MAC_CSR_CMD) = CSR_BUSY | CSR_READ | index;
    mac_wait(nic);
    return *reg(nic, MAC_CSR_DATA);
}

static void mac_write(const tk_lan9118 *nic, uint32_t index, uint32_t value) {
    mac_wait(nic);
    *reg(nic, MAC_CSR_DATA) = value;
    *reg(nic, MAC_CSR_CMD) = CSR_BUSY | index;
    mac_wait(nic);
}

int tk_lan9118_init(tk_lan9118 *nic, uintptr_t base) {
    memset(nic, 0, sizeof(*nic));
    nic->base = base;
    if (*reg(nic, BYTE_TEST) != BYTE_TEST_VALUE)
        return -ENODEV;
    *reg(nic, HW_CFG) = HW_CFG_SRST;
    while (*reg(nic, HW_CFG) & HW_CFG_SRST)
        ;
    uint32_t lo = mac_read(nic, MAC_ADDRL), hi = mac_read(nic, MAC_ADDRH);
    for (int i = 0; i < 4; i++)
        nic->mac[i] = (uint8_t)(lo >> (8 * i));
    nic->mac[4] = (uint8_t)hi;
    nic->mac[5] = (uint8_t)(hi >> 8);
    /* Perfect filtering on our address plus broadcast (no promiscuous
     * mode); the PHY's link comes up by itself on the emulator, a real
     * board would start auto-negotiation through MII here. */
    mac_write(nic, MAC_CR, MAC_CR_TXEN | MAC_CR_RXEN);
    *reg(nic, TX_CFG) = TX_CFG_ON | TX_CFG_SAO;
    *reg(nic, FIFO_INT) = 0; /* interrupt as soon as one frame is in */
    *reg(nic, INT_STS) = 0xffffffffu;
    *reg(nic, INT_EN) = INT_RSFL;
    *reg(nic, IRQ_CFG) = IRQ_CFG_EN | IRQ_CFG_POL | IRQ_CFG_TYPE;
    return 0;
}

void tk_lan9118_irq(tk_lan9118 *nic) {
    *reg(nic, INT_STS) = INT_RSFL;
    nic->rx_pending = true;
}

static void drain_words(tk_lan9118 *nic, uint32_t words) {
    while (words-- > 0)
        (void)*reg(nic, RX_DATA_FIFO);
}

long tk_lan9118_read(tk_lan9118 *nic, uint32_t *buf, size_t cap) {
    if (((*reg(nic, RX_FIFO_INF) >> 16) & 0xffu) == 0)
        return -EAGAIN;
    uint32_t status = *reg(nic, RX_STATUS_FIFO);
    uint32_t len = RXS_LEN(status);
    uint32_t words = (len + 3u) / 4u;
    if ((status & RXS_ERROR) || len <= ETH_FCS) {
        drain_words(nic, words);
        nic->rx_errors++;
        return -EIO;
    }
    if (words * 4u > cap) {
        drain_words(nic, words);
        nic->rx_too_big++;
        return -EMSGSIZE;
    }
    for (uint32_t i = 0; i < words; i++)
        buf[i] = *reg(nic, RX_DATA_FIFO);
    nic->rx_frames++;
    return (long)(len - ETH_FCS);
}

int tk_lan9118_write(tk_lan9118 *nic, const uint8_t *frame, size_t len) {
    if (len == 0 || len > FRAME_MAX)
        return -EMSGSIZE;
    /* Room for both command words and the padded data (TDFREE, bytes). */
    if ((*reg(nic, TX_FIFO_INF) & 0xffffu) < len + 3u + 8u) {
        nic->tx_busy++;
        return -EBUSY;
    }
    *reg(nic, TX_DATA_FIFO) = TXA_FIRST | TXA_LAST | (uint32_t)len;
    *reg(nic, TX_DATA_FIFO) = ((nic->tx_frames & 0xffffu) << 16) | (uint32_t)len;
    size_t i = 0;
    for (; i + 4u <= len; i += 4u) {
        uint32_t w;
        memcpy(&w, frame + i, 4);
        *reg(nic, TX_DATA_FIFO) = w; /* little endian: first byte first */
    }
    if (i < len) {
        uint32_t w = 0;
        memcpy(&w, frame + i, len - i);
        *reg(nic, TX_DATA_FIFO) = w;
    }
    nic->tx_frames++;
    return 0;
}
