/* TCP-MD5 signatures (RFC 2385) in the stack: the key store, signed output
 * (layout, payload room, SACK blocks that still fit), and the input rules:
 * on a signing endpoint a segment without the option or with a wrong
 * signature is dropped silently and counted before it changes anything;
 * a signature nobody asked for is dropped too. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_harness.h"
#include "tcpkit/tcp_md5.h"

#define KEY "secret"

static const tk_stats *st(const tkh *h) {
    return tk_stack_stats(h->s);
}

static void add_key(tkh *h) {
    assert_int_equal(tk_stack_md5_add(h->s, TKH_LOCAL_ADDR, TKH_REMOTE_ADDR, KEY, 6), 0);
}

static void set_md5sig(tkh *h, int sd, int on) {
    assert_int_equal(tk_setsockopt(h->s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_MD5SIG, &on, sizeof on),
                     0);
}

static int md5sig_of(tkh *h, int sd) {
    int v = -1;
    size_t len = sizeof v;
    assert_int_equal(tk_getsockopt(h->s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_MD5SIG, &v, &len), 0);
    return v;
}

static int listener(tkh *h, bool sign) {
    int ls = tk_socket(h->s);
    assert_true(ls >= 0);
    if (sign)
        set_md5sig(h, ls, 1);
    tk_sockaddr a = tk_sockaddr_in4(0, h->lport);
    assert_int_equal(tk_bind(h->s, ls, &a), 0);
    assert_int_equal(tk_listen(h->s, ls, 8), 0);
    return ls;
}

static tk_tcp_opts syn_opts(bool ts) {
    tk_tcp_opts o;
    memset(&o, 0, sizeof o);
    o.present = TK_OPT_MSS | TK_OPT_SACK_PERM;
    o.mss = 1460;
    if (ts) {
        o.present |= TK_OPT_TS;
        o.ts_val = 7000;
    }
    return o;
}

static tk_tcp_opts ts_opts(uint32_t val, uint32_t ecr) {
    tk_tcp_opts o;
    memset(&o, 0, sizeof o);
    o.present = TK_OPT_TS;
    o.ts_val = val;
    o.ts_ecr = ecr;
    return o;
}

/* A signed passive open through a signing listener; returns the accepted
 * descriptor and the stack's ISS. */
static int signed_open(tkh *h, uint32_t irs, bool ts, uint32_t *iss) {
    int ls = listener(h, true);
    tk_tcp_opts o = syn_opts(ts);
    assert_int_equal(tkh_inject_signed(h, KEY, TK_TCP_SYN, irs, 0, 65535, &o, NULL, 0), 0);
    tkh_seg g;
    TKH_EXPECT(h, &g, TK_TCP_SYN | TK_TCP_ACK, g.seq, irs + 1, 0);
    assert_int_equal(tkh_last_md5(h, KEY), 1);
    *iss = g.seq;
    tk_tcp_opts a = ts_opts(7001, g.opts.ts_val);
    assert_int_equal(
        tkh_inject_signed(h, KEY, TK_TCP_ACK, irs + 1, *iss + 1, 65535, ts ? &a : NULL, NULL, 0),
        0);
    int sd = tk_accept(h->s, ls, NULL);
    assert_true(sd >= 0);
    return sd;
}

