/* MD5 against the test suite of RFC 1321 (appendix A.5), fed whole and in
 * pieces split at every offset, and a long input crossing many blocks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/md5.h"

typedef struct vector {
    const char *msg;
    const char *digest;
} vector;

/* RFC 1321 A.5, all seven. */
static const vector VECTORS[] = {
    {"", "d41d8cd98f00b204e9800998ecf8427e"},
    {"a", "0cc175b9c0f1b6a831c399e269772661"},
    {"abc", "900150983cd24fb0d6963f7d28e17f72"},
    {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
    {"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
    {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
     "d174ab98d277d9f5a5611c2c9f419d9f"},
    {"1234567890123456789012345678901234567890123456789012345678901234567890123456789"
     "0",
     "57edf4a22be3c955ac49da2e2107b67a"},
};

static void hex(const uint8_t d[TK_MD5_LEN], char out[2 * TK_MD5_LEN + 1]) {
    for (int i = 0; i < TK_MD5_LEN; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void test_md5_rfc1321_vectors(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof VECTORS / sizeof VECTORS[0]; i++) {
        tk_md5 c;
        uint8_t d[TK_MD5_LEN];
        char text[2 * TK_MD5_LEN + 1];
        tk_md5_init(&c);
        tk_md5_update(&c, VECTORS[i].msg, strlen(VECTORS[i].msg));
        tk_md5_final(&c, d);
        hex(d, text);
        assert_string_equal(text, VECTORS[i].digest);
    }
}

static void test_md5_split_at_every_offset(void **state) {
    (void)state;
    const vector *v = &VECTORS[6]; /* 80 bytes: more than one block */
    size_t n = strlen(v->msg);
    for (size_t cut = 0; cut <= n; cut++) {
        tk_md5 c;
        uint8_t d[TK_MD5_LEN];
        char text[2 * TK_MD5_LEN + 1];
        tk_md5_init(&c);
        tk_md5_update(&c, v->msg, cut);
        tk_md5_update(&c, v->msg + cut, n - cut);
        tk_md5_final(&c, d);
        hex(d, text);
        assert_string_equal(text, v->digest);
    }
}

/* One million 'a' in chunks of 1000 (the value python3's hashlib gives:
 * hashlib.md5(b"a" * 1000000).hexdigest()). */
static void test_md5_million_a(void **state) {
    (void)state;
    char chunk[1000];
    memset(chunk, 'a', sizeof chunk);
    tk_md5 c;
    uint8_t d[TK_MD5_LEN];
    char text[2 * TK_MD5_LEN + 1];
    tk_md5_init(&c);
    for (int i = 0; i < 1000; i++)
        tk_md5_update(&c, chunk, sizeof chunk);
    tk_md5_final(&c, d);
    hex(d, text);
    assert_string_equal(text, "7707d6ae4e027c70eea2a935c2296f21");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_md5_rfc1321_vectors),
        cmocka_unit_test(test_md5_split_at_every_offset),
        cmocka_unit_test(test_md5_million_a),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
