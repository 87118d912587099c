/* One stack per core (SPEC NET-8): the RSS Toeplitz hash, the queue of a
 * flow, the software dispatcher's table, and connect() choosing ports
 * that steer to the stack's own shard. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/toeplitz.h"
#include "rss_table.h"
#include "support/tk_harness.h"
#include "tcpkit/config.h"
#include "tcpkit/opts.h"
#include "tcpkit/shard.h"
#include "tcpkit/socket.h"

/* Microsoft's RSS key and its published verification vectors (IPv4 with
 * TCP ports): source, destination, hash. */
static const uint8_t ms_key[40] = {
    0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
    0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
    0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static const struct {
    uint32_t src;
    uint16_t sport;
    uint32_t dst;
    uint16_t dport;
    uint32_t hash;
} vectors[] = {
    {IP4(66, 9, 149, 187), 2794, IP4(161, 142, 100, 80), 1766, 0x51ccc178u},
    {IP4(199, 92, 111, 2), 14230, IP4(65, 69, 140, 83), 4739, 0xc626b0eau},
    {IP4(24, 19, 198, 95), 12898, IP4(12, 22, 207, 184), 38024, 0x5c2b394au},
    {IP4(38, 27, 205, 30), 48228, IP4(209, 142, 163, 6), 2217, 0xafc7327fu},
    {IP4(153, 39, 163, 191), 44251, IP4(202, 188, 127, 2), 1303, 0x10e828a2u},
};

static void test_NET_08_toeplitz_verification_vectors(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++)
        assert_int_equal(tk_rss_hash_v4(ms_key, vectors[i].src, vectors[i].sport, vectors[i].dst,
                                        vectors[i].dport),
                         vectors[i].hash);
    /* Address-only input (the "IPv4" column of the same table). */
    uint8_t in[8] = {66, 9, 149, 187, 161, 142, 100, 80};
    assert_int_equal(tk_toeplitz(ms_key, sizeof ms_key, in, sizeof in), 0x323e8fc2u);
}

/* The same table's IPv6 vectors: source, destination (network order),
 * ports, the hash with TCP ports and over the addresses only. */
static const struct {
    uint8_t src[16];
    uint16_t sport;
    uint8_t dst[16];
    uint16_t dport;
    uint32_t hash, hash_addr;
} vectors6[] = {
    {{0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x1f, 0xff, 0, 0, 0, 0, 0, 0, 0, 7},
     2794,
     {0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0, 3, 0, 0, 0, 0, 0, 0, 0, 1},
     1766,
     0x40207d3du,
     0x2cc18cd5u},
    {{0x3f, 0xfe, 0x05, 0x01, 0, 8, 0, 0, 0x02, 0x60, 0x97, 0xff, 0xfe, 0x40, 0xef, 0xab},
     14230,
     {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
     4739,
     0xdde51bbfu,
     0x0f0c461cu},
    {{0x3f, 0xfe, 0x19, 0x00, 0x45, 0x45, 0, 3, 0x02, 0x00, 0xf8, 0xff, 0xfe, 0x21, 0x67, 0xcf},
     44251,
     {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x00, 0xf8, 0xff, 0xfe, 0x21, 0x67, 0xcf},
     38024,
     0x02d1feefu,
     0x4b61e985u},
};

static void test_NET_08_toeplitz_verification_vectors_ipv6(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof vectors6 / sizeof vectors6[0]; i++) {
        assert_int_equal(tk_rss_hash_v6(ms_key, vectors6[i].src, vectors6[i].sport, vectors6[i].dst,
                                        vectors6[i].dport),
                         vectors6[i].hash);
        uint8_t in[32];
        memcpy(in, vectors6[i].src, 16);
        memcpy(in + 16, vectors6[i].dst, 16);
        assert_int_equal(tk_toeplitz(ms_key, sizeof ms_key, in, sizeof in), vectors6[i].hash_addr);
        /* Both directions of a flow land in one shard. */
        assert_int_equal(tk_flow_shard_v6(vectors6[i].src, vectors6[i].sport, vectors6[i].dst,
                                          vectors6[i].dport, 8),
                         tk_flow_shard_v6(vectors6[i].dst, vectors6[i].dport, vectors6[i].src,
                                          vectors6[i].sport, 8));
    }
}

/* The symmetric key gives both directions of a flow one hash, so one
 * queue sees the whole connection. */