static void test_md5_store_add_replace_del_flush(void **state) {
    (void)state;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.md5_keys = 2;
    tkh h;
    tkh_init(&h, &cfg);
    char long_key[TK_TCP_MD5_MAXKEY + 1];
    memset(long_key, 'k', sizeof long_key);
    assert_int_equal(tk_stack_md5_add(h.s, 0, TKH_REMOTE_ADDR, long_key, 0), -EINVAL);
    assert_int_equal(tk_stack_md5_add(h.s, 0, TKH_REMOTE_ADDR, long_key, sizeof long_key), -EINVAL);
    assert_int_equal(tk_stack_md5_add(h.s, 0, 0, KEY, 6), -EINVAL);
    assert_int_equal(tk_stack_md5_add(h.s, 0, TKH_REMOTE_ADDR, NULL, 6), -EINVAL);
    assert_int_equal(tk_stack_md5_add(h.s, 0, TKH_REMOTE_ADDR, long_key, TK_TCP_MD5_MAXKEY), 0);
    assert_int_equal(tk_stack_md5_add(h.s, TKH_LOCAL_ADDR, TKH_REMOTE_ADDR, KEY, 6), 0);
    assert_int_equal(tk_stack_md5_count(h.s), 2);
    /* Full: a third pair does not fit, a known pair is replaced. */
    assert_int_equal(tk_stack_md5_add(h.s, TKH_LOCAL_ADDR, 0xc6120003u, KEY, 6), -ENOSPC);
    assert_int_equal(tk_stack_md5_add(h.s, TKH_LOCAL_ADDR, TKH_REMOTE_ADDR, "other", 5), 0);
    assert_int_equal(tk_stack_md5_count(h.s), 2);
    assert_int_equal(tk_stack_md5_del(h.s, TKH_LOCAL_ADDR, 0xc6120003u), -ENOENT);
    assert_int_equal(tk_stack_md5_del(h.s, TKH_LOCAL_ADDR, TKH_REMOTE_ADDR), 0);
    assert_int_equal(tk_stack_md5_del(h.s, TKH_LOCAL_ADDR, TKH_REMOTE_ADDR), -ENOENT);
    assert_int_equal(tk_stack_md5_count(h.s), 1);
    tk_stack_md5_flush(h.s);
    assert_int_equal(tk_stack_md5_count(h.s), 0);
    /* The store is part of the block: a stack without one refuses keys. */
    cfg.md5_keys = 0;
    tkh h0;
    tkh_init(&h0, &cfg);
    assert_int_equal(tk_stack_md5_add(h0.s, 0, TKH_REMOTE_ADDR, KEY, 6), -ENOSPC);
    assert_true(tk_stack_mem_size(&cfg) < tk_stack_mem_size(&h.cfg));
    tkh_fini(&h0);
    tkh_fini(&h);
}

/* A wildcard-address key serves any local address; the exact one wins. */
static void test_md5_wildcard_key_signs(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    assert_int_equal(tk_stack_md5_add(h.s, 0, TKH_REMOTE_ADDR, "wild", 4), 0);
    int ls = listener(&h, true);
    (void)ls;
    tk_tcp_opts o = syn_opts(false);
    tkh_inject_signed(&h, "wild", TK_TCP_SYN, 100, 0, 65535, &o, NULL, 0);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, g.seq, 101, 0);
    assert_int_equal(tkh_last_md5(&h, "wild"), 1);
    add_key(&h);
    tkh_inject_signed(&h, KEY, TK_TCP_SYN, 100, 0, 65535, &o, NULL, 0); /* retransmitted SYN */
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, g.seq, 101, 0);
    assert_int_equal(tkh_last_md5(&h, KEY), 1);
    tkh_fini(&h);
}

/* The SYN-ACK and every later segment carry a valid signature; the option
 * takes 20 bytes of each segment's room (1460 - 20 = 1440 bytes of data);
 * the accepted socket inherits TCP_MD5SIG. */
static void test_md5_passive_open_signs_every_segment(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    add_key(&h);
    uint32_t iss;
    int sd = signed_open(&h, 1000, false, &iss);
    assert_int_equal(md5sig_of(&h, sd), 1);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 1);
    static char buf[2880];
    memset(buf, 'x', sizeof buf);
    assert_int_equal(tk_send(h.s, sd, buf, sizeof buf), (long)sizeof buf);
    tkh_poll(&h);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_ACK, iss + 1, 1001, 1440);
    assert_int_equal(g.opts.present, TK_OPT_MD5);
    assert_int_equal(tkh_last_md5(&h, KEY), 1);
    TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_PSH, iss + 1441, 1001, 1440);
    assert_int_equal(tkh_last_md5(&h, KEY), 1);
    TKH_NOTHING(&h);
    tkh_inject_signed(&h, KEY, TK_TCP_ACK, 1001, iss + 2881, 65535, NULL, NULL, 0);
    assert_int_equal(st(&h)->drop_md5_bad + st(&h)->drop_md5_missing, 0);
    tkh_fini(&h);
}

