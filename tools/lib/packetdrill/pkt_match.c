/* Outbound frames: decode, compare with the script's expectation field by
 * field, and render in script notation for failure messages. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/capture/frame_tcp.h"
#include "pkt_frame.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/ipv4.h"
#include "tcpkit/wire/tcp.h"
#include "tcpkit/wire/tcp_md5.h"
#include "tcpkit/wire/udp.h"

static uint32_t get32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int tk_pkt_decode(const uint8_t *frame, size_t len, tk_pkt_seen *out) {
    tk_frame_tcp f;
    memset(out, 0, sizeof *out);
    int rc = tk_frame_tcp_decode(frame, len, TK_FRAME_TCP_IN_UDP | TK_FRAME_TCP_IPV6, &f);
    if (rc < 0)
        return rc;
    out->sport = f.tcp.sport;
    out->dport = f.tcp.dport;
    out->seq = f.tcp.seq;
    out->ack = f.tcp.ack;
    out->flags = f.tcp.flags;
    out->win = f.tcp.win;
    out->urg = f.tcp.urg;
    out->len = f.payload_len;
    out->v6 = f.v6;
    out->tos = f.v6 ? f.ip6.tclass : f.ip.tos;
    out->ttl = f.v6 ? f.ip6.hop_limit : f.ip.ttl;
    out->flow = f.ip6.flow;
    memcpy(out->src6, f.ip6.src, 16);
    memcpy(out->dst6, f.ip6.dst, 16);
    out->optlen = f.tcp_hlen - TK_TCP_HLEN;
    memcpy(out->opts, f.seg + TK_TCP_HLEN, out->optlen);
    out->src = f.ip.src;
    out->dst = f.ip.dst;
    out->seg = f.seg;
    out->seglen = f.seglen;
    out->udp = f.udp;
    out->udp_sport = f.udp_sport;
    out->udp_dport = f.udp_dport;
    return 0;
}

static void render_flags(uint8_t f, char *buf) {
    static const struct {
        uint8_t bit;
        char c;
    } order[] = {{TK_TCP_SYN, 'S'}, {TK_TCP_FIN, 'F'}, {TK_TCP_RST, 'R'}, {TK_TCP_PSH, 'P'},
                 {TK_TCP_ECE, 'E'}, {TK_TCP_CWR, 'W'}, {TK_TCP_URG, 'U'}, {TK_TCP_ACK, '.'}};
    size_t n = 0;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (f & order[i].bit)
            buf[n++] = order[i].c;
    if (n == 0)
        buf[n++] = '-';
    buf[n] = '\0';
}

/* Whether the seen segment's signature verifies with the script's secret:
 * " valid", " invalid", or "" when it cannot tell. */
static const char *md5_state(const tk_pkt_conn *c, const tk_pkt_seen *got) {
    if (c->md5_key == NULL || got == NULL || got->seg == NULL || got->v6)
        return ""; /* the signature over IPv6 is not checked yet */
    int v = tk_wire_tcp_md5_verify(got->seg, got->seglen, got->src, got->dst,
                                   (const uint8_t *)c->md5_key, strlen(c->md5_key));
    return v == 1 ? " valid" : v == 0 ? " invalid" : "";
}

