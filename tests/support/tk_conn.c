/* Opening one scripted connection (see tk_conn.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_conn.h"

tk_tcp_opts tkh_mss_opts(uint8_t present, uint16_t mss) {
    tk_tcp_opts o;
    memset(&o, 0, sizeof(o));
    o.present = present;
    o.mss = mss;
    return o;
}

void tkh_init_fixed(tkh *h, tk_config *cfg, uint32_t iss) {
    tk_config def;
    if (cfg == NULL) {
        tkh_config(&def);
        cfg = &def;
    }
    cfg->isn_fixed = true;
    cfg->isn_value = iss;
    tkh_init(h, cfg);
}

int tkh_listen_at(tkh *h, uint16_t port, int backlog) {
    int ls = tk_socket(h->s);
    assert_true(ls >= 0);
    tk_sockaddr a = tk_sockaddr_in4(0, port);
    assert_int_equal(tk_bind(h->s, ls, &a), 0);
    assert_int_equal(tk_listen(h->s, ls, backlog), 0);
    return ls;
}

int tkh_open_fixed(tkh *h, tk_config *cfg, uint32_t iss, uint32_t irs, const tk_tcp_opts *o) {
    tkh_init_fixed(h, cfg, iss);
    uint32_t got_iss;
    int sd = tkh_open_passive(h, irs, o, &got_iss);
    assert_int_equal(got_iss, iss);
    return sd;
}

int tkh_open_mss(tkh *h, uint32_t iss, uint32_t irs, uint16_t mss, uint32_t rcvbuf,
                 uint32_t retries2) {
    tk_config cfg;
    tkh_config(&cfg);
    if (rcvbuf)
        cfg.rcvbuf = rcvbuf;
    if (retries2)
        cfg.retries2 = retries2;
    tk_tcp_opts o = tkh_mss_opts(TK_OPT_MSS, mss);
    return tkh_open_fixed(h, &cfg, iss, irs, &o);
}

void tkh_set_nodelay(tkh *h, int sd) {
    int one = 1;
    assert_int_equal(
        tk_setsockopt(h->s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_NODELAY, &one, sizeof(one)), 0);
}

void tkh_open_sack_pair(tkh *h, const tk_config *cfg, uint32_t irs, int sd[2], uint32_t iss[2]) {
    tkh_init(h, cfg);
    tk_tcp_opts o = tkh_mss_opts(TK_OPT_MSS | TK_OPT_SACK_PERM, 1000);
    int ls = tkh_listen(h);
    for (int k = 0; k < 2; k++) {
        h->rport = (uint16_t)(40000 + k);
        sd[k] = tkh_accept_conn(h, ls, irs, &o, &iss[k]);
    }
}
