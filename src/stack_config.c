/* Settings of a running stack, like sysctl: everything may change but what
 * sizes the memory block or names the interface. New values apply to what
 * happens next (new connections, the next timer armed); connections keep
 * the per-connection copies they took when they were made (keepalive
 * times, RTO bounds). */
#include <errno.h>
#include <string.h>

#include "stack_priv.h"

const tk_config *tk_stack_config(const tk_stack *s) {
    return &s->cfg;
}

static bool same_layout(const tk_config *a, const tk_config *b) {
    return a->addr == b->addr && a->netmask == b->netmask && memcmp(a->mac, b->mac, 6) == 0 &&
           a->mtu == b->mtu && a->max_sockets == b->max_sockets &&
           a->sack_boards == b->sack_boards && a->reass_queues == b->reass_queues &&
           a->max_syn_backlog == b->max_syn_backlog && a->syn_rate_sources == b->syn_rate_sources &&
           a->max_time_wait == b->max_time_wait && a->rcvbuf == b->rcvbuf &&
           a->sndbuf == b->sndbuf && a->arp_cache_size == b->arp_cache_size &&
           a->arp_queue_frames == b->arp_queue_frames && a->ipfrag_slots == b->ipfrag_slots &&
           a->ipfrag_max_bytes == b->ipfrag_max_bytes && a->md5_keys == b->md5_keys &&
           a->tx_backlog_frames == b->tx_backlog_frames && a->link_tso_max == b->link_tso_max &&
           (b->link_caps & ~a->link_caps) == 0; /* offloads may be switched off, not on */
}

int tk_stack_set_config(tk_stack *s, const tk_config *cfg) {
    if (s == NULL || cfg == NULL || !same_layout(&s->cfg, cfg))
        return -EINVAL;
    if (!tk_config_valid(cfg))
        return -EINVAL;
    s->cfg = *cfg;
    return 0;
}