/* md5: the word after "md5" (" valid", " invalid" or ""). */
static void render_opts(const tk_pkt_conn *c, const uint8_t *o, size_t len, const char *md5,
                        char *buf, size_t cap) {
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < len && n + 40 < cap;) {
        uint8_t kind = o[i];
        size_t olen = kind <= 1 ? 1 : (i + 1 < len ? o[i + 1] : 0);
        if (olen == 0 || i + olen > len)
            olen = len - i; /* malformed: show the rest raw */
        const char *sep = n ? "," : "";
        if (kind == TK_TCPOPT_EOL || kind == TK_TCPOPT_NOP)
            n += (size_t)snprintf(buf + n, cap - n, "%s%s", sep, kind ? "nop" : "eol");
        else if (kind == TK_TCPOPT_MSS && olen == 4)
            n += (size_t)snprintf(buf + n, cap - n, "%smss %u", sep,
                                  (unsigned)(o[i + 2] << 8 | o[i + 3]));
        else if (kind == TK_TCPOPT_WSCALE && olen == 3)
            n += (size_t)snprintf(buf + n, cap - n, "%swscale %u", sep, o[i + 2]);
        else if (kind == TK_TCPOPT_SACK_PERM && olen == 2)
            n += (size_t)snprintf(buf + n, cap - n, "%ssackOK", sep);
        else if (kind == TK_TCPOPT_MD5 && olen == 2 + TK_TCP_MD5_LEN)
            n += (size_t)snprintf(buf + n, cap - n, "%smd5%s", sep, md5);
        else if (kind == TK_TCPOPT_TS && olen == 10)
            n += (size_t)snprintf(buf + n, cap - n, "%sTS val %u ecr %u", sep,
                                  get32(o + i + 2) - (c->ts_known ? c->ts_offset : 0),
                                  get32(o + i + 6));
        else if (kind == TK_TCPOPT_SACK && olen >= 10) {
            n += (size_t)snprintf(buf + n, cap - n, "%ssack", sep);
            for (size_t b = i + 2; b + 8 <= i + olen && n + 24 < cap; b += 8)
                n += (size_t)snprintf(buf + n, cap - n, " %u:%u", get32(o + b) - c->remote_isn,
                                      get32(o + b + 4) - c->remote_isn);
        } else if (kind == TK_PKT_TCPOPT_FO || (kind == TK_PKT_TCPOPT_EXP && olen >= 4 &&
                                                (o[i + 2] << 8 | o[i + 3]) == TK_PKT_FO_MAGIC)) {
            size_t at = kind == TK_PKT_TCPOPT_FO ? 2 : 4;
            n += (size_t)snprintf(buf + n, cap - n, "%s%s", sep,
                                  kind == TK_PKT_TCPOPT_FO ? "FO" : "FOEXP");
            if (olen > at)
                n += (size_t)snprintf(buf + n, cap - n, " ");
            for (size_t b = i + at; b < i + olen && n + 4 < cap; b++)
                n += (size_t)snprintf(buf + n, cap - n, "%02x", o[b]);
        } else
            n += (size_t)snprintf(buf + n, cap - n, "%skind %u len %zu", sep, kind, olen);
        i += olen;
    }
}

void tk_pkt_render(const tk_pkt_conn *c, const tk_pkt_seen *got, char *buf, size_t cap) {
    char flags[10], opts[200];
    render_flags(got->flags, flags);
    uint32_t seq = got->seq - c->local_isn;
    int n = snprintf(buf, cap, "%s %u:%u(%u)", flags, seq, seq + got->len, got->len);
    if (n > 0 && (size_t)n < cap && (got->flags & TK_TCP_ACK))
        n += snprintf(buf + n, cap - (size_t)n, " ack %u", got->ack - c->remote_isn);
    if (n > 0 && (size_t)n < cap)
        n += snprintf(buf + n, cap - (size_t)n, " win %u", got->win);
    if (n > 0 && (size_t)n < cap && got->optlen) {
        render_opts(c, got->opts, got->optlen, md5_state(c, got), opts, sizeof opts);
        n += snprintf(buf + n, cap - (size_t)n, " <%s>", opts);
    }
    if (n > 0 && (size_t)n < cap && got->udp)
        snprintf(buf + n, cap - (size_t)n, "/udp(%u > %u)", got->udp_sport, got->udp_dport);
}

/* Byte offset of the value of the first option of this kind inside the
 * option bytes, or -1. */
static int opt_value_offset(const uint8_t *o, size_t len, uint8_t kind) {
    for (size_t i = 0; i < len;) {
        if (o[i] <= 1) {
            i++;
            continue;
        }
        if (i + 1 >= len || o[i + 1] < 2)
            return -1;
        if (o[i] == kind)
            return (int)i + 2;
        i += o[i + 1];
    }
    return -1;
}

static int ts_val_offset(const uint8_t *o, size_t len) {
    return opt_value_offset(o, len, TK_TCPOPT_TS);
}

