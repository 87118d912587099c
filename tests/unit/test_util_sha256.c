/* SHA-256 against the FIPS 180-4 / NIST example vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/sha256.h"

static void digest_hex(const void *data, size_t len, char out[65]) {
    tk_sha256 c;
    uint8_t d[TK_SHA256_LEN];
    tk_sha256_init(&c);
    tk_sha256_update(&c, data, len);
    tk_sha256_final(&c, d);
    tk_sha256_hex(d, out);
}

static void test_sha256_empty(void **state) {
    (void)state;
    char hex[65];
    digest_hex("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_sha256_abc(void **state) {
    (void)state;
    char hex[65];
    digest_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_sha256_two_blocks(void **state) {
    (void)state;
    static const char m[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    char hex[65];
    digest_hex(m, strlen(m), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

/* One million 'a' fed in uneven pieces: the incremental path. */
static void test_sha256_million_a_in_pieces(void **state) {
    (void)state;
    static uint8_t buf[1000];
    memset(buf, 'a', sizeof buf);
    tk_sha256 c;
    tk_sha256_init(&c);
    size_t done = 0, piece = 1;
    while (done < 1000000) {
        size_t n = piece < 1000000 - done ? piece : 1000000 - done;
        if (n > sizeof buf)
            n = sizeof buf;
        tk_sha256_update(&c, buf, n);
        done += n;
        piece = piece * 7 % 997 + 1;
    }
    uint8_t d[TK_SHA256_LEN];
    char hex[65];
    tk_sha256_final(&c, d);
    tk_sha256_hex(d, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_empty),
        cmocka_unit_test(test_sha256_abc),
        cmocka_unit_test(test_sha256_two_blocks),
        cmocka_unit_test(test_sha256_million_a_in_pieces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
