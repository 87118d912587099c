/* ARP lines as tcpdump -nn prints them (print-arp.c): "ARP, Request who-has
 * A tell B, length N", "ARP, Reply A is-at MAC, length N", and the reverse and
 * inverse operations. N is the Ethernet payload length, padding included. */
#include <stdio.h>

#include "print_int.h"

#define ARP_FIXED 8 /* htype, ptype, hlen, plen, op */

static const char *arp_op_name(uint16_t op) {
    switch (op) {
    case 1:
        return "Request";
    case 2:
        return "Reply";
    case 3:
        return "Reverse Request";
    case 4:
        return "Reverse Reply";
    case 8:
        return "Inverse Request";
    case 9:
        return "Inverse Reply";
    case 10:
        return "NACK Reply";
    default:
        return NULL;
    }
}

static bool all_zero(const uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

/* Hardware and protocol types when the addresses are not Ethernet/IPv4. */
static void print_arp_kinds(tk_pbuf *b, uint16_t hrd, uint8_t hln, uint16_t pro, uint8_t pln) {
    static const struct {
        uint16_t hrd;
        const char *name;
    } hw[] = {{1, "Ethernet"},    {6, "TokenRing"}, {7, "ArcNet"},
              {15, "FrameRelay"}, {23, "STRIP"},    {24, "IEEE 1394"}};
    const char *hname = NULL;
    for (size_t i = 0; i < sizeof hw / sizeof hw[0]; i++)
        if (hw[i].hrd == hrd)
            hname = hw[i].name;
    if (hname)
        tk_pr_puts(b, hname);
    else
        tk_pr_printf(b, "Unknown Hardware (%u)", hrd);
    tk_pr_printf(b, " (len %u), ", hln);
    if (pro == 0x0800)
        tk_pr_puts(b, "IPv4");
    else if (pro == 0x86dd)
        tk_pr_puts(b, "IPv6");
    else if (pro == 0x1000)
        tk_pr_puts(b, "Trail");
    else
        tk_pr_printf(b, "Unknown Protocol (0x%04x)", pro);
    tk_pr_printf(b, " (len %u)", pln);
}

void tk_pr_arp(tk_pbuf *b, const uint8_t *d, size_t cap, size_t len) {
    if (cap < ARP_FIXED) {
        tk_pr_trunc(b, "arp");
        return;
    }
    uint16_t hrd = tk_pr_be16(d), pro = tk_pr_be16(d + 2), op = tk_pr_be16(d + 6);
    uint8_t hln = d[4], pln = d[5];
    const uint8_t *sha = d + ARP_FIXED, *spa = sha + hln, *tha = spa + pln, *tpa = tha + hln;
    if (cap < (size_t)ARP_FIXED + 2u * hln + 2u * pln) {
        tk_pr_trunc(b, "arp");
        return;
    }
    tk_pr_puts(b, "ARP, ");
    if ((pro != 0x0800 && pro != 0x1000) || pln != 4 || hln == 0) {
        print_arp_kinds(b, hrd, hln, pro, pln);
        tk_pr_printf(b, ", length %zu", len);
        return;
    }
    const char *name = arp_op_name(op);
    if (!name) {
        tk_pr_printf(b, "Unknown (%u) ", op);
        tk_pr_hexdump(b, d, cap);
        return;
    }
    tk_pr_printf(b, "%s ", name);
    switch (op) {
    case 1:
        tk_pr_puts(b, "who-has ");
        tk_pr_ipv4(b, tk_pr_be32(tpa));
        if (!all_zero(tha, hln)) {
            tk_pr_puts(b, " (");
            tk_pr_mac(b, tha, hln);
            tk_pr_puts(b, ")");
        }
        tk_pr_puts(b, " tell ");
        tk_pr_ipv4(b, tk_pr_be32(spa));
        break;
    case 2:
        tk_pr_ipv4(b, tk_pr_be32(spa));
        tk_pr_puts(b, " is-at ");
        tk_pr_mac(b, sha, hln);
        break;
    case 3:
    case 8:
        tk_pr_puts(b, "who-is ");
        tk_pr_mac(b, tha, hln);
        tk_pr_puts(b, " tell ");
        tk_pr_mac(b, sha, hln);
        break;
    case 4:
        tk_pr_mac(b, tha, hln);
        tk_pr_puts(b, " at ");
        tk_pr_ipv4(b, tk_pr_be32(tpa));
        break;
    case 9:
        tk_pr_mac(b, sha, hln);
        tk_pr_puts(b, " at ");
        tk_pr_ipv4(b, tk_pr_be32(spa));
        break;
    default: /* NACK: tcpdump dumps the packet */
        tk_pr_hexdump(b, d, cap);
        return;
    }
    tk_pr_printf(b, ", length %zu", len);
}