/* The expected md5 option (1 valid, 0 invalid), or -1 when none. */
static int md5_expected(const tk_pkt_packet *exp) {
    for (size_t i = 0; i < exp->nopts; i++)
        if (exp->opts[i].kind == TK_PKT_OPT_MD5)
            return exp->opts[i].a == 1;
    return -1;
}

/* Option bytes equal, but for the TS value (within the slack) and the
 * digest of an md5 option, which is checked by verifying it. */
static bool same_bytes(const uint8_t *want, const uint8_t *got, size_t len, uint32_t ts_slack) {
    int ts_at = ts_val_offset(want, len);
    int md5_at = opt_value_offset(want, len, TK_TCPOPT_MD5);
    for (size_t i = 0; i < len; i++) {
        bool in_ts = ts_at >= 0 && i >= (size_t)ts_at && i < (size_t)ts_at + 4;
        bool in_md5 = md5_at >= 0 && i >= (size_t)md5_at && i < (size_t)md5_at + TK_TCP_MD5_LEN;
        if (!in_ts && !in_md5 && want[i] != got[i])
            return false;
    }
    if (ts_at < 0)
        return true;
    uint32_t wv = get32(want + ts_at), gv = get32(got + ts_at);
    uint32_t delta = gv - wv < wv - gv ? gv - wv : wv - gv;
    return delta <= ts_slack;
}

static int match_opts(tk_pkt_conn *c, const tk_pkt_packet *exp, const tk_pkt_seen *got,
                      const tk_pkt_match_cfg *cfg, char *msg, size_t cap) {
    uint8_t want[40];
    char ws[200], gs[200];
    int wlen = exp->opts_form == TK_PKT_OPTS_NONE ? 0 : tk_pkt_opts_bytes(c, exp, want);
    if (wlen < 0) {
        snprintf(msg, cap, "cannot check options: too long");
        return 1;
    }
    int md5 = md5_expected(exp);
    if (md5 >= 0 && c->md5_key == NULL) {
        snprintf(msg, cap, "cannot check options: an md5 option needs --tcp_md5_secret");
        return 1;
    }
    const char *state = md5_state(c, got);
    bool same = (size_t)wlen == got->optlen &&
                same_bytes(want, got->opts, (size_t)wlen, cfg->ts_slack) &&
                (md5 < 0 || !strcmp(state, md5 ? " valid" : " invalid"));
    if (same)
        return 0;
    render_opts(c, want, (size_t)wlen, md5 == 1 ? " valid" : " invalid", ws, sizeof ws);
    render_opts(c, got->opts, got->optlen, state, gs, sizeof gs);
    snprintf(msg, cap, "expected options <%s>, got <%s>", ws, gs);
    return 1;
}

/* The first TS value the stack sends fixes the offset of script TS values. */
static void learn_ts(tk_pkt_conn *c, const tk_pkt_packet *exp, const tk_pkt_seen *got) {
    int at = ts_val_offset(got->opts, got->optlen);
    if (c->ts_known || at < 0 || (size_t)at + 8 > got->optlen)
        return;
    for (size_t i = 0; i < exp->nopts; i++) {
        if (exp->opts_form == TK_PKT_OPTS_LIST && exp->opts[i].kind == TK_PKT_OPT_TS) {
            c->ts_known = true;
            c->ts_offset = get32(got->opts + at) - exp->opts[i].a;
        }
    }
}

/* The IP ECN field a [mark] asks for, or -1 when the script names none. */
static int ecn_bits(const char *mark) {
    static const struct {
        const char *name;
        int bits;
    } marks[] = {{"noecn", 0}, {"ect1", 1}, {"ect0", 2}, {"ce", 3}};
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
        if (!strcmp(mark, marks[i].name))
            return marks[i].bits;
    return -1;
}

static int mismatch(char *msg, size_t cap, const char *field, uint32_t want, uint32_t got) {
    snprintf(msg, cap, "expected %s %u, got %s %u", field, want, field, got);
    return 1;
}

