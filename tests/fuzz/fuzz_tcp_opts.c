/* Fuzz target: the TCP options iterator, parser and emitter (SPEC OP-5, OP-6). */
#include <stdint.h>
#include <string.h>

#include "fuzz_check.h"
#include "tcpkit/wire/err.h"
#include "tcpkit/wire/tcp.h"

/* The iterator must stay inside the area and agree with the parser. */
static int walk(const uint8_t *data, size_t size) {
    tk_tcp_opt_iter it;
    tk_tcp_opt o;
    int rc;
    tk_wire_tcp_opt_iter_init(&it, data, size);
    while ((rc = tk_wire_tcp_opt_next(&it, &o)) == 1) {
        FUZZ_CHECK(it.off <= size);
        if (o.kind <= TK_TCPOPT_NOP) {
            FUZZ_CHECK(o.len == 1 && o.data == NULL);
        } else {
            FUZZ_CHECK(o.len >= 2 && o.data == data + it.off - o.len + 2);
        }
    }
    FUZZ_CHECK(rc == 0 || (rc <= TK_WIRE_OPT_LEN0 && rc >= TK_WIRE_OPT_OVERRUN));
    FUZZ_CHECK(tk_wire_tcp_opt_next(&it, &o) == 0);
    return rc;
}

/* The fields emit carries: parse(emit(x)) must give them back. */
static void same_options(const tk_tcp_opts *a, const tk_tcp_opts *b) {
    FUZZ_CHECK(a->present == b->present);
    FUZZ_CHECK(!(a->present & TK_OPT_MSS) || a->mss == b->mss);
    FUZZ_CHECK(!(a->present & TK_OPT_WSCALE) || a->wscale == b->wscale);
    FUZZ_CHECK(!(a->present & TK_OPT_TS) || (a->ts_val == b->ts_val && a->ts_ecr == b->ts_ecr));
    FUZZ_CHECK(a->sack_count == b->sack_count);
    FUZZ_CHECK(memcmp(a->sack, b->sack, sizeof a->sack[0] * a->sack_count) == 0);
    FUZZ_CHECK(!(a->present & TK_OPT_MD5) || memcmp(a->md5, b->md5, sizeof a->md5) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    int walked = walk(data, size);
    tk_tcp_opts o;
    int rc = tk_wire_tcp_opts_parse(data, size, &o);
    /* A length error is found by both, unless the parser stopped earlier at a
     * known option of the wrong length (BADLEN is the parser's alone). */
    FUZZ_CHECK(rc == walked || rc == TK_WIRE_OPT_BADLEN);
    if (rc != 0)
        return 0;
    FUZZ_CHECK(o.sack_count <= TK_TCP_MAX_SACK);
    FUZZ_CHECK((o.sack_count > 0) == ((o.present & TK_OPT_SACK) != 0));
    uint8_t buf[TK_TCP_MAX_OPTLEN];
    int n = tk_wire_tcp_opts_emit(&o, buf, sizeof buf);
    if (n == TK_WIRE_INVAL) {
        FUZZ_CHECK(o.wscale > TK_TCP_MAX_WSCALE || tk_wire_tcp_opts_size(&o) > TK_TCP_MAX_OPTLEN);
        return 0;
    }
    FUZZ_CHECK(n >= 0 && (size_t)n == tk_wire_tcp_opts_size(&o) && n % 4 == 0);
    tk_tcp_opts back;
    FUZZ_CHECK(tk_wire_tcp_opts_parse(buf, (size_t)n, &back) == 0);
    same_options(&o, &back);
    FUZZ_CHECK(back.unknown == 0);
    uint8_t again[TK_TCP_MAX_OPTLEN];
    FUZZ_CHECK(tk_wire_tcp_opts_emit(&back, again, sizeof again) == n);
    FUZZ_CHECK(memcmp(buf, again, (size_t)n) == 0);
    return 0;
}
