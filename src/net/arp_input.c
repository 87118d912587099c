/* ARP reception (RFC 826 "Packet Reception", SPEC SEC-11): the only way
 * the ARP cache learns. Merge rule: a packet whose sender is cached updates
 * the entry; one addressed to us creates it; a request for our address is
 * answered. Gratuitous packets (sender address == target address, or a
 * reply that answers no request of ours) change an existing MAC only with
 * cfg.arp_accept_gratuitous; otherwise they are refused and counted. */
#include <errno.h>
#include <string.h>

#include "net/arp.h"
#include "stack_priv.h"
#include "tcpkit/wire/arp.h"
#include "tcpkit/wire/eth.h"

/* Only on-link unicast senders other than ourselves are cached. */
static bool learnable(const tk_stack *s, const tk_arp_pkt *a) {
    if (a->spa == 0 || a->spa == s->cfg.addr || ((a->spa ^ s->cfg.addr) & s->cfg.netmask) != 0)
        return false;
    return (a->sha[0] & 1u) == 0; /* multicast and broadcast bit */
}

static bool gratuitous(const tk_stack *s, const tk_arp_pkt *a, const tk_arp_entry *e) {
    if (a->spa == a->tpa)
        return true;
    return a->op == TK_ARP_REPLY && (a->tpa != s->cfg.addr || e == NULL || !e->asked);
}

static void merge(tk_stack *s, const tk_arp_pkt *a, tk_time now) {
    if (!learnable(s, a))
        return;
    const tk_arp_entry *e = tk_arp_find(&s->arp, a->spa);
    bool to_us = a->tpa == s->cfg.addr;
    if (gratuitous(s, a, e)) {
        if (e == NULL || (e->state == TK_ARP_REACHABLE && memcmp(e->mac, a->sha, 6) == 0))
            return;
        if (!s->cfg.arp_accept_gratuitous) {
            s->stats.arp_gratuitous_refused++;
            return;
        }
        to_us = false; /* may update, never creates */
    }
    if (e != NULL || to_us)
        tk_net_arp_learn(s, a->spa, a->sha, to_us, now);
}

static void reply(tk_stack *s, const tk_arp_pkt *a, tk_time now) {
    tk_arp_pkt r;
    r.op = TK_ARP_REPLY;
    memcpy(r.sha, s->cfg.mac, 6);
    r.spa = s->cfg.addr;
    memcpy(r.tha, a->sha, 6);
    r.tpa = a->spa;
    (void)tk_wire_arp_emit(&r, s->frame + TK_ETH_HLEN, s->frame_cap - TK_ETH_HLEN);
    tk_net_emit(s, a->sha, TK_ETHERTYPE_ARP, TK_ARP_LEN, now);
}

int tk_net_arp_input(tk_stack *s, const uint8_t *p, size_t len, tk_time now) {
    tk_arp_pkt a;
    if (tk_wire_arp_parse(p, len, &a) < 0) {
        TK_DROP(s, drop_arp_bad, now);
        return -EINVAL;
    }
    if (s->cfg.addr == 0)
        return 0;
    merge(s, &a, now);
    if (a.op == TK_ARP_REQUEST && a.tpa == s->cfg.addr && a.spa != a.tpa && (a.sha[0] & 1u) == 0)
        reply(s, &a, now);
    return 0;
}