/* Plain or inside UDP, and the UDP ports: never relaxed. */
static int match_encap(const tk_pkt_packet *exp, const tk_pkt_seen *got, char *msg, size_t cap) {
    if (exp->udp_encap == got->udp &&
        (!got->udp || (exp->udp_sport == got->udp_sport && exp->udp_dport == got->udp_dport)))
        return 0;
    char want[40] = "plain TCP", seen[40] = "plain TCP";
    if (exp->udp_encap)
        snprintf(want, sizeof want, "UDP %u > %u", exp->udp_sport, exp->udp_dport);
    if (got->udp)
        snprintf(seen, sizeof seen, "UDP %u > %u", got->udp_sport, got->udp_dport);
    snprintf(msg, cap, "expected %s, got %s", want, seen);
    return 1;
}

/* The frame is of the connection's IP version (RFC 8200 for IPv6). */
static int match_version(const tk_pkt_conn *c, const tk_pkt_seen *got, char *msg, size_t cap) {
    if (got->v6 == tk_pkt_conn_v6(c))
        return 0;
    snprintf(msg, cap, "expected an %s packet, got an %s one", tk_pkt_conn_v6(c) ? "IPv6" : "IPv4",
             got->v6 ? "IPv6" : "IPv4");
    return 1;
}

int tk_pkt_match(tk_pkt_conn *c, const tk_pkt_packet *exp, const tk_pkt_seen *got,
                 const tk_pkt_match_cfg *cfg, char *msg, size_t msgcap) {
    if (match_version(c, got, msg, msgcap) || match_encap(exp, got, msg, msgcap))
        return 1;
    if (got->flags != exp->flags) {
        char w[10], g[10];
        render_flags(exp->flags, w);
        render_flags(got->flags, g);
        snprintf(msg, msgcap, "expected flags %s, got flags %s", w, g);
        return 1;
    }
    if ((exp->flags & TK_TCP_SYN) && !exp->seq_absolute) {
        c->local_isn = got->seq - (exp->seq_any ? 0 : exp->seq);
        c->local_isn_known = true;
    }
    learn_ts(c, exp, got);
    if (!exp->seq_any) {
        uint32_t want = exp->seq_absolute ? exp->seq : c->local_isn + exp->seq;
        if (got->seq != want)
            return mismatch(msg, msgcap, "seq", want - (exp->seq_absolute ? 0 : c->local_isn),
                            got->seq - (exp->seq_absolute ? 0 : c->local_isn));
    }
    if (got->len != exp->len)
        return mismatch(msg, msgcap, "len", exp->len, got->len);
    if (exp->has_ack && got->ack != c->remote_isn + exp->ack)
        return mismatch(msg, msgcap, "ack", exp->ack, got->ack - c->remote_isn);
    if (exp->has_win && !cfg->relax_win && got->win != exp->win)
        return mismatch(msg, msgcap, "win", exp->win, got->win);
    if (exp->has_urg && got->urg != exp->urg)
        return mismatch(msg, msgcap, "urg", exp->urg, got->urg);
    if (exp->ttl >= 0 && got->ttl != exp->ttl)
        return mismatch(msg, msgcap, "ttl", (uint32_t)exp->ttl, got->ttl);
    if (exp->tos >= 0 && (got->tos & 0xfc) != (exp->tos & 0xfc))
        return mismatch(msg, msgcap, "tos", (uint32_t)exp->tos, got->tos);
    if (exp->flow >= 0 && got->v6 && got->flow != (uint32_t)exp->flow)
        return mismatch(msg, msgcap, "flowlabel", (uint32_t)exp->flow, got->flow);
    int ecn = ecn_bits(exp->ecn);
    if (ecn >= 0 && (got->tos & 3) != ecn) {
        snprintf(msg, msgcap, "expected ECN bits %s, got %u", exp->ecn, got->tos & 3u);
        return 1;
    }
    if (cfg->relax_options || exp->opts_form == TK_PKT_OPTS_ANY)
        return 0;
    return match_opts(c, exp, got, cfg, msg, msgcap);
}
