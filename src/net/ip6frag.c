/* IPv6 fragment reassembly (RFC 8200 4.5) on the engine of net/ipfrag.c,
 * in a table of its own with IPv4's bounds and eviction (SEC-5, SEC-12):
 * overlapping fragments drop their datagram (RFC 5722), exact copies are
 * ignored, a first fragment must hold the whole header chain (RFC 7112),
 * and a datagram abandoned on its timeout is reported to its source when
 * its first fragment came. No fragments are ever sent. */
#include "tcpkit/opts.h"

#if TK_WITH_IPV6 /* compiled out: no IPv6 state in tk_net, no code */
#include <errno.h>
#include <string.h>

#include "net/net.h"
#include "tcpkit/wire/icmp6.h"
#include "tcpkit/wire/ipv6.h"

#define KEY_LEN      36 /* src 16, dst 16, identification 4 */
#define MAX_PAYLOAD  65535u
#define FRAG_HDR_LEN 8

#if TK_WITH_IPFRAG
static size_t align8(size_t n) {
    return (n + 7u) & ~(size_t)7u;
}

static void shape(const tk_config *cfg, tk_ipfrag_shape *sh) {
    memset(sh, 0, sizeof(*sh));
    sh->slots = cfg->ipfrag_slots;
    sh->max_bytes = cfg->ipfrag_max_bytes;
    sh->timeout = cfg->ipfrag6_timeout;
    sh->key_len = KEY_LEN;
    sh->src_len = 16;
    sh->headroom = TK_IP6FRAG_HDR_ROOM;
    sh->overlap_drops = true;
}

size_t tk_ip6frag_mem_size(const tk_config *cfg) {
    tk_ipfrag_shape sh;
    shape(cfg, &sh);
    return align8(tk_ipfrag_shape_mem_size(&sh)) + 2 * align8(sizeof(uint16_t) * sh.slots);
}

void tk_ip6frag_init(tk_ip6frag *f, void *mem, const tk_config *cfg) {
    tk_ipfrag_shape sh;
    shape(cfg, &sh);
    uint8_t *p = mem;
    tk_ipfrag_shape_init(&f->t, p, &sh);
    p += align8(tk_ipfrag_shape_mem_size(&sh));
    f->hdr_len = (uint16_t *)(void *)p;
    f->first_len = (uint16_t *)(void *)(p + align8(sizeof(uint16_t) * sh.slots));
    memset(p, 0, 2 * align8(sizeof(uint16_t) * sh.slots));
}

/* The packet of slot ix's first fragment as it came: its headers sit in
 * the headroom right in front of its data. */
static const uint8_t *first_fragment(const tk_ip6frag *f, uint32_t ix, size_t *len) {
    *len = (size_t)f->hdr_len[ix] + f->first_len[ix];
    return f->t.slots[ix].data - f->hdr_len[ix];
}

typedef struct expiry {
    tk_net *net;
    tk_time now;
} expiry;

static void timed_out(void *ctx, uint32_t ix) {
    const expiry *e = ctx;
    tk_net *net = e->net;
    tk_ip6frag *f = &net->ip6.frag;
    net->stats->ip6_frag_timeouts++;
    if (f->hdr_len[ix] == 0)
        return; /* RFC 8200 4.5: reported only when the first fragment came */
    size_t len;
    const uint8_t *pkt = first_fragment(f, ix, &len);
    tk_net_icmp6_error(net, pkt, len, TK_ICMP6_TIME_EXCEEDED, TK_ICMP6_TE_REASSEMBLY, 0, e->now);
}

void tk_net_ip6_frag_poll(tk_net *net, tk_time now) {
    if (net->ip6.frag.t.n == 0)
        return;
    expiry e = {net, now};
    (void)tk_ipfrag_expire(&net->ip6.frag.t, now, timed_out, &e);
}

tk_time tk_net_ip6_frag_deadline(const tk_net *net) {
    return tk_ipfrag_deadline(&net->ip6.frag.t);
}

/* Where the header naming the fragment header keeps that name: byte 6 of
 * the IPv6 header or byte 0 of the extension header before it. The chain
 * up to frag_at was walked and found sound. */
static size_t naming_byte(const uint8_t *pkt, size_t frag_at) {
    size_t at = 6, off = TK_IPV6_HLEN;
    while (off < frag_at) {
        at = off;
        off += ((size_t)pkt[off + 1] + 1) * 8;
    }
    return at;
}

/* RFC 8200 4.5 reassembly: the first fragment's unfragmentable part, its
 * fragment header's next header in place of the fragment header's name,
 * the payload length of the whole, the datagram's ECN field (RFC 3168
 * 5.3); the fragmentable part follows in the slot. */
static const uint8_t *rebuild(tk_ip6frag *f, uint32_t ix, size_t *len) {
    uint8_t *data = f->t.slots[ix].data;
    size_t hdr = f->hdr_len[ix], unfrag = hdr - FRAG_HDR_LEN;
    uint8_t *p = data - hdr;
    uint8_t next = p[unfrag]; /* the fragment header's next header */
    size_t at = naming_byte(p, unfrag);
    memmove(p + FRAG_HDR_LEN, p, unfrag);
    p += FRAG_HDR_LEN;
    p[at] = next;
    size_t plen = unfrag - TK_IPV6_HLEN + f->t.slots[ix].total;
    p[4] = (uint8_t)(plen >> 8);
    p[5] = (uint8_t)plen;
    p[1] = (uint8_t)((p[1] & ~0x30u) | (unsigned)(f->t.ecn << 4));
    *len = unfrag + f->t.slots[ix].total;
    return p;
}

