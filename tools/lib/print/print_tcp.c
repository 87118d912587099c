/* TCP lines as tcpdump -nn prints them (print-tcp.c), including its relative
 * sequence numbers: the first segment of a conversation that carries ACK (or
 * any SYN) records the bases, and later segments print their distance from
 * them. Segments without ACK never touch the table and print as found. */
#include <string.h>

#include "print_int.h"
#include "tcpkit/wire/tcp.h"

/* Ports whose payload tcpdump hands to an application decoder that this
 * printer does not reproduce and that tcpdump tries before HTTP (telnet,
 * smtp, whois, bgp, pptp, redis, ssh, netbios, smb, beep, openflow, ftp).
 * The decoders it tries after HTTP (rtsp, dns, ...) only matter when HTTP
 * did not match, and then this printer prints nothing either. */
static bool decoded_before_http(uint16_t port) {
    static const uint16_t ports[] = {21,  22,   23,   25,   43,   139,  179,
                                     445, 1723, 6379, 6633, 6653, 10288};
    for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++)
        if (ports[i] == port)
            return true;
    return false;
}

static bool http_port(uint16_t port) {
    return port == 80 || port == 8080;
}

static void print_flags(tk_pbuf *b, uint8_t flags) {
    static const char names[] = "FSRP.UEW"; /* bit 0 (FIN) .. bit 7 (CWR) */
    char s[9];
    size_t n = 0;
    for (unsigned i = 0; i < 8; i++)
        if (flags & (1u << i))
            s[n++] = names[i];
    s[n] = '\0';
    tk_pr_printf(b, "Flags [%s]", n ? s : "none");
}

/* The conversation entry for this segment, created or replaced when new. */
static tk_print_conn *conn_slot(tk_printer *p, uint32_t a, uint32_t z, uint32_t ports,
                                bool *found) {
    tk_print_conn *victim = &p->conns[0];
    for (size_t i = 0; i < TK_PRINTER_CONNS; i++) {
        tk_print_conn *c = &p->conns[i];
        if (c->in_use && c->addr_a == a && c->addr_b == z && c->ports == ports) {
            *found = true;
            return c;
        }
        if (!victim->in_use)
            continue; /* keep the first free slot */
        if (!c->in_use || c->used_at < victim->used_at)
            victim = c;
    }
    *found = false;
    return victim;
}

/* Turns *seq / *ack into relative numbers (or records the bases, as tcpdump
 * does, leaving them absolute). Returns the SACK base for this direction. */
static uint32_t relative_seq(tk_printer *p, const uint8_t *ip, uint16_t sport, uint16_t dport,
                             uint8_t flags, uint32_t *seq, uint32_t *ack) {
    uint32_t src = tk_pr_ip_key(ip, false), dst = tk_pr_ip_key(ip, true);
    bool rev = sport > dport || (sport == dport && tk_pr_ip_cmp(ip) > 0);
    uint32_t a = rev ? dst : src, z = rev ? src : dst;
    uint32_t ports = rev ? (uint32_t)dport << 16 | sport : (uint32_t)sport << 16 | dport;
    bool found;
    tk_print_conn *c = conn_slot(p, a, z, ports, &found);
    c->used_at = ++p->tick;
    if (!found || (flags & TK_TCP_SYN)) {
        c->in_use = true;
        c->addr_a = a;
        c->addr_b = z;
        c->ports = ports;
        c->seq = rev ? *ack - 1u : *seq;
        c->ack = rev ? *seq : *ack - 1u;
    } else {
        *seq -= rev ? c->ack : c->seq;
        *ack -= rev ? c->seq : c->ack;
    }
    return rev ? c->seq : c->ack;
}

static void print_ports(tk_pbuf *b, const uint8_t *ip, uint16_t sport, uint16_t dport) {
    tk_pr_ip_port(b, ip, false, sport);
    tk_pr_puts(b, " > ");
    tk_pr_ip_port(b, ip, true, dport);
    tk_pr_puts(b, ": ");
}

void tk_pr_tcp(tk_printer *p, tk_pbuf *b, const uint8_t *ip, const uint8_t *seg, size_t cap,
               uint32_t len) {
    if (cap < 4) {
        tk_pr_ip_addr(b, ip, false);
        tk_pr_puts(b, " > ");
        tk_pr_ip_addr(b, ip, true);
        tk_pr_puts(b, ":");
        tk_pr_trunc(b, "tcp");
        return;
    }
    uint16_t sport = tk_pr_be16(seg), dport = tk_pr_be16(seg + 2);
    print_ports(b, ip, sport, dport);
    if (cap < TK_TCP_HLEN) {
        tk_pr_trunc(b, "tcp");
        return;
    }
    uint32_t hlen = (uint32_t)(seg[12] >> 4) * 4u;
    if (hlen < TK_TCP_HLEN) {
        tk_pr_printf(b, " tcp %u [bad hdr length %u - too short, < 20]", len - hlen, hlen);
        return;
    }
    uint32_t seq = tk_pr_be32(seg + 4), ack = tk_pr_be32(seg + 8);
    uint8_t flags = seg[13];
    print_flags(b, flags);
    uint32_t sack_base = 0;
    if (!p->absolute_seq && (flags & TK_TCP_ACK))
        sack_base = relative_seq(p, ip, sport, dport, flags, &seq, &ack);
    if (hlen > len) {
        tk_pr_printf(b, " [bad hdr length %u - too long, > %u]", hlen, len);
        return;
    }
    uint32_t plen = len - hlen;
    if (plen > 0 || (flags & (TK_TCP_SYN | TK_TCP_FIN | TK_TCP_RST))) {
        tk_pr_printf(b, ", seq %u", seq);
        if (plen > 0)
            tk_pr_printf(b, ":%u", seq + plen);
    }
    if (flags & TK_TCP_ACK)
        tk_pr_printf(b, ", ack %u", ack);
    tk_pr_printf(b, ", win %u", tk_pr_be16(seg + 14));
    if (flags & TK_TCP_URG)
        tk_pr_printf(b, ", urg %u", tk_pr_be16(seg + 18));
    if (hlen > TK_TCP_HLEN) {
        bool seg_cut = cap < (size_t)hlen + plen;
        if (tk_pr_tcp_options(b, seg + TK_TCP_HLEN, cap - TK_TCP_HLEN, hlen - TK_TCP_HLEN,
                              sack_base, seg_cut) != TK_PR_OPT_DONE)
            return;
    }
    tk_pr_printf(b, ", length %u", plen);
    if (plen == 0)
        return;
    if (cap < hlen) { /* options ended at EOL before the capture did */
        tk_pr_printf(b, " [remaining caplen(%zu) < header length(%u)]", cap, hlen);
        tk_pr_trunc(b, "tcp");
        return;
    }
    if (decoded_before_http(sport) || decoded_before_http(dport))
        return;
    if (http_port(sport) || http_port(dport))
        tk_pr_http(b, seg + hlen, cap - hlen, plen);
}
