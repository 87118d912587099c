/* IPv6 fragment reassembly through a stack (SPEC NET-4; RFC 8200 4.5, RFC
 * 5722, RFC 7112; the bounds and eviction of SEC-5 and SEC-12): fragments
 * in order, out of order and duplicated make one echo request, answered
 * byte for byte; overlaps, bad lengths, too big datagrams and first
 * fragments without their header chain are dropped, each counted by its
 * reason and reported where the RFC asks; a datagram not completed in 60 s
 * is abandoned, with a Time Exceeded only when its first fragment came. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_harness.h"
#include "tcpkit/wire/err.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/icmp6.h"
#include "tcpkit/wire/ipv6.h"
#include "tcpkit/wire/ndp.h"

static const uint8_t local_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t peer_mac[6] = {0x02, 0, 0, 0, 0, 0x33};
static const uint8_t A1[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}; /* peer */
static const uint8_t A2[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}; /* us */
static const uint8_t A3[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3}; /* another */

#define ECHO_LEN 1200 /* an echo request: 8-byte header and 1192 bytes of data */

static uint8_t echo[ECHO_LEN];

/* An echo request A1 > A2 with identifier 7, sequence seq. */
static void make_echo(uint16_t seq) {
    static uint8_t data[ECHO_LEN - 8];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7u + seq);
    tk_icmp_hdr h = {TK_ICMP6_ECHO_REQUEST, 0, 0, 0x00070000u | seq, data, sizeof data};
    assert_int_equal(tk_wire_icmp6_emit(&h, A1, A2, echo, sizeof echo), ECHO_LEN);
}

/* From the peer to us: an NS with its MAC (type TK_ICMP6_ND_NS), or a
 * solicited NA with it (TK_ICMP6_ND_NA). */
static void peer_nd(tkh *h, uint8_t type) {
    tk_nd_msg m;
    memset(&m, 0, sizeof m);
    m.type = type;
    if (type == TK_ICMP6_ND_NS) {
        memcpy(m.target, A2, 16);
        m.has_slla = true;
        memcpy(m.slla, peer_mac, 6);
    } else {
        memcpy(m.target, A1, 16);
        m.flags = TK_ND_NA_SOLICITED | TK_ND_NA_OVERRIDE;
        m.has_tlla = true;
        memcpy(m.tlla, peer_mac, 6);
    }
    uint8_t icmp[64], f[128];
    int n = tk_wire_nd_emit(&m, A1, A2, icmp, sizeof icmp);
    assert_true(n > 0);
    tk_eth_hdr eh;
    memcpy(eh.dst, local_mac, 6);
    memcpy(eh.src, peer_mac, 6);
    eh.type = TK_ETHERTYPE_IPV6;
    (void)tk_wire_eth_emit(&eh, f, 14);
    tk_ipv6_hdr ih;
    memset(&ih, 0, sizeof ih);
    ih.payload_len = (uint16_t)n;
    ih.next = TK_IPPROTO_ICMPV6;
    ih.hop_limit = 255;
    memcpy(ih.src, A1, 16);
    memcpy(ih.dst, A2, 16);
    (void)tk_wire_ipv6_emit(&ih, f + 14, 40);
    memcpy(f + 54, icmp, (size_t)n);
    assert_int_equal(tk_stack_input(h->s, f, 54 + (size_t)n, h->now), 0);
}

/* A stack with IPv6 on (2001:2::2/64, DAD done) that knows the peer's MAC,
 * so that what it answers leaves at once. */
static void init6(tkh *h, uint32_t slots) {
    tk_config cfg;
    tkh_config(&cfg);
    cfg.ipv6 = true;
    memcpy(cfg.addr6, A2, 16);
    cfg.ipfrag_slots = slots;
    tkh_init(h, &cfg);
    tkh_poll(h);
    h->now += TK_SEC(1);
    tkh_poll(h);
    peer_nd(h, TK_ICMP6_ND_NS);
    tkh_clear(h);
}

/* A fragment frame from src: `ext` bytes of headers in front of the
 * fragment header (first naming them), then the fragment header (next
 * header next, offset off, M flag, id) and len bytes of data. */