/* The refusals RFC 8200 4.5 and RFC 7112 name before a fragment is
 * stored; 0 when it may go in. */
static int precheck(tk_net *net, const uint8_t *pkt, const tk_ipv6_hdr *ih, const tk_ipv6_chain *c,
                    uint32_t len, tk_time now) {
    size_t total = TK_IPV6_HLEN + (size_t)ih->payload_len;
    size_t frag_at = c->off - FRAG_HDR_LEN;
    if (net->ip6.frag.t.n == 0) {
        TK_NET_DROP(net, drop_ip6_fragment, now); /* ipfrag_slots 0 */
        return -ENOBUFS;
    }
    if (frag_at - TK_IPV6_HLEN + c->frag_off + (size_t)len > MAX_PAYLOAD) {
        TK_NET_DROP(net, drop_ip6_frag_too_big, now); /* points at the fragment offset */
        tk_net_icmp6_error(net, pkt, total, TK_ICMP6_PARAM_PROBLEM, TK_ICMP6_PP_FIELD,
                           (uint32_t)frag_at + 2, now);
        return -EMSGSIZE;
    }
    if (c->frag_off != 0)
        return 0;
    if (!tk_wire_ipv6_first_frag_whole(pkt, ih, c)) {
        TK_NET_DROP(net, drop_ip6_frag_chain, now);
        tk_net_icmp6_error(net, pkt, total, TK_ICMP6_PARAM_PROBLEM, TK_ICMP6_PP_HDR_CHAIN, 0, now);
        return -EINVAL;
    }
    if (c->off > TK_IP6FRAG_HDR_ROOM) {
        TK_NET_DROP(net, drop_ip6_frag_no_room, now);
        return -ENOBUFS;
    }
    return 0;
}

static int count_refusal(tk_net *net, int rc, tk_time now) {
    switch (rc) {
    case TK_IPFRAG_DUP:
        TK_NET_DROP(net, drop_ip6_frag_dup, now);
        return -EALREADY;
    case -EEXIST:
        TK_NET_DROP(net, drop_ip6_frag_overlap, now);
        return rc;
    case -ENOBUFS:
        TK_NET_DROP(net, drop_ip6_frag_no_room, now);
        return rc;
    default:
        TK_NET_DROP(net, drop_ip6_frag_bad, now);
        return rc;
    }
}

int tk_net_ip6_defrag(tk_net *net, const uint8_t *pkt, const tk_ipv6_hdr *ih,
                      const tk_ipv6_chain *c, tk_time now, const uint8_t **out, size_t *out_len) {
    net->stats->ip6_frags_in++;
    tk_net_ip6_frag_poll(net, now); /* timeouts first, with their reports */
    uint32_t len = (uint32_t)(TK_IPV6_HLEN + (size_t)ih->payload_len - c->off);
    int rc = precheck(net, pkt, ih, c, len, now);
    if (rc < 0)
        return rc;
    uint8_t key[KEY_LEN];
    memcpy(key, ih->src, 16);
    memcpy(key + 16, ih->dst, 16);
    memcpy(key + 32, &c->frag_id, 4);
    tk_ipfrag_piece pc = {key, pkt + c->off, c->frag_off,
                          len, c->frag_more, (uint8_t)(ih->tclass & TK_IP_ECN_MASK)};
    tk_ip6frag *f = &net->ip6.frag;
    tk_ipfrag_where w;
    rc = tk_ipfrag_add(&f->t, &pc, now, &w);
    net->stats->ip6_frag_evicted += f->t.evicted;
    if (rc < 0 || rc == TK_IPFRAG_DUP)
        return count_refusal(net, rc, now);
    if (w.fresh)
        f->hdr_len[w.ix] = 0;
    if (c->frag_off == 0) { /* keep its headers for the whole and for a report */
        memcpy(f->t.slots[w.ix].data - c->off, pkt, c->off);
        f->hdr_len[w.ix] = (uint16_t)c->off;
        f->first_len[w.ix] = (uint16_t)len;
    }
    if (rc == TK_IPFRAG_HELD)
        return 0;
    net->stats->ip6_reassembled++;
    *out = rebuild(f, w.ix, out_len);
    return 1;
}

#else /* TK_WITH_IPFRAG 0: every fragment dropped and counted */
size_t tk_ip6frag_mem_size(const tk_config *cfg) {
    (void)cfg;
    return 0;
}

void tk_ip6frag_init(tk_ip6frag *f, void *mem, const tk_config *cfg) {
    (void)mem, (void)cfg;
    memset(f, 0, sizeof(*f));
}

void tk_net_ip6_frag_poll(tk_net *net, tk_time now) {
    (void)net, (void)now;
}

tk_time tk_net_ip6_frag_deadline(const tk_net *net) {
    (void)net;
    return TK_TIME_NEVER;
}

int tk_net_ip6_defrag(tk_net *net, const uint8_t *pkt, const tk_ipv6_hdr *ih,
                      const tk_ipv6_chain *c, tk_time now, const uint8_t **out, size_t *out_len) {
    (void)pkt, (void)ih, (void)c, (void)out, (void)out_len;
    net->stats->ip6_frags_in++;
    TK_NET_DROP(net, drop_ip6_fragment, now);
    return -ENOBUFS;
}
#endif

#else /* the stack's layout still asks for the table's size */
#include "net/net.h"

size_t tk_ip6frag_mem_size(const tk_config *cfg) {
    (void)cfg;
    return 0;
}
#endif