/* The SYN-ACK to a SYN without timestamps: MSS, SACK-permitted, MD5. */
static void test_md5_syn_ack_options(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    add_key(&h);
    listener(&h, true);
    tk_tcp_opts o = syn_opts(false);
    tkh_inject_signed(&h, KEY, TK_TCP_SYN, 1000, 0, 65535, &o, NULL, 0);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, g.seq, 1001, 0);
    assert_int_equal(g.opts.present, TK_OPT_MSS | TK_OPT_SACK_PERM | TK_OPT_MD5);
    assert_int_equal(tk_wire_tcp_opts_size(&g.opts), 28);
    assert_int_equal(tkh_last_md5(&h, KEY), 1);
    assert_int_equal(tkh_last_md5(&h, "secreT"), 0);
    tkh_fini(&h);
}

/* RFC 2385 2.0 at a signing listener: no SYN_RCVD entry, no answer. */
static void test_md5_listener_drops_unsigned_bad_and_keyless_syns(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    listener(&h, true);
    tk_tcp_opts o = syn_opts(false);
    /* No key for the pair yet: nothing can check the signature. */
    tkh_inject_signed(&h, KEY, TK_TCP_SYN, 1000, 0, 65535, &o, NULL, 0);
    assert_int_equal(st(&h)->drop_md5_no_key, 1);
    add_key(&h);
    tkh_inject(&h, TK_TCP_SYN, 1000, 0, 65535, &o, NULL, 0);
    assert_int_equal(st(&h)->drop_md5_missing, 1);
    tkh_inject_signed(&h, "wrong", TK_TCP_SYN, 1000, 0, 65535, &o, NULL, 0);
    assert_int_equal(st(&h)->drop_md5_bad, 1);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_RCVD), 0);
    assert_int_equal(st(&h)->passive_opens, 0);
    assert_int_equal(st(&h)->rsts_sent, 0);
    tkh_fini(&h);
}

/* A listener that does not sign drops a signed SYN, key or not. */
static void test_md5_unsigning_listener_drops_signed_syn(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    add_key(&h);
    listener(&h, false);
    tk_tcp_opts o = syn_opts(false);
    tkh_inject_signed(&h, KEY, TK_TCP_SYN, 1000, 0, 65535, &o, NULL, 0);
    assert_int_equal(st(&h)->drop_md5_unexpected, 1);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_RCVD), 0);
    /* Unsigned, it is an ordinary SYN. */
    tkh_inject(&h, TK_TCP_SYN, 1000, 0, 65535, &o, NULL, 0);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, g.seq, 1001, 0);
    assert_int_equal(g.opts.present & TK_OPT_MD5, 0);
    tkh_fini(&h);
}

/* A spoofed RST or data without the right signature changes nothing;
 * the real peer's segment at the same place is taken. */
static void test_md5_established_drops_forged_segments(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    add_key(&h);
    uint32_t iss;
    int sd = signed_open(&h, 1000, false, &iss);
    tkh_inject(&h, TK_TCP_RST, 1001, 0, 0, NULL, NULL, 0);
    tkh_inject_signed(&h, "wrong", TK_TCP_RST, 1001, 0, 0, NULL, NULL, 0);
    tkh_inject_signed(&h, "wrong", TK_TCP_ACK | TK_TCP_PSH, 1001, iss + 1, 65535, NULL, "evil", 4);
    tkh_inject(&h, TK_TCP_ACK | TK_TCP_PSH, 1001, iss + 1, 65535, NULL, "evil", 4);
    assert_int_equal(st(&h)->drop_md5_missing, 2);
    assert_int_equal(st(&h)->drop_md5_bad, 2);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 1);
    char buf[8];
    assert_int_equal(tk_recv(h.s, sd, buf, sizeof buf), -EAGAIN);
    tkh_inject_signed(&h, KEY, TK_TCP_ACK | TK_TCP_PSH, 1001, iss + 1, 65535, NULL, "good", 4);
    assert_int_equal(tk_recv(h.s, sd, buf, sizeof buf), 4);
    assert_memory_equal(buf, "good", 4);
    tkh_run_until(&h, h.now + TK_MS(200));
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_ACK, iss + 1, 1005, 0); /* the delayed ACK, signed */
    assert_int_equal(tkh_last_md5(&h, KEY), 1);
    tkh_fini(&h);
}

