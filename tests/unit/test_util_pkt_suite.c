/* Every script of the FreeBSD TCP test suite (read from ../shared when it is
 * there) parses without a syntax error, with STANDARD and with FreeBSD
 * defined. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "lib/packetdrill/pkt_parse.h"

typedef struct walk_result {
    int parsed;
    int failed;
} walk_result;

static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

static void parse_one(const char *path, const char *define, walk_result *r) {
    tk_pkt_script s;
    tk_pkt_error err;
    const char *defs[] = {define};
    int rc = tk_pkt_parse_file(path, defs, 1, &s, &err);
    if (rc) {
        fprintf(stderr, "%s:%d: %s\n", path, err.line, err.msg);
        r->failed++;
        return;
    }
    r->parsed++;
    tk_pkt_script_free(&s);
}

static void walk(const char *dir, const char *define, walk_result *r) {
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            walk(path, define, r);
        else if (ends_with(e->d_name, ".pkt"))
            parse_one(path, define, r);
    }
    closedir(d);
}

static const char *suite_dir(char *buf, size_t cap) {
    const char *shared = getenv("TK_SHARED");
    snprintf(buf, cap, "%s/conformance/freebsd-tcp-testsuite", shared ? shared : "../shared");
    struct stat st;
    return stat(buf, &st) == 0 ? buf : NULL;
}

static void check_suite(const char *define) {
    char buf[1024];
    const char *dir = suite_dir(buf, sizeof buf);
    if (!dir)
        skip();
    walk_result r = {0, 0};
    walk(dir, define, &r);
    assert_int_equal(r.failed, 0);
    /* The suite holds 931 scripts (IPv4 and IPv6): 714, and the 217 of
     * rcv-data-segments/. */
    assert_int_equal(r.parsed, 931);
}

static void test_freebsd_suite_parses_standard(void **state) {
    (void)state;
    check_suite("STANDARD");
}

static void test_freebsd_suite_parses_freebsd(void **state) {
    (void)state;
    check_suite("FreeBSD");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_freebsd_suite_parses_standard),
        cmocka_unit_test(test_freebsd_suite_parses_freebsd),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