static void test_NET_08_symmetric_key_same_hash_both_ways(void **state) {
    (void)state;
    uint32_t x = 0x9e3779b9u;
    for (int i = 0; i < 1000; i++) {
        x = x * 1103515245u + 12345u;
        uint32_t a = x, b = x * 2654435761u;
        uint16_t pa = (uint16_t)(x >> 7), pb = (uint16_t)(x >> 13);
        assert_int_equal(tk_rss_hash_v4(tk_rss_symmetric_key, a, pa, b, pb),
                         tk_rss_hash_v4(tk_rss_symmetric_key, b, pb, a, pa));
    }
    assert_int_equal(tk_rss_queue(0x12345678u, 0), 0);
    assert_int_equal(tk_rss_queue(0x12345678u, 1), 0);
    assert_int_equal(tk_rss_queue(0x1234567fu, 4), 127u % 4u);
    assert_int_equal(tk_rss_queue(0x12345600u | 100u, 3), 100u % 3u);
}

/* The dispatcher's table computes the same hash, and reads a frame's
 * tuple from the right offsets; non-TCP frames have no shard. */
static void test_NET_08_table_hash_and_frame_shard(void **state) {
    (void)state;
    static tk_rss_table t;
    tk_rss_table_init(&t, ms_key, sizeof ms_key);
    uint8_t in[12] = {66,  9,  149,       187,         161,       142,
                      100, 80, 2794 >> 8, 2794 & 0xff, 1766 >> 8, 1766 & 0xff};
    assert_int_equal(tk_rss_table_hash(&t, in, sizeof in), 0x51ccc178u);
    uint8_t frame[64] = {0};
    frame[12] = 0x08;
    frame[14] = 0x45;
    frame[14 + 9] = 6;
    memcpy(frame + 14 + 12, in, 8);
    memcpy(frame + 34, in + 8, 4);
    assert_int_equal(tk_rss_frame_shard(&t, frame, sizeof frame, 8),
                     (int)(0x51ccc178u % 128u % 8u));
    frame[14 + 9] = 17; /* UDP */
    assert_int_equal(tk_rss_frame_shard(&t, frame, sizeof frame, 8), -1);
    frame[14 + 9] = 6;
    frame[14 + 7] = 1; /* a later fragment has no ports */
    assert_int_equal(tk_rss_frame_shard(&t, frame, sizeof frame, 8), -1);
    frame[14 + 7] = 0;
    frame[13] = 0x06; /* ARP */
    assert_int_equal(tk_rss_frame_shard(&t, frame, sizeof frame, 8), -1);
}

/* An IPv6/TCP frame: the tuple from its fixed header and the TCP ports;
 * another first next header (an extension header, ICMPv6) has no shard. */
static void test_NET_08_frame_shard_ipv6(void **state) {
    (void)state;
    static tk_rss_table t;
    tk_rss_table_init(&t, ms_key, sizeof ms_key);
    uint8_t frame[14 + 40 + 20] = {0};
    frame[12] = 0x86;
    frame[13] = 0xdd;
    frame[14] = 0x60;
    frame[14 + 6] = 6;
    memcpy(frame + 14 + 8, vectors6[0].src, 16);
    memcpy(frame + 14 + 24, vectors6[0].dst, 16);
    frame[54] = (uint8_t)(vectors6[0].sport >> 8);
    frame[55] = (uint8_t)vectors6[0].sport;
    frame[56] = (uint8_t)(vectors6[0].dport >> 8);
    frame[57] = (uint8_t)vectors6[0].dport;
    assert_int_equal(tk_rss_frame_shard(&t, frame, sizeof frame, 8),
                     (int)(vectors6[0].hash % 128u % 8u));
    assert_int_equal(tk_rss_frame_shard(&t, frame, 14 + 40 + 3, 8), -1); /* no ports */
    frame[14 + 6] = 58;                                                  /* ICMPv6 */
    assert_int_equal(tk_rss_frame_shard(&t, frame, sizeof frame, 8), -1);
    frame[14 + 6] = 0; /* hop-by-hop options first */
    assert_int_equal(tk_rss_frame_shard(&t, frame, sizeof frame, 8), -1);
}

/* connect() in shard 2 of 4 picks only ports whose flows steer to shard
 * 2, for many peers and ports. */
