/* Script symbols: errno names both ways (EWOULDBLOCK is EAGAIN) and the
 * evaluation of numbers, fcntl flags and `|` expressions. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/packetdrill/pkt_parse.h"
#include "lib/packetdrill/pkt_sym.h"

static void test_errno_names(void **state) {
    (void)state;
    assert_int_equal(tk_pkt_errno_value("ECONNRESET"), ECONNRESET);
    assert_int_equal(tk_pkt_errno_value("EINPROGRESS"), EINPROGRESS);
    assert_int_equal(tk_pkt_errno_value("EWOULDBLOCK"), EAGAIN);
    assert_int_equal(tk_pkt_errno_value("EBOGUS"), 0);
    assert_string_equal(tk_pkt_errno_name(ETIMEDOUT), "ETIMEDOUT");
    assert_string_equal(tk_pkt_errno_name(EADDRINUSE), "EADDRINUSE");
    assert_string_equal(tk_pkt_errno_name(-1), "E?");
}

static int64_t eval(const char *text, bool *ok) {
    tk_pkt_lex lx;
    tk_pkt_error err;
    tk_pkt_expr e;
    tk_pkt_lex_init(&lx, text);
    assert_int_equal(tk_pkt_parse_expr(&lx, &e, &err), 0);
    int64_t v = -99;
    *ok = tk_pkt_eval(&e, &v);
    tk_pkt_expr_free(&e);
    return v;
}

static void test_eval(void **state) {
    (void)state;
    bool ok;
    assert_int_equal(eval("0x02", &ok), 2);
    assert_true(ok);
    assert_int_equal(eval("-1", &ok), -1);
    assert_true(ok);
    assert_int_equal(eval("O_RDWR | O_NONBLOCK", &ok), TK_PKT_O_RDWR | TK_PKT_O_NONBLOCK);
    assert_true(ok);
    assert_int_equal(eval("O_NONBLOCK | 0x10", &ok), 0x14);
    assert_true(ok);
    assert_int_equal(eval("ECONNREFUSED", &ok), ECONNREFUSED);
    assert_true(ok);
    (void)eval("SOCK_STREAM", &ok);
    assert_false(ok);
    (void)eval("[1]", &ok);
    assert_false(ok);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_errno_names),
        cmocka_unit_test(test_eval),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
