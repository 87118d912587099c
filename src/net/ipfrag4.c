/* IPv4 fragment reassembly (RFC 791 3.2) on the engine of net/ipfrag.c:
 * the table of tk_config's ipfrag_* settings, a datagram known by source,
 * destination, identification and protocol (TK_WITH_IPFRAG;
 * net/ipfrag_off.c when compiled out). */
#include "tcpkit/opts.h"

#if TK_WITH_IPFRAG
#include <errno.h>
#include <string.h>

#include "net/ipfrag.h"
#include "net/net.h"

#define KEY_LEN 12 /* src 4, dst 4, id 2, protocol 1, a zero */

static void shape(const tk_config *cfg, tk_ipfrag_shape *sh) {
    memset(sh, 0, sizeof(*sh));
    sh->slots = cfg->ipfrag_slots;
    sh->max_bytes = cfg->ipfrag_max_bytes;
    sh->timeout = cfg->ipfrag_timeout;
    sh->key_len = KEY_LEN;
    sh->src_len = 4;
}

size_t tk_ipfrag_mem_size(const tk_config *cfg) {
    tk_ipfrag_shape sh;
    shape(cfg, &sh);
    return tk_ipfrag_shape_mem_size(&sh);
}

void tk_ipfrag_init(tk_ipfrag *f, void *mem, const tk_config *cfg) {
    tk_ipfrag_shape sh;
    shape(cfg, &sh);
    tk_ipfrag_shape_init(f, mem, &sh);
}

int tk_ipfrag_input(tk_ipfrag *f, const tk_ipv4_hdr *h, const uint8_t *payload, size_t len,
                    tk_time now, const uint8_t **out, size_t *out_len, uint32_t *timed_out) {
    uint8_t key[KEY_LEN] = {0};
    memcpy(key, &h->src, 4);
    memcpy(key + 4, &h->dst, 4);
    memcpy(key + 8, &h->id, 2);
    key[10] = h->proto;
    tk_ipfrag_piece pc = {key,
                          payload,
                          (uint32_t)(h->frag & TK_IPV4_OFFMASK) * 8u,
                          (uint32_t)len,
                          (h->frag & TK_IPV4_MF) != 0,
                          (uint8_t)(h->tos & TK_IP_ECN_MASK)};
    tk_ipfrag_where w;
    int rc = tk_ipfrag_add(f, &pc, now, &w);
    *timed_out = w.timed_out;
    if (rc == TK_IPFRAG_COMPLETE) {
        *out = f->slots[w.ix].data;
        *out_len = f->slots[w.ix].total;
    }
    return rc;
}

int tk_net_defrag(tk_net *net, tk_ipv4_hdr *h, const uint8_t **payload, size_t *len, tk_time now) {
    net->stats->ip_frags_in++;
    uint32_t timed_out = 0;
    int rc = tk_ipfrag_input(&net->frag, h, *payload, *len, now, payload, len, &timed_out);
    net->stats->ip_frag_timeouts += timed_out;
    net->stats->ip_frag_evicted += net->frag.evicted;
    if (rc == TK_IPFRAG_COMPLETE) {
        net->stats->ip_reassembled++;
        h->tos = (uint8_t)((h->tos & ~TK_IP_ECN_MASK) | net->frag.ecn);
        return 1;
    }
    if (rc < 0) {
        TK_NET_DROP(net, drop_ip_fragment, now);
        return rc;
    }
    return 0;
}

#else
typedef int tk_ipfrag4_compiled_out;
#endif