typedef struct frag_spec {
    const uint8_t *src;
    uint32_t id;
    uint16_t off;
    bool more;
    const uint8_t *data;
    size_t len;
    uint8_t next;
    const uint8_t *ext; /* NULL: none */
    size_t ext_len;
    uint8_t tclass;
} frag_spec;

static size_t frag_frame(uint8_t *f, const frag_spec *s) {
    tk_eth_hdr eh;
    memcpy(eh.dst, local_mac, 6);
    memcpy(eh.src, peer_mac, 6);
    eh.type = TK_ETHERTYPE_IPV6;
    (void)tk_wire_eth_emit(&eh, f, 14);
    tk_ipv6_hdr ih;
    memset(&ih, 0, sizeof ih);
    ih.payload_len = (uint16_t)(s->ext_len + 8 + s->len);
    ih.next = s->ext != NULL ? TK_IPPROTO_HOPOPTS : TK_IPPROTO_FRAGMENT;
    ih.hop_limit = 64;
    ih.tclass = s->tclass;
    memcpy(ih.src, s->src != NULL ? s->src : A1, 16);
    memcpy(ih.dst, A2, 16);
    (void)tk_wire_ipv6_emit(&ih, f + 14, 40);
    if (s->ext != NULL)
        memcpy(f + 54, s->ext, s->ext_len);
    uint8_t next = s->next != 0 ? s->next : TK_IPPROTO_ICMPV6;
    assert_int_equal(tk_wire_ipv6_frag_emit(next, s->off, s->more, s->id, f + 54 + s->ext_len, 8),
                     8);
    memcpy(f + 62 + s->ext_len, s->data, s->len);
    return 62 + s->ext_len + s->len;
}

/* Bytes [off, off + len) of the echo request as a fragment of datagram id. */
static int send_part(tkh *h, uint32_t id, uint16_t off, size_t len, bool more) {
    static uint8_t f[1600];
    frag_spec s = {NULL, id, off, more, echo + off, len, 0, NULL, 0, 0};
    return tk_stack_input(h->s, f, frag_frame(f, &s), h->now);
}

/* The echo reply to the request now in `echo`: A2 > A1, hop limit 64,
 * the same identifier, sequence and data. */
static void expect_reply(const tkh_frame *fr) {
    assert_int_equal(fr->len, 54 + ECHO_LEN);
    assert_memory_equal(fr->buf, peer_mac, 6);
    tk_ipv6_hdr ih;
    assert_int_equal(tk_wire_ipv6_parse(fr->buf + 14, fr->len - 14, &ih), 40);
    assert_memory_equal(ih.src, A2, 16);
    assert_memory_equal(ih.dst, A1, 16);
    assert_int_equal(ih.next, TK_IPPROTO_ICMPV6);
    assert_int_equal(ih.payload_len, ECHO_LEN);
    tk_icmp_hdr r;
    assert_int_equal(tk_wire_icmp6_parse(fr->buf + 54, ECHO_LEN, A2, A1, true, &r), 8);
    assert_int_equal(r.type, TK_ICMP6_ECHO_REPLY);
    assert_int_equal(r.code, 0);
    assert_memory_equal(fr->buf + 58, echo + 4, ECHO_LEN - 4); /* id, seq, data */
}

/* The ICMPv6 message of type `type` among the frames sent; NULL if none. */
static const uint8_t *find_icmp6(const tkh *h, uint8_t type, size_t *len) {
    for (int i = 0; i < h->nframes; i++) {
        const tkh_frame *fr = &h->frames[i];
        if (fr->len > 62 && fr->buf[12] == 0x86 && fr->buf[13] == 0xdd && fr->buf[20] == 58 &&
            fr->buf[54] == type) {
            *len = fr->len - 54;
            return fr->buf + 54;
        }
    }
    return NULL;
}

static uint32_t be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* In order: three fragments make the request, and its reply leaves with
 * the third. */
