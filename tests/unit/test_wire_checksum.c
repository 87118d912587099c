/* Internet checksum (RFC 1071) and incremental updates (RFC 1624). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tcpkit/wire/checksum.h"
#include "wire/checksum_loops.h"

static uint32_t lcg(uint32_t *st) {
    *st = *st * 1103515245u + 12345u;
    return *st >> 8;
}

/* The reference with a start sum: the folded, uncomplemented 16-bit sum
 * (0 only when the start sum and every byte are 0). */
static uint16_t ref_sum(uint32_t start, const uint8_t *p, size_t len) {
    uint64_t s = start;
    for (size_t i = 0; i + 1 < len; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (len & 1)
        s += (uint32_t)p[len - 1] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)s;
}

/* Straightforward reference: big-endian 16-bit words, one at a time. */
static uint16_t ref_csum(const uint8_t *p, size_t len) {
    return (uint16_t)~ref_sum(0, p, len);
}

/* tk_csum_add (the vector loop where compiled in), tk_csum_add_scalar,
 * tk_csum_add_compact (what a size-optimized build, the board's, uses:
 * EMB-1) and the byte-by-byte reference agree: the three loops bit for bit,
 * the folded sum with the reference. */
static void check_loops_agree(uint32_t start, const uint8_t *p, size_t len) {
    uint32_t fast = tk_csum_add(start, p, len);
    assert_int_equal(fast, tk_csum_add_scalar(start, p, len));
    assert_int_equal(fast, tk_csum_add_compact(start, p, len));
    assert_int_equal(tk_csum_finish(fast), (uint16_t)~ref_sum(start, p, len));
}

static uint32_t rand32(uint32_t *st) {
    uint32_t hi = lcg(st);
    return hi << 16 ^ lcg(st);
}

static void fill_random(uint8_t *p, size_t len, uint32_t seed) {
    for (size_t i = 0; i < len; i++)
        p[i] = (uint8_t)lcg(&seed);
}

static void test_rfc1071_example(void **state) {
    (void)state;
    /* RFC 1071 section 3: the words sum to ddf2, so the checksum is 220d. */
    const uint8_t b[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    assert_int_equal((uint16_t)~tk_csum_finish(tk_csum_add(0, b, sizeof b)), 0xddf2);
    assert_int_equal(tk_csum_finish(tk_csum_add(0, b, sizeof b)), 0x220d);
}

static void test_odd_length_padded_with_zero(void **state) {
    (void)state;
    const uint8_t b[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7, 0xab};
    assert_int_equal(tk_csum_finish(tk_csum_add(0, b, sizeof b)), 0x770c);
    const uint8_t one[] = {0x12};
    assert_int_equal(tk_csum_finish(tk_csum_add(0, one, 1)), 0xedff);
}

static void test_ipv4_header_known_value(void **state) {
    (void)state;
    uint8_t ip[] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                    0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    assert_int_equal(tk_csum_finish(tk_csum_add(0, ip, sizeof ip)), 0xb861);
    ip[10] = 0xb8;
    ip[11] = 0x61;
    assert_int_equal(tk_csum_finish(tk_csum_add(0, ip, sizeof ip)), 0);
}

static void test_empty_and_zero(void **state) {
    (void)state;
    assert_int_equal(tk_csum_add(0x1234, NULL, 0), 0x1234);
    assert_int_equal(tk_csum_finish(0), 0xffff);
    assert_int_equal(tk_csum_finish(0x1fffe), 0);
}

static void test_matches_reference_all_lengths_and_alignments(void **state) {
    (void)state;
    static uint8_t buf[2100];
    uint32_t st = 7;
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)lcg(&st);
    for (size_t off = 0; off < 8; off++) {
        for (size_t len = 0; len < 300; len++)
            assert_int_equal(tk_csum_finish(tk_csum_add(0, buf + off, len)),
                             ref_csum(buf + off, len));
        assert_int_equal(tk_csum_finish(tk_csum_add(0, buf + off, 2048)),
                         ref_csum(buf + off, 2048));
    }
}

static void test_all_ones_buffer_carries(void **state) {
    (void)state;
    static uint8_t buf[65536];
    memset(buf, 0xff, sizeof buf);
    assert_int_equal(tk_csum_finish(tk_csum_add(0, buf, sizeof buf)), ref_csum(buf, sizeof buf));
    assert_int_equal(tk_csum_finish(tk_csum_add(0, buf, 65535)), ref_csum(buf, 65535));
}

/* Every length to 640 (both sides of the length tk_csum_add starts using the
 * vector loop at), every start alignment in a 16-byte vector, three start
 * sums each. */
static void test_vector_scalar_reference_every_length_and_alignment(void **state) {
    (void)state;
    static uint8_t buf[640 + 16];
    uint32_t st = 2026;
    fill_random(buf, sizeof buf, 11);
    for (size_t off = 0; off < 16; off++)
        for (size_t len = 0; len <= 640; len++) {
            check_loops_agree(0, buf + off, len);
            check_loops_agree(lcg(&st) & 0x1ffff, buf + off, len);
            check_loops_agree(rand32(&st), buf + off, len);
        }
}

