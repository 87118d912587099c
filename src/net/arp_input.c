/* ARP reception (RFC 826 "Packet Reception", SPEC SEC-11): the only way
 * the ARP cache learns. Merge rule: a packet whose sender is cached updates
 * the entry; one addressed to us creates it; a request for our address is
 * answered. Gratuitous packets (sender address == target address, or a
 * reply that answers no request of ours) change an existing MAC only with
 * cfg.arp_accept_gratuitous; otherwise they are refused and counted. */
#include <errno.h>
#include <string.h>

#include "net/arp.h"
#include "net/net.h"
#include "tcpkit/wire/arp.h"
#include "tcpkit/wire/eth.h"

/* Only on-link unicast senders other than ourselves are cached. */
static bool learnable(const tk_net *net, const tk_arp_pkt *a) {
    if (a->spa == 0 || a->spa == net->cfg->addr ||
        ((a->spa ^ net->cfg->addr) & net->cfg->netmask) != 0)
        return false;
    return (a->sha[0] & 1u) == 0; /* multicast and broadcast bit */
}

static bool gratuitous(const tk_net *net, const tk_arp_pkt *a, const tk_arp_entry *e) {
    if (a->spa == a->tpa)
        return true;
    return a->op == TK_ARP_REPLY && (a->tpa != net->cfg->addr || e == NULL || !e->asked);
}

static void merge(tk_net *net, const tk_arp_pkt *a, tk_time now) {
    if (!learnable(net, a))
        return;
    const tk_arp_entry *e = tk_arp_find(&net->arp, a->spa);
    bool to_us = a->tpa == net->cfg->addr;
    if (gratuitous(net, a, e)) {
        if (e == NULL || (e->state == TK_ARP_REACHABLE && memcmp(e->mac, a->sha, 6) == 0))
            return;
        if (!net->cfg->arp_accept_gratuitous) {
            net->stats->arp_gratuitous_refused++;
            return;
        }
        to_us = false; /* may update, never creates */
    }
    if (e != NULL || to_us)
        tk_net_arp_learn(net, a->spa, a->sha, to_us, now);
}

static void reply(tk_net *net, const tk_arp_pkt *a, tk_time now) {
    tk_arp_pkt r;
    r.op = TK_ARP_REPLY;
    memcpy(r.sha, net->cfg->mac, 6);
    r.spa = net->cfg->addr;
    memcpy(r.tha, a->sha, 6);
    r.tpa = a->spa;
    tk_net_frame_begin(net);
    (void)tk_wire_arp_emit(&r, net->frame + TK_ETH_HLEN, net->frame_cap - TK_ETH_HLEN);
    tk_net_emit(net, a->sha, TK_ETHERTYPE_ARP, TK_ARP_LEN, now);
}

int tk_net_arp_input(tk_net *net, const uint8_t *p, size_t len, tk_time now) {
    tk_arp_pkt a;
    if (tk_wire_arp_parse(p, len, &a) < 0) {
        TK_NET_DROP(net, drop_arp_bad, now);
        return -EINVAL;
    }
    if (net->cfg->addr == 0)
        return 0;
    merge(net, &a, now);
    if (a.op == TK_ARP_REQUEST && a.tpa == net->cfg->addr && a.spa != a.tpa && (a.sha[0] & 1u) == 0)
        reply(net, &a, now);
    return 0;
}