/* No socket: a signed segment whose signature checks gets a signed RST; a
 * wrong one, or one without a key, gets nothing (RFC 2385 2.0, 4.1). */
static void test_md5_closed_port_rst(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    add_key(&h);
    tk_tcp_opts o = syn_opts(false);
    tkh_inject_signed(&h, KEY, TK_TCP_SYN, 1000, 0, 65535, &o, NULL, 0);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_RST | TK_TCP_ACK, 0, 1001, 0);
    assert_int_equal(g.opts.present, TK_OPT_MD5);
    assert_int_equal(tkh_last_md5(&h, KEY), 1);
    tkh_inject_signed(&h, "wrong", TK_TCP_SYN, 1000, 0, 65535, &o, NULL, 0);
    assert_int_equal(st(&h)->drop_md5_bad, 1);
    TKH_NOTHING(&h);
    /* Unsigned: the RST is signed all the same, the pair has a key. */
    tkh_inject(&h, TK_TCP_SYN, 1000, 0, 65535, &o, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_RST | TK_TCP_ACK, 0, 1001, 0);
    assert_int_equal(tkh_last_md5(&h, KEY), 1);
    tk_stack_md5_flush(h.s);
    tkh_inject_signed(&h, KEY, TK_TCP_SYN, 1000, 0, 65535, &o, NULL, 0);
    assert_int_equal(st(&h)->drop_md5_unexpected, 1);
    TKH_NOTHING(&h);
    /* Without a key or a signature: RS-1 as always. */
    tkh_inject(&h, TK_TCP_SYN, 1000, 0, 65535, &o, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_RST | TK_TCP_ACK, 0, 1001, 0);
    assert_int_equal(g.opts.present, 0);
    tkh_fini(&h);
}

/* Our SYN: <mss,sackOK,TS,nop,wscale,nop,nop,md5> fills the 40 bytes. A
 * SYN-ACK with a bad ACK gets a signed RST; the good one a signed ACK. */
static void test_md5_active_open(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    add_key(&h);
    int sd = tk_socket(h.s);
    set_md5sig(&h, sd, 1);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, h.rport);
    assert_int_equal(tk_connect(h.s, sd, &r), -EINPROGRESS);
    tkh_poll(&h);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN, g.seq, 0, 0);
    assert_int_equal(g.opts.present,
                     TK_OPT_MSS | TK_OPT_SACK_PERM | TK_OPT_TS | TK_OPT_WSCALE | TK_OPT_MD5);
    assert_int_equal(tk_wire_tcp_opts_size(&g.opts), 40);
    assert_int_equal(tkh_last_md5(&h, KEY), 1);
    uint32_t iss = g.seq;
    h.lport = g.sport;
    tk_tcp_opts o = syn_opts(false);
    tkh_inject_signed(&h, KEY, TK_TCP_SYN | TK_TCP_ACK, 5000, iss, 65535, &o, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_RST, iss, 0, 0);
    assert_int_equal(tkh_last_md5(&h, KEY), 1);
    /* Unsigned, the same SYN-ACK is not answered at all. */
    tkh_inject(&h, TK_TCP_SYN | TK_TCP_ACK, 5000, iss + 1, 65535, &o, NULL, 0);
    assert_int_equal(st(&h)->drop_md5_missing, 1);
    TKH_NOTHING(&h);
    tkh_inject_signed(&h, KEY, TK_TCP_SYN | TK_TCP_ACK, 5000, iss + 1, 65535, &o, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, iss + 1, 5001, 0);
    assert_int_equal(g.opts.present, TK_OPT_MD5);
    assert_int_equal(tkh_last_md5(&h, KEY), 1);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 1);
    tkh_fini(&h);
}

/* A signing socket never sends unsigned: without a key the SYN is held
 * back (counted) and goes out signed at the retransmission after the key
 * arrives. */
static void test_md5_no_key_nothing_unsigned_leaves(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    int sd = tk_socket(h.s);
    set_md5sig(&h, sd, 1);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, h.rport);
    assert_int_equal(tk_connect(h.s, sd, &r), -EINPROGRESS);
    tkh_poll(&h);
    TKH_NOTHING(&h);
    assert_int_equal(st(&h)->md5_out_no_key, 1);
    assert_int_equal(st(&h)->segs_out, 0);
    add_key(&h);
    tk_time t0 = h.now;
    tkh_run_until(&h, t0 + TK_SEC(1));
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN, g.seq, 0, 0);
    assert_int_equal(g.at, t0 + TK_SEC(1));
    assert_int_equal(tkh_last_md5(&h, KEY), 1);
    tkh_fini(&h);
}