static void test_NET_04_frag_in_order_echo_answered(void **state) {
    (void)state;
    tkh h;
    init6(&h, 4);
    make_echo(1);
    assert_int_equal(send_part(&h, 0x11, 0, 400, true), 0);
    assert_int_equal(send_part(&h, 0x11, 400, 400, true), 0);
    assert_int_equal(h.nframes, 0);
    assert_int_equal(tk_stack_next_deadline(h.s) <= h.now + TK_SEC(60), true);
    assert_int_equal(send_part(&h, 0x11, 800, 400, false), 0);
    assert_int_equal(h.nframes, 1);
    expect_reply(&h.frames[0]);
    const tk_stats *st = tk_stack_stats(h.s);
    assert_int_equal(st->ip6_frags_in, 3);
    assert_int_equal(st->ip6_reassembled, 1);
    assert_int_equal(st->icmp6_echo_replies, 1);
    tkh_fini(&h);
}

/* Out of order, the last first, with an exact copy on the way: the copy
 * is ignored (RFC 8200 4.5), the datagram still completes. */
static void test_NET_04_frag_out_of_order_and_duplicate(void **state) {
    (void)state;
    tkh h;
    init6(&h, 4);
    make_echo(2);
    assert_int_equal(send_part(&h, 0x12, 800, 400, false), 0);
    assert_int_equal(send_part(&h, 0x12, 0, 400, true), 0);
    assert_int_equal(send_part(&h, 0x12, 0, 400, true), -EALREADY);
    assert_int_equal(send_part(&h, 0x12, 800, 400, false), -EALREADY);
    assert_int_equal(h.nframes, 0);
    assert_int_equal(send_part(&h, 0x12, 400, 400, true), 0);
    assert_int_equal(h.nframes, 1);
    expect_reply(&h.frames[0]);
    const tk_stats *st = tk_stack_stats(h.s);
    assert_int_equal(st->drop_ip6_frag_dup, 2);
    assert_int_equal(st->ip6_reassembled, 1);
    tkh_fini(&h);
}

/* RFC 5722: a fragment overlapping another drops the whole datagram
 * silently, and so does a fragment at a held offset with other bytes. */
static void test_NET_04_frag_overlap_drops_datagram(void **state) {
    (void)state;
    tkh h;
    init6(&h, 4);
    make_echo(3);
    assert_int_equal(send_part(&h, 0x13, 0, 400, true), 0);
    assert_int_equal(send_part(&h, 0x13, 392, 408, true), -EEXIST);
    /* The datagram is gone: the rest starts a new one, which waits. */
    assert_int_equal(send_part(&h, 0x13, 400, 400, true), 0);
    assert_int_equal(send_part(&h, 0x13, 800, 400, false), 0);
    assert_int_equal(h.nframes, 0);
    echo[500] ^= 0xff; /* the same place, other bytes */
    assert_int_equal(send_part(&h, 0x13, 400, 400, true), -EEXIST);
    const tk_stats *st = tk_stack_stats(h.s);
    assert_int_equal(st->drop_ip6_frag_overlap, 2);
    assert_int_equal(st->ip6_reassembled, 0);
    assert_int_equal(st->icmp6_errors_sent, 0);
    tkh_fini(&h);
}

/* RFC 8200 4.5: a fragment whose datagram would pass 65,535 bytes is
 * answered with a Parameter Problem (code 0) at its offset field; one
 * within that but beyond ipfrag_max_bytes is dropped silently. */
static void test_NET_04_frag_too_big(void **state) {
    (void)state;
    tkh h;
    init6(&h, 4);
    make_echo(4);
    static uint8_t f[1600];
    frag_spec s = {NULL, 0x14, 65528, false, echo, 16, 0, NULL, 0, 0};
    size_t n = frag_frame(f, &s);
    assert_int_equal(tk_stack_input(h.s, f, n, h.now), -EMSGSIZE);
    size_t len;
    const uint8_t *m = find_icmp6(&h, TK_ICMP6_PARAM_PROBLEM, &len);
    assert_non_null(m);
    assert_int_equal(m[1], TK_ICMP6_PP_FIELD);
    assert_int_equal(be32(m + 4), 40 + 2);
    assert_int_equal(len, 8 + n - 14);
    assert_memory_equal(m + 8, f + 14, n - 14);
    tkh_clear(&h);
    s.off = 16384; /* ipfrag_max_bytes: 16 KiB */
    s.more = true;
    n = frag_frame(f, &s);
    assert_int_equal(tk_stack_input(h.s, f, n, h.now), -ENOBUFS);
    assert_int_equal(h.nframes, 0);
    const tk_stats *st = tk_stack_stats(h.s);
    assert_int_equal(st->drop_ip6_frag_too_big, 1);
    assert_int_equal(st->drop_ip6_frag_no_room, 1);
    tkh_fini(&h);
}