/* Segment, jumbo and largest IP payload sizes, a few bytes either side
 * (every 16-byte and 64-byte tail shape), at every alignment. */
static void test_vector_scalar_reference_segment_sizes(void **state) {
    (void)state;
    static uint8_t buf[65536 + 16 + 16];
    const size_t sizes[] = {1448, 1460, 1500, 9000, 65535};
    uint32_t st = 5;
    fill_random(buf, sizeof buf, 77);
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++)
        for (size_t off = 0; off < 16; off++)
            for (size_t len = sizes[si] - 16; len <= sizes[si] + 16; len++)
                check_loops_agree(lcg(&st), buf + off, len);
}

/* All-0xff words are the largest a vector lane adds, all-zero words the
 * most negative once biased; all-zero data must sum to 0, not 0xffff. */
static void test_vector_scalar_reference_extreme_data(void **state) {
    (void)state;
    static uint8_t buf[65536 + 16];
    for (int fill = 0; fill < 2; fill++) {
        memset(buf, fill ? 0xff : 0x00, sizeof buf);
        for (size_t off = 0; off < 16; off++) {
            const size_t lens[] = {64, 65, 1448, 9000, 65535, 65536};
            for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
                check_loops_agree(0, buf + off, lens[li]);
                check_loops_agree(0xffffffffu, buf + off, lens[li]);
            }
        }
    }
    assert_int_equal(tk_csum_add(0, buf, 0), 0);
    memset(buf, 0, sizeof buf);
    assert_int_equal(tk_csum_add(0, buf, 65536), 0);
    assert_int_equal(tk_csum_add(0, buf + 3, 1448), 0);
}

/* The vector loop on its own, also below the length tk_csum_add hands it
 * (every multiple of 16 up to 1024), against the native-order reference. */
static void test_vector_loop_alone_matches_reference(void **state) {
    (void)state;
#if defined(TK_CSUM_VECTOR)
    static uint8_t buf[1024 + 16];
    fill_random(buf, sizeof buf, 9);
    for (size_t off = 0; off < 16; off++)
        for (size_t len = 0; len <= 1024; len += 16) {
            uint64_t native = tk_csum_vector_words(buf + off, len);
            while (native >> 16)
                native = (native & 0xffff) + (native >> 16);
            uint16_t be = ref_sum(0, buf + off, len);
            uint16_t le = (uint16_t)(be << 8 | be >> 8);
            assert_int_equal(native, le);
        }
    assert_int_equal(tk_csum_vector_words(buf, 0), 0);
#else
    skip();
#endif
}

/* Longer than one vector block (256 KiB), in which the 32-bit lanes are
 * emptied: all-0xff and all-zero stress the lane bounds across blocks. */
static void test_vector_scalar_reference_across_blocks(void **state) {
    (void)state;
    static uint8_t buf[(1u << 20) + 64];
    const size_t lens[] = {(1u << 18) - 16, 1u << 18, (1u << 18) + 16, (1u << 18) + 77, 1u << 20};
    for (int fill = 0; fill < 3; fill++) {
        if (fill < 2)
            memset(buf, fill ? 0xff : 0x00, sizeof buf);
        else
            fill_random(buf, sizeof buf, 3);
        for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
            check_loops_agree(0, buf, lens[li]);
            check_loops_agree(0x1234567u, buf + 7, lens[li]);
        }
    }
}

/* EMB-1: the compact loop of size-optimized builds over the largest
 * buffers the stack sums (a 64 KiB super-segment, every byte 0xff: the
 * most carries) and an all-zero one (the sum stays 0, not 0xffff). */
static void test_EMB_1_compact_checksum_large_buffers(void **state) {
    (void)state;
    static uint8_t buf[65536 + 1];
    memset(buf, 0xff, sizeof buf);
    for (size_t len = 65533; len <= sizeof buf; len++) {
        assert_int_equal(tk_csum_add_compact(0, buf, len), tk_csum_add_scalar(0, buf, len));
        assert_int_equal(tk_csum_finish(tk_csum_add_compact(0xffffu, buf, len)),
                         (uint16_t)~ref_sum(0xffffu, buf, len));
    }
    memset(buf, 0, sizeof buf);
    assert_int_equal(tk_csum_add_compact(0, buf, sizeof buf), 0);
    assert_int_equal(tk_csum_finish(tk_csum_add_compact(0, buf, sizeof buf)), 0xffff);
}

static void test_chained_even_chunks_equal_whole(void **state) {
    (void)state;
    uint8_t buf[200];
    uint32_t st = 99;
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)lcg(&st);
    uint32_t s = tk_csum_add(0, buf, 64);
    s = tk_csum_add(s, buf + 64, 2);
    s = tk_csum_add(s, buf + 66, 133);
    assert_int_equal(tk_csum_finish(s), ref_csum(buf, 199));
}