/* Out-of-order data: SACK blocks share the 40 bytes with the signature,
 * two at most; none beside timestamps (RFC 2385 4.3). */
static void test_md5_sack_blocks_fit_beside_signature(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    add_key(&h);
    uint32_t iss;
    signed_open(&h, 1000, false, &iss);
    tkh_seg g;
    for (uint32_t i = 1; i <= 3; i++) {
        tkh_inject_signed(&h, KEY, TK_TCP_ACK, 1001 + 100 * i, iss + 1, 65535, NULL, "0123456789",
                          10);
        TKH_EXPECT(&h, &g, TK_TCP_ACK, iss + 1, 1001, 0);
        assert_int_equal(tkh_last_md5(&h, KEY), 1);
        assert_int_equal(g.opts.sack_count, i < 2 ? i : 2);
        assert_int_equal(g.opts.sack[0].left, 1001 + 100 * i);
    }
    assert_int_equal(tk_wire_tcp_opts_size(&g.opts), 40);
    tkh_fini(&h);
}

static void test_md5_timestamps_leave_no_room_for_sack(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    add_key(&h);
    uint32_t iss;
    int sd = signed_open(&h, 1000, true, &iss);
    tk_tcp_opts o = ts_opts(7002, 0);
    tkh_inject_signed(&h, KEY, TK_TCP_ACK, 1101, iss + 1, 65535, &o, "0123456789", 10);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_ACK, iss + 1, 1001, 0);
    assert_int_equal(g.opts.present, TK_OPT_TS | TK_OPT_MD5);
    assert_int_equal(tkh_last_md5(&h, KEY), 1);
    /* Data: 1460 - 12 (timestamps) - 20 (signature) per segment. */
    static char buf[1428];
    assert_int_equal(tk_send(h.s, sd, buf, sizeof buf), (long)sizeof buf);
    tkh_poll(&h);
    TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_PSH, iss + 1, 1001, 1428);
    assert_int_equal(tkh_last_md5(&h, KEY), 1);
    tkh_fini(&h);
}

/* A compact TIME_WAIT entry still answers only signed segments, signed. */
static void test_md5_time_wait_entry(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    add_key(&h);
    uint32_t iss;
    int sd = signed_open(&h, 1000, false, &iss);
    assert_int_equal(tk_close(h.s, sd), 0);
    tkh_poll(&h);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_FIN | TK_TCP_ACK, iss + 1, 1001, 0);
    assert_int_equal(tkh_last_md5(&h, KEY), 1);
    tkh_inject_signed(&h, KEY, TK_TCP_FIN | TK_TCP_ACK, 1001, iss + 2, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, iss + 2, 1002, 0);
    assert_int_equal(tkh_last_md5(&h, KEY), 1);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_TIME_WAIT), 1);
    assert_int_equal(st(&h)->time_wait_entered, 1);
    /* The peer's FIN again: unsigned it is dropped, signed it is ACKed. */
    tkh_inject(&h, TK_TCP_FIN | TK_TCP_ACK, 1001, iss + 2, 65535, NULL, NULL, 0);
    assert_int_equal(st(&h)->drop_md5_missing, 1);
    TKH_NOTHING(&h);
    tkh_inject_signed(&h, KEY, TK_TCP_FIN | TK_TCP_ACK, 1001, iss + 2, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, iss + 2, 1002, 0);
    assert_int_equal(g.opts.present, TK_OPT_MD5);
    assert_int_equal(tkh_last_md5(&h, KEY), 1);
    tkh_fini(&h);
}

/* SYN cookies: the SYN is checked before a cookie is made, the cookie
 * SYN-ACK is signed, and the connection the ACK creates signs. */