/* Timeout with the first fragment: after ipfrag6_timeout (60 s) the
 * datagram is abandoned and a Time Exceeded, code 1, quotes that first
 * fragment as it came. */
static void test_NET_04_frag_timeout_with_first(void **state) {
    (void)state;
    tkh h;
    init6(&h, 4);
    make_echo(5);
    static uint8_t f[1600];
    frag_spec s = {NULL, 0x15, 0, true, echo, 400, 0, NULL, 0, 0};
    size_t n = frag_frame(f, &s);
    tk_time t0 = h.now;
    assert_int_equal(tk_stack_input(h.s, f, n, h.now), 0);
    assert_true(tk_stack_next_deadline(h.s) <= t0 + TK_SEC(60));
    tkh_run_until(&h, t0 + TK_SEC(60) - 1);
    size_t len;
    assert_null(find_icmp6(&h, TK_ICMP6_TIME_EXCEEDED, &len));
    tkh_run_until(&h, t0 + TK_SEC(60));
    peer_nd(&h, TK_ICMP6_ND_NA); /* the idle neighbour entry was solicited again */
    const uint8_t *m = find_icmp6(&h, TK_ICMP6_TIME_EXCEEDED, &len);
    assert_non_null(m);
    assert_int_equal(m[1], TK_ICMP6_TE_REASSEMBLY);
    assert_int_equal(be32(m + 4), 0);
    assert_int_equal(len, 8 + n - 14);
    assert_memory_equal(m + 8, f + 14, n - 14);
    const tk_stats *st = tk_stack_stats(h.s);
    assert_int_equal(st->ip6_frag_timeouts, 1);
    /* The rest, late, starts a datagram of its own. */
    tkh_clear(&h);
    assert_int_equal(send_part(&h, 0x15, 400, 800, false), 0);
    assert_int_equal(h.nframes, 0);
    tkh_fini(&h);
}

/* Timeout without the first fragment: abandoned silently. */
static void test_NET_04_frag_timeout_without_first(void **state) {
    (void)state;
    tkh h;
    init6(&h, 4);
    make_echo(6);
    tk_time t0 = h.now;
    assert_int_equal(send_part(&h, 0x16, 400, 400, true), 0);
    assert_int_equal(send_part(&h, 0x16, 800, 400, false), 0);
    tkh_run_until(&h, t0 + TK_SEC(61));
    size_t len;
    assert_null(find_icmp6(&h, TK_ICMP6_TIME_EXCEEDED, &len));
    const tk_stats *st = tk_stack_stats(h.s);
    assert_int_equal(st->ip6_frag_timeouts, 1);
    assert_int_equal(st->icmp6_errors_sent, 0);
    tkh_fini(&h);
}

/* SEC-12 for IPv6: with every slot taken a new datagram evicts the oldest,
 * and when one source holds more than half of the slots, the oldest of
 * that source instead. */
