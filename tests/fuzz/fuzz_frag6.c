/* Fuzz target: IPv6 fragment reassembly through a stack (SPEC NET-4,
 * SEC-4, SEC-12; RFC 8200 4.5, RFC 5722, RFC 7112). A stack with IPv6 on
 * receives fragments whose identification, source, offset, M flag, length,
 * headers and bytes the input chooses, with time moving on so timeouts
 * fire; one chunk in four goes in as a raw IPv6 packet. Nothing may crash
 * or read out of bounds, and the counters must stay consistent: no more
 * datagrams completed or fragments refused than fragments came.
 *
 * Input: chunks of
 *   ctl(1) id(1) off(2) dt(1) dlen(1) data(dlen)
 * ctl bit 0: M flag; bits 1-2 == 0: raw (data is the IPv6 packet); bits
 * 3-4: one of four sources; bit 5: a hop-by-hop header in front of the
 * fragment header; bit 6: ECN CE (else ECT(0)); bit 7: the fragment header
 * names a destination-options header (else ICMPv6). dt: seconds to move on
 * (dt / 4, so up to 63 s: past the 60 s timeout). */
#include <stdint.h>
#include <string.h>

#include "fuzz_check.h"
#include "tcpkit/opts.h"
#include "tcpkit/stack.h"
#include "tcpkit/stats.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/ipv6.h"

static const uint8_t local_mac[6] = {0x02, 0, 0, 0, 0, 1};
static const uint8_t remote_mac[6] = {0x02, 0, 0, 0, 0, 2};
static const uint8_t us[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

static int out_frame(void *ctx, const uint8_t *f, size_t n) {
    (void)f;
    *(size_t *)ctx += n;
    return 0;
}

static uint32_t fixed_random(void *ctx) {
    (void)ctx;
    return 0x12345678u;
}

static tk_stack *setup(size_t *sent) {
    tk_config cfg;
    tk_config_default(&cfg);
    cfg.unnumbered = true;
    memcpy(cfg.mac, local_mac, 6);
    cfg.ipv6 = true;
    memcpy(cfg.addr6, us, 16);
    cfg.max_sockets = 2;
    cfg.max_time_wait = 2;
    cfg.ipfrag_max_bytes = 2048; /* small, so the budget is reached */
    tk_stack_io io = {.output = out_frame, .random = fixed_random, .ctx = sent};
    tk_stack *s = NULL;
    FUZZ_CHECK(tk_stack_create(&s, &cfg, &io) == 0);
    tk_stack_poll(s, 0);
    tk_stack_poll(s, TK_SEC(1)); /* DAD done: the address is ours */
    return s;
}

static void eth(uint8_t *f) {
    tk_eth_hdr eh = {.type = TK_ETHERTYPE_IPV6};
    memcpy(eh.dst, local_mac, 6);
    memcpy(eh.src, remote_mac, 6);
    tk_wire_eth_emit(&eh, f, TK_ETH_HLEN);
}

/* Ethernet + IPv6 header from source sel to us, payload_len bytes after it. */
static void headers(uint8_t *f, uint8_t sel, uint8_t next, uint8_t tclass, size_t payload_len) {
    eth(f);
    tk_ipv6_hdr ih = {
        .tclass = tclass, .payload_len = (uint16_t)payload_len, .next = next, .hop_limit = 64};
    memcpy(ih.src, us, 16);
    ih.src[15] = (uint8_t)(0x10 + sel);
    memcpy(ih.dst, us, 16);
    tk_wire_ipv6_emit(&ih, f + TK_ETH_HLEN, TK_IPV6_HLEN);
}

/* A fragment frame as the chunk describes it; returns its length. */
static size_t fragment(uint8_t *f, const uint8_t *hdr, const uint8_t *data, size_t dlen) {
    uint8_t ctl = hdr[0];
    size_t at = TK_ETH_HLEN + TK_IPV6_HLEN;
    bool hbh = (ctl & 0x20) != 0;
    if (hbh) {
        const uint8_t h[8] = {TK_IPPROTO_FRAGMENT, 0, 1, 4, 0, 0, 0, 0};
        memcpy(f + at, h, 8);
        at += 8;
    }
    uint8_t next = (ctl & 0x80) ? TK_IPPROTO_DSTOPTS : TK_IPPROTO_ICMPV6;
    uint16_t off = (uint16_t)(((unsigned)hdr[2] << 8 | hdr[3]) & 0xfff8u);
    tk_wire_ipv6_frag_emit(next, off, (ctl & 1) != 0, hdr[1], f + at, 8);
    at += 8;
    memcpy(f + at, data, dlen);
    at += dlen;
    uint8_t tclass = (ctl & 0x40) ? 0x03 : 0x02;
    headers(f, (uint8_t)((ctl >> 3) & 3), hbh ? TK_IPPROTO_HOPOPTS : TK_IPPROTO_FRAGMENT, tclass,
            at - TK_ETH_HLEN - TK_IPV6_HLEN);
    return at;
}

static uint64_t frag_drops(const tk_stats *st) {
    return st->drop_ip6_fragment + st->drop_ip6_frag_chain + st->drop_ip6_frag_too_big +
           st->drop_ip6_frag_no_room + st->drop_ip6_frag_bad + st->drop_ip6_frag_overlap +
           st->drop_ip6_frag_dup;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!TK_WITH_IPV6)
        return 0; /* compiled out: a stack with ipv6 is refused */
    size_t sent = 0;
    tk_stack *s = setup(&sent);
    tk_time now = TK_SEC(1);
    const uint8_t *p = data;
    size_t left = size;
    const tk_stats *st = tk_stack_stats(s);
    while (left >= 6) {
        const uint8_t *hdr = p;
        size_t dlen = hdr[5];
        if (left - 6 < dlen)
            break;
        const uint8_t *d = p + 6;
        p += 6 + dlen;
        left -= 6 + dlen;
        uint8_t f[TK_ETH_HLEN + TK_IPV6_HLEN + 16 + 255];
        size_t n;
        if ((hdr[0] & 0x06) == 0) {
            eth(f);
            memcpy(f + TK_ETH_HLEN, d, dlen);
            n = TK_ETH_HLEN + dlen;
        } else {
            n = fragment(f, hdr, d, dlen);
        }
        now += TK_SEC(hdr[4] / 4u);
        (void)tk_stack_input(s, f, n, now);
        tk_stack_poll(s, now);
        FUZZ_CHECK(st->ip6_reassembled + frag_drops(st) <= st->ip6_frags_in);
        FUZZ_CHECK(st->ip6_frag_evicted + st->ip6_frag_timeouts <= st->ip6_frags_in);
        FUZZ_CHECK(tk_stack_next_deadline(s) > now);
    }
    tk_stack_destroy(s, now);
    return 0;
}