static void test_md5_syn_cookie(void **state) {
    (void)state;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.max_syn_backlog = 0;
    tkh h;
    tkh_init(&h, &cfg);
    add_key(&h);
    int ls = listener(&h, true);
    tk_tcp_opts o = syn_opts(false);
    tkh_inject(&h, TK_TCP_SYN, 1000, 0, 65535, &o, NULL, 0);
    assert_int_equal(st(&h)->syncookies_sent, 0);
    assert_int_equal(st(&h)->drop_md5_missing, 1);
    tkh_inject_signed(&h, KEY, TK_TCP_SYN, 1000, 0, 65535, &o, NULL, 0);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, g.seq, 1001, 0);
    assert_int_equal(g.opts.present, TK_OPT_MSS | TK_OPT_MD5);
    assert_int_equal(tkh_last_md5(&h, KEY), 1);
    assert_int_equal(st(&h)->syncookies_sent, 1);
    uint32_t cookie = g.seq;
    tkh_inject(&h, TK_TCP_ACK, 1001, cookie + 1, 65535, NULL, NULL, 0);
    assert_int_equal(st(&h)->syncookies_accepted, 0);
    tkh_inject_signed(&h, KEY, TK_TCP_ACK, 1001, cookie + 1, 65535, NULL, NULL, 0);
    assert_int_equal(st(&h)->syncookies_accepted, 1);
    int sd = tk_accept(h.s, ls, NULL);
    assert_true(sd >= 0);
    assert_int_equal(md5sig_of(&h, sd), 1);
    assert_int_equal(tk_send(h.s, sd, "hi", 2), 2);
    tkh_poll(&h);
    TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_PSH, cookie + 1, 1001, 2);
    assert_int_equal(tkh_last_md5(&h, KEY), 1);
    tkh_fini(&h);
}

/* The segment size without options is 1440 bytes here, so the receive
 * buffer becomes whole 1440-byte segments: 65536 -> 66240 (46 x 1440). */
static void test_md5_receive_buffer_in_signed_segments(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    add_key(&h);
    listener(&h, true);
    tk_tcp_opts o = syn_opts(false);
    o.present |= TK_OPT_WSCALE;
    o.wscale = 7;
    tkh_inject_signed(&h, KEY, TK_TCP_SYN, 1000, 0, 65535, &o, NULL, 0);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, g.seq, 1001, 0);
    assert_int_equal(g.opts.wscale, 1);
    uint32_t iss = g.seq;
    tkh_inject_signed(&h, KEY, TK_TCP_ACK | TK_TCP_PSH, 1001, iss + 1, 512, NULL, "0123456789", 10);
    tkh_run_until(&h, h.now + TK_MS(200));
    TKH_EXPECT(&h, &g, TK_TCP_ACK, iss + 1, 1011, 0);
    assert_int_equal(g.win, (66240 - 10) >> 1);
    tkh_fini(&h);
}

/* TCP_MD5SIG is 0 by default, and can be turned off again. */
static void test_md5_sockopt(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    int sd = tk_socket(h.s);
    assert_int_equal(md5sig_of(&h, sd), 0);
    set_md5sig(&h, sd, 5);
    assert_int_equal(md5sig_of(&h, sd), 1);
    set_md5sig(&h, sd, 0);
    assert_int_equal(md5sig_of(&h, sd), 0);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_md5_store_add_replace_del_flush),
        cmocka_unit_test(test_md5_wildcard_key_signs),
        cmocka_unit_test(test_md5_passive_open_signs_every_segment),
        cmocka_unit_test(test_md5_syn_ack_options),
        cmocka_unit_test(test_md5_listener_drops_unsigned_bad_and_keyless_syns),
        cmocka_unit_test(test_md5_unsigning_listener_drops_signed_syn),
        cmocka_unit_test(test_md5_established_drops_forged_segments),
        cmocka_unit_test(test_md5_closed_port_rst),
        cmocka_unit_test(test_md5_active_open),
        cmocka_unit_test(test_md5_no_key_nothing_unsigned_leaves),
        cmocka_unit_test(test_md5_sack_blocks_fit_beside_signature),
        cmocka_unit_test(test_md5_timestamps_leave_no_room_for_sack),
        cmocka_unit_test(test_md5_time_wait_entry),
        cmocka_unit_test(test_md5_syn_cookie),
        cmocka_unit_test(test_md5_receive_buffer_in_signed_segments),
        cmocka_unit_test(test_md5_sockopt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