static void test_NET_04_frag_table_full_eviction(void **state) {
    (void)state;
    tkh h;
    init6(&h, 4);
    make_echo(7);
    static uint8_t f[1600];
    /* The legitimate first part, then three datagrams from A3. */
    assert_int_equal(send_part(&h, 0x17, 0, 400, true), 0);
    for (uint32_t i = 0; i < 3; i++) {
        h.now += 10;
        frag_spec s = {A3, 0x100 + i, 0, true, echo, 8, 0, NULL, 0, 0};
        assert_int_equal(tk_stack_input(h.s, f, frag_frame(f, &s), h.now), 0);
    }
    /* A fourth from A3: the oldest of A3's goes, not ours. */
    frag_spec s = {A3, 0x200, 0, true, echo, 8, 0, NULL, 0, 0};
    assert_int_equal(tk_stack_input(h.s, f, frag_frame(f, &s), h.now), 0);
    const tk_stats *st = tk_stack_stats(h.s);
    assert_int_equal(st->ip6_frag_evicted, 1);
    assert_int_equal(send_part(&h, 0x17, 400, 800, false), 0);
    assert_int_equal(h.nframes, 1);
    expect_reply(&h.frames[0]);
    tkh_fini(&h);
    /* Ours and three from three other sources fill the table; a fifth
     * evicts the oldest, ours, whose end then only starts a datagram. */
    init6(&h, 4);
    make_echo(8);
    assert_int_equal(send_part(&h, 0x18, 0, 400, true), 0);
    for (uint8_t i = 0; i < 4; i++) {
        uint8_t src[16];
        memcpy(src, A3, 16);
        src[15] = (uint8_t)(0x10 + i);
        h.now += 10;
        frag_spec t = {src, 0x300, 0, true, echo, 8, 0, NULL, 0, 0};
        assert_int_equal(tk_stack_input(h.s, f, frag_frame(f, &t), h.now), 0);
    }
    st = tk_stack_stats(h.s);
    assert_int_equal(st->ip6_frag_evicted, 1);
    assert_int_equal(send_part(&h, 0x18, 400, 800, false), 0);
    assert_int_equal(h.nframes, 0);
    assert_int_equal(st->ip6_frag_evicted, 2);
    assert_int_equal(st->ip6_reassembled, 0);
    tkh_fini(&h);
}

/* Bad lengths: a non-last fragment that is not a multiple of 8 bytes
 * (Parameter Problem code 0 at the payload length); a last fragment that
 * ends before bytes already held; a second last one with another end; an
 * empty one. */
static void test_NET_04_frag_bad_lengths(void **state) {
    (void)state;
    tkh h;
    init6(&h, 4);
    make_echo(9);
    static uint8_t f[1600];
    frag_spec s = {NULL, 0x21, 0, true, echo, 13, 0, NULL, 0, 0};
    size_t n = frag_frame(f, &s);
    assert_int_equal(tk_stack_input(h.s, f, n, h.now), TK_WIRE_IP6_FRAG_LEN);
    size_t len;
    const uint8_t *m = find_icmp6(&h, TK_ICMP6_PARAM_PROBLEM, &len);
    assert_non_null(m);
    assert_int_equal(m[1], TK_ICMP6_PP_FIELD);
    assert_int_equal(be32(m + 4), 4);
    assert_memory_equal(m + 8, f + 14, n - 14);
    tkh_clear(&h);
    assert_int_equal(send_part(&h, 0x22, 400, 400, true), 0);
    assert_int_equal(send_part(&h, 0x22, 200, 200, false), -EINVAL); /* ends before 800 */
    assert_int_equal(send_part(&h, 0x23, 800, 400, false), 0);
    assert_int_equal(send_part(&h, 0x23, 1000, 8, false), -EINVAL); /* another end */
    assert_int_equal(send_part(&h, 0x24, 8, 0, true), -EINVAL);     /* empty */
    assert_int_equal(h.nframes, 0);
    const tk_stats *st = tk_stack_stats(h.s);
    assert_int_equal(st->drop_ip6_frag_len, 1);
    assert_int_equal(st->drop_ip6_frag_bad, 3);
    tkh_fini(&h);
}

/* RFC 7112: a first fragment that ends inside its header chain (a
 * destination-options header with no ICMPv6 header after it) is dropped
 * and answered with a Parameter Problem, code 3, pointer 0. */
static void test_NET_04_frag_first_without_chain(void **state) {
    (void)state;
    tkh h;
    init6(&h, 4);
    static uint8_t f[1600];
    const uint8_t dst_opts[8] = {TK_IPPROTO_ICMPV6, 0, 1, 4, 0, 0, 0, 0};
    frag_spec s = {NULL, 0x31, 0, true, dst_opts, 8, TK_IPPROTO_DSTOPTS, NULL, 0, 0};
    size_t n = frag_frame(f, &s);
    assert_int_equal(tk_stack_input(h.s, f, n, h.now), -EINVAL);
    size_t len;
    const uint8_t *m = find_icmp6(&h, TK_ICMP6_PARAM_PROBLEM, &len);
    assert_non_null(m);
    assert_int_equal(m[1], TK_ICMP6_PP_HDR_CHAIN);
    assert_int_equal(be32(m + 4), 0);
    assert_memory_equal(m + 8, f + 14, n - 14);
    assert_int_equal(tk_stack_stats(h.s)->drop_ip6_frag_chain, 1);
    tkh_fini(&h);
}