static void test_NET_08_connect_picks_ports_of_own_shard(void **state) {
    (void)state;
    if (!TK_WITH_SHARDS)
        skip(); /* compiled out: shard_count > 1 is refused (below) */
    tk_config cfg;
    tkh_config(&cfg);
    cfg.max_sockets = 64;
    cfg.shard_count = 4;
    cfg.shard_index = 2;
    tkh h;
    tkh_init(&h, &cfg);
    for (uint16_t i = 0; i < 60; i++) {
        int sd = tk_socket(h.s);
        assert_true(sd >= 0);
        tk_sockaddr to = tk_sockaddr_in4(TKH_REMOTE_ADDR, (uint16_t)(80 + i * 7));
        assert_int_equal(tk_connect(h.s, sd, &to), -EINPROGRESS);
        tk_sockaddr me;
        assert_int_equal(tk_getsockname(h.s, sd, &me), 0);
        assert_true(me.port >= cfg.ephemeral_lo);
        assert_int_equal(tk_flow_shard_v4(TKH_LOCAL_ADDR, me.port, to.addr, to.port, 4), 2);
        assert_int_equal(tk_flow_shard_v4(to.addr, to.port, TKH_LOCAL_ADDR, me.port, 4), 2);
    }
    tkh_fini(&h);
}

/* The same over IPv6: the ports connect() picks steer the flow's IPv6
 * 4-tuple, both ways, to the stack's own shard. */
static void test_NET_08_connect_ipv6_picks_ports_of_own_shard(void **state) {
    (void)state;
    if (!TK_WITH_SHARDS || !TK_WITH_IPV6)
        skip();
    static const uint8_t me6[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
    static const uint8_t peer6[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    tk_config cfg;
    tkh_config(&cfg);
    cfg.max_sockets = 64;
    cfg.shard_count = 4;
    cfg.shard_index = 1;
    cfg.ipv6 = true;
    cfg.dad_transmits = 0;
    memcpy(cfg.addr6, me6, 16);
    tkh h;
    tkh_init(&h, &cfg);
    for (uint16_t i = 0; i < 60; i++) {
        int sd = tk_socket(h.s);
        assert_true(sd >= 0);
        tk_sockaddr to = tk_sockaddr_in6(peer6, (uint16_t)(80 + i * 7), 0);
        assert_int_equal(tk_connect(h.s, sd, &to), -EINPROGRESS);
        tk_sockaddr local;
        assert_int_equal(tk_getsockname(h.s, sd, &local), 0);
        assert_memory_equal(local.addr6, me6, 16);
        assert_true(local.port >= cfg.ephemeral_lo);
        assert_int_equal(tk_flow_shard_v6(me6, local.port, peer6, to.port, 4), 1);
        assert_int_equal(tk_flow_shard_v6(peer6, to.port, me6, local.port, 4), 1);
    }
    tkh_fini(&h);
}

/* A shard outside its count is a configuration error. */
static void test_NET_08_shard_config_checked(void **state) {
    (void)state;
    tk_config cfg;
    tkh_config(&cfg);
    assert_true(tk_config_valid(&cfg));
    cfg.shard_count = 0;
    assert_false(tk_config_valid(&cfg));
    cfg.shard_count = 4;
    cfg.shard_index = 4;
    assert_false(tk_config_valid(&cfg));
    cfg.shard_index = 3;
    if (!TK_WITH_SHARDS) { /* compiled out: one stack only (tcpkit/opts.h) */
        assert_false(tk_config_valid(&cfg));
        return;
    }
    assert_true(tk_config_valid(&cfg));
    cfg.shard_count = TK_MAX_SHARDS;
    assert_true(tk_config_valid(&cfg));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_NET_08_toeplitz_verification_vectors),
        cmocka_unit_test(test_NET_08_toeplitz_verification_vectors_ipv6),
        cmocka_unit_test(test_NET_08_symmetric_key_same_hash_both_ways),
        cmocka_unit_test(test_NET_08_table_hash_and_frame_shard),
        cmocka_unit_test(test_NET_08_frame_shard_ipv6),
        cmocka_unit_test(test_NET_08_connect_picks_ports_of_own_shard),
        cmocka_unit_test(test_NET_08_connect_ipv6_picks_ports_of_own_shard),
        cmocka_unit_test(test_NET_08_shard_config_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