static void test_pseudo_header_matches_bytes(void **state) {
    (void)state;
    /* 198.18.0.1 -> 198.18.0.2, TCP, length 40, laid out as on the wire. */
    const uint8_t ph[] = {198, 18, 0, 1, 198, 18, 0, 2, 0, 6, 0, 40};
    uint32_t s = tk_csum_pseudo(0xc6120001u, 0xc6120002u, 6, 40);
    assert_int_equal(tk_csum_finish(s), ref_csum(ph, sizeof ph));
    assert_int_equal(
        tk_csum_finish(tk_csum_pseudo(0xffffffffu, 0xffffffffu, 255, 0xffff)),
        tk_csum_finish(tk_csum_add(
            0,
            (const uint8_t[]){0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff, 0xff},
            12)));
}

/* Changes the 16-bit word at `word` and checks the incremental result
 * against a full recompute. */
static void check_update16(uint8_t *b, size_t len, size_t word, uint16_t nv) {
    b[len - 2] = 0;
    b[len - 1] = 0;
    uint16_t c = ref_csum(b, len);
    uint16_t old = (uint16_t)(b[word] << 8 | b[word + 1]);
    b[word] = (uint8_t)(nv >> 8);
    b[word + 1] = (uint8_t)nv;
    assert_int_equal(tk_csum_update16(c, old, nv), ref_csum(b, len));
}

static void test_update16_matches_full_recompute(void **state) {
    (void)state;
    uint8_t b[40];
    uint32_t st = 1;
    for (int round = 0; round < 5000; round++) {
        for (size_t i = 0; i < sizeof b; i++)
            b[i] = (uint8_t)lcg(&st);
        size_t word = 2 * (lcg(&st) % 19);
        check_update16(b, sizeof b, word, (uint16_t)lcg(&st));
    }
    /* Edge values: to and from 0x0000 and 0xffff. All-zero data is left out:
     * eqn. 3 never yields 0xffff (RFC 1624 section 3), and IP and TCP
     * headers always hold a non-zero word (version, protocol). */
    memset(b, 0, sizeof b);
    b[0] = 0x45;
    check_update16(b, sizeof b, 4, 0xffff);
    check_update16(b, sizeof b, 4, 0x0000);
    check_update16(b, sizeof b, 6, 0x0001);
}

static void test_update16_ttl_decrement_known(void **state) {
    (void)state;
    /* The RFC 1071 IPv4 example header: TTL 0x40 -> 0x3f in word 0x4011. */
    assert_int_equal(tk_csum_update16(0xb861, 0x4011, 0x3f11), 0xb961);
}

static void test_update32_matches_full_recompute(void **state) {
    (void)state;
    uint8_t b[24];
    uint32_t st = 12345;
    for (int round = 0; round < 5000; round++) {
        for (size_t i = 0; i < sizeof b; i++)
            b[i] = (uint8_t)lcg(&st);
        b[22] = b[23] = 0;
        uint16_t c = ref_csum(b, sizeof b);
        size_t at = 4 * (lcg(&st) % 5);
        uint32_t old = (uint32_t)b[at] << 24 | (uint32_t)b[at + 1] << 16 |
                       (uint32_t)b[at + 2] << 8 | b[at + 3];
        uint32_t nv = lcg(&st) ^ (lcg(&st) << 16);
        b[at] = (uint8_t)(nv >> 24);
        b[at + 1] = (uint8_t)(nv >> 16);
        b[at + 2] = (uint8_t)(nv >> 8);
        b[at + 3] = (uint8_t)nv;
        assert_int_equal(tk_csum_update32(c, old, nv), ref_csum(b, sizeof b));
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc1071_example),
        cmocka_unit_test(test_EMB_1_compact_checksum_large_buffers),
        cmocka_unit_test(test_odd_length_padded_with_zero),
        cmocka_unit_test(test_ipv4_header_known_value),
        cmocka_unit_test(test_empty_and_zero),
        cmocka_unit_test(test_matches_reference_all_lengths_and_alignments),
        cmocka_unit_test(test_all_ones_buffer_carries),
        cmocka_unit_test(test_vector_scalar_reference_every_length_and_alignment),
        cmocka_unit_test(test_vector_scalar_reference_segment_sizes),
        cmocka_unit_test(test_vector_scalar_reference_extreme_data),
        cmocka_unit_test(test_vector_scalar_reference_across_blocks),
        cmocka_unit_test(test_vector_loop_alone_matches_reference),
        cmocka_unit_test(test_chained_even_chunks_equal_whole),
        cmocka_unit_test(test_pseudo_header_matches_bytes),
        cmocka_unit_test(test_update16_matches_full_recompute),
        cmocka_unit_test(test_update16_ttl_decrement_known),
        cmocka_unit_test(test_update32_matches_full_recompute),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