/* The reassembled packet keeps the first fragment's unfragmentable part (a
 * hop-by-hop header) and walks the headers after the fragment header (a
 * destination-options header) before the echo request, which is answered. */
static void test_NET_04_frag_headers_around_fragment_header(void **state) {
    (void)state;
    tkh h;
    init6(&h, 4);
    make_echo(10);
    static uint8_t whole[8 + ECHO_LEN], f[1600];
    const uint8_t dst_opts[8] = {TK_IPPROTO_ICMPV6, 0, 1, 4, 0, 0, 0, 0};
    memcpy(whole, dst_opts, 8);
    memcpy(whole + 8, echo, ECHO_LEN);
    const uint8_t hbh[8] = {TK_IPPROTO_FRAGMENT, 0, 1, 4, 0, 0, 0, 0};
    frag_spec a = {NULL, 0x41, 0, true, whole, 608, TK_IPPROTO_DSTOPTS, hbh, 8, 0};
    assert_int_equal(tk_stack_input(h.s, f, frag_frame(f, &a), h.now), 0);
    frag_spec b = {NULL, 0x41, 608, false, whole + 608, sizeof whole - 608, TK_IPPROTO_DSTOPTS,
                   hbh,  8,    0};
    assert_int_equal(tk_stack_input(h.s, f, frag_frame(f, &b), h.now), 0);
    assert_int_equal(h.nframes, 1);
    expect_reply(&h.frames[0]);
    /* A fragment header inside the reassembled packet: dropped. */
    tkh_clear(&h);
    uint8_t inner[16];
    assert_int_equal(tk_wire_ipv6_frag_emit(TK_IPPROTO_ICMPV6, 0, true, 9, inner, 8), 8);
    memcpy(inner + 8, echo, 8);
    frag_spec c = {NULL, 0x42, 0, true, inner, 16, TK_IPPROTO_FRAGMENT, NULL, 0, 0};
    assert_int_equal(tk_stack_input(h.s, f, frag_frame(f, &c), h.now), 0);
    frag_spec d = {NULL, 0x42, 16, false, echo + 8, 8, TK_IPPROTO_FRAGMENT, NULL, 0, 0};
    assert_int_equal(tk_stack_input(h.s, f, frag_frame(f, &d), h.now), -EMSGSIZE);
    assert_int_equal(tk_stack_stats(h.s)->drop_ip6_fragment, 1);
    assert_int_equal(h.nframes, 0);
    tkh_fini(&h);
}

/* A reassembled request whose reply would pass the MTU (1500) is not
 * answered, since no fragments are sent, and counted. */
static void test_NET_04_frag_echo_too_big_for_reply(void **state) {
    (void)state;
    tkh h;
    init6(&h, 4);
    static uint8_t big[2000], f[1600];
    tk_icmp_hdr e = {TK_ICMP6_ECHO_REQUEST, 0, 0, 0x00070009u, big + 8, sizeof big - 8};
    assert_int_equal(tk_wire_icmp6_emit(&e, A1, A2, big, sizeof big), (int)sizeof big);
    frag_spec a = {NULL, 0x71, 0, true, big, 1232, 0, NULL, 0, 0};
    assert_int_equal(tk_stack_input(h.s, f, frag_frame(f, &a), h.now), 0);
    frag_spec b = {NULL, 0x71, 1232, false, big + 1232, sizeof big - 1232, 0, NULL, 0, 0};
    assert_int_equal(tk_stack_input(h.s, f, frag_frame(f, &b), h.now), 0);
    assert_int_equal(h.nframes, 0);
    const tk_stats *st = tk_stack_stats(h.s);
    assert_int_equal(st->ip6_reassembled, 1);
    assert_int_equal(st->icmp6_echo_too_big, 1);
    assert_int_equal(st->icmp6_echo_replies, 0);
    tkh_fini(&h);
}

/* RFC 6980: a neighbour solicitation that came in fragments is ignored. */
static void test_NET_04_frag_nd_ignored(void **state) {
    (void)state;
    tkh h;
    init6(&h, 4);
    tk_nd_msg m;
    memset(&m, 0, sizeof m);
    m.type = TK_ICMP6_ND_NS;
    memcpy(m.target, A2, 16);
    m.has_slla = true;
    memcpy(m.slla, peer_mac, 6);
    uint8_t icmp[64], f[256];
    assert_int_equal(tk_wire_nd_emit(&m, A1, A2, icmp, sizeof icmp), 32);
    frag_spec a = {NULL, 0x81, 0, true, icmp, 16, 0, NULL, 0, 0};
    assert_int_equal(tk_stack_input(h.s, f, frag_frame(f, &a), h.now), 0);
    frag_spec b = {NULL, 0x81, 16, false, icmp + 16, 16, 0, NULL, 0, 0};
    assert_int_equal(tk_stack_input(h.s, f, frag_frame(f, &b), h.now), -EINVAL);
    assert_int_equal(h.nframes, 0);
    const tk_stats *st = tk_stack_stats(h.s);
    assert_int_equal(st->drop_nd_fragmented, 1);
    assert_int_equal(st->nd_ns_in, 1); /* init6's own, not this one */
    tkh_fini(&h);
}

/* ipfrag_slots 0: no reassembly, every fragment dropped and counted. */
static void test_NET_04_frag_no_slots(void **state) {
    (void)state;
    tkh h;
    init6(&h, 0);
    make_echo(11);
    assert_int_equal(send_part(&h, 0x51, 0, 400, true), -ENOBUFS);
    const tk_stats *st = tk_stack_stats(h.s);
    assert_int_equal(st->ip6_frags_in, 1);
    assert_int_equal(st->drop_ip6_fragment, 1);
    tkh_fini(&h);
}

/* RFC 3168 5.3 as for IPv4: CE on one fragment makes the datagram CE; CE
 * with a Not-ECT fragment drops it. */
static void test_NET_04_frag_ecn(void **state) {
    (void)state;
    tkh h;
    init6(&h, 4);
    make_echo(12);
    static uint8_t f[1600];
    frag_spec a = {NULL, 0x61, 0, true, echo, 600, 0, NULL, 0, 0x01}; /* ECT(1) */
    assert_int_equal(tk_stack_input(h.s, f, frag_frame(f, &a), h.now), 0);
    frag_spec b = {NULL, 0x61, 600, false, echo + 600, 600, 0, NULL, 0, 0x03}; /* CE */
    assert_int_equal(tk_stack_input(h.s, f, frag_frame(f, &b), h.now), 0);
    assert_int_equal(h.nframes, 1); /* answered: the reassembled request was whole */
    a.id = b.id = 0x62;
    a.tclass = 0x00; /* Not-ECT */
    assert_int_equal(tk_stack_input(h.s, f, frag_frame(f, &a), h.now), 0);
    assert_int_equal(tk_stack_input(h.s, f, frag_frame(f, &b), h.now), -EINVAL);
    assert_int_equal(tk_stack_stats(h.s)->drop_ip6_frag_bad, 1);
    assert_int_equal(h.nframes, 1);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_NET_04_frag_in_order_echo_answered),
        cmocka_unit_test(test_NET_04_frag_out_of_order_and_duplicate),
        cmocka_unit_test(test_NET_04_frag_overlap_drops_datagram),
        cmocka_unit_test(test_NET_04_frag_too_big),
        cmocka_unit_test(test_NET_04_frag_timeout_with_first),
        cmocka_unit_test(test_NET_04_frag_timeout_without_first),
        cmocka_unit_test(test_NET_04_frag_table_full_eviction),
        cmocka_unit_test(test_NET_04_frag_bad_lengths),
        cmocka_unit_test(test_NET_04_frag_first_without_chain),
        cmocka_unit_test(test_NET_04_frag_headers_around_fragment_header),
        cmocka_unit_test(test_NET_04_frag_echo_too_big_for_reply),
        cmocka_unit_test(test_NET_04_frag_nd_ignored),
        cmocka_unit_test(test_NET_04_frag_no_slots),
        cmocka_unit_test(test_NET_04_frag_ecn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
