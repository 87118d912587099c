/* Packet lines: `< S. 0:0(0) ack 1 win 65535 [urg N] <mss 1460,nop,wscale 6>`, the
 * nplab forms (...(len), `!`, icmp, (ttl N), [ect0], /udp(a > b)). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pkt_parse.h"
#include "tcpkit/wire/tcp.h"

static int fail(tk_pkt_error *err, const char *msg) {
    snprintf(err->msg, sizeof err->msg, "%s", msg);
    return -EINVAL;
}

static int flag_bit(char c) {
    switch (c) {
    case 'S':
        return TK_TCP_SYN;
    case 'F':
        return TK_TCP_FIN;
    case 'R':
        return TK_TCP_RST;
    case 'P':
        return TK_TCP_PSH;
    case '.':
        return TK_TCP_ACK;
    case 'E':
        return TK_TCP_ECE;
    case 'W':
        return TK_TCP_CWR;
    case 'U':
        return TK_TCP_URG;
    default:
        return 0;
    }
}

static int parse_flags(tk_pkt_lex *lx, tk_pkt_packet *p, tk_pkt_error *err) {
    tk_pkt_lex_ws(lx);
    int n = 0;
    while (lx->p < lx->end && flag_bit(*lx->p)) {
        /* "...(len)" is a sequence wildcard, not three ACK flags. */
        if (n > 0 && !strncmp(lx->p, "...", 3))
            break;
        if (n == 0 && !strncmp(lx->p, "...", 3))
            break;
        p->flags |= (uint8_t)flag_bit(*lx->p++);
        n++;
    }
    if (n == 0 && !tk_pkt_lex_lit(lx, "-"))
        return fail(err, "expected TCP flags (S . F R P E W U)");
    return 0;
}

/* start:end(len) or ...(len), then an optional '!'. */
static int parse_seq(tk_pkt_lex *lx, tk_pkt_packet *p, tk_pkt_error *err) {
    if (tk_pkt_lex_lit(lx, "...")) {
        p->seq_any = true;
    } else {
        if (!tk_pkt_lex_u32(lx, &p->seq) || !tk_pkt_lex_lit(lx, ":") ||
            !tk_pkt_lex_u32(lx, &p->end))
            return fail(err, "expected sequence range start:end(len)");
    }
    if (!tk_pkt_lex_lit(lx, "(") || !tk_pkt_lex_u32(lx, &p->len) || !tk_pkt_lex_lit(lx, ")"))
        return fail(err, "expected (len) after the sequence range");
    if (!p->seq_any && p->end - p->seq != p->len)
        return fail(err, "sequence range start:end does not match (len)");
    if (lx->p < lx->end && *lx->p == '!') {
        lx->p++;
        p->seq_absolute = true;
    }
    return 0;
}

static int parse_sack(tk_pkt_lex *lx, tk_pkt_opt *o, tk_pkt_error *err) {
    while (tk_pkt_lex_peek(lx) >= '0' && tk_pkt_lex_peek(lx) <= '9') {
        if (o->nsack == TK_PKT_MAX_SACK)
            return fail(err, "more than 4 SACK blocks");
        if (!tk_pkt_lex_u32(lx, &o->sack[o->nsack][0]) || !tk_pkt_lex_lit(lx, ":") ||
            !tk_pkt_lex_u32(lx, &o->sack[o->nsack][1]))
            return fail(err, "expected SACK block left:right");
        o->nsack++;
    }
    if (o->nsack == 0)
        return fail(err, "sack needs at least one block");
    return 0;
}

/* FO / FOEXP [cookie]: the cookie is written in hex digits, an even number
 * of them (4..32), or left out (a cookie request). */
static int parse_cookie(tk_pkt_lex *lx, tk_pkt_opt *o, tk_pkt_error *err) {
    tk_pkt_lex_ws(lx);
    const char *p = lx->p;
    size_t n = 0;
    while (p + n < lx->end && tk_pkt_hex_digit(p[n]) >= 0)
        n++;
    if (n == 0)
        return 0;
    if (n % 2 || n / 2 > TK_PKT_MAX_COOKIE || n / 2 < 4)
        return fail(err, "a Fast Open cookie is 4..16 bytes in hex digits");
    for (size_t i = 0; i < n / 2; i++)
        o->cookie[i] = (uint8_t)(tk_pkt_hex_digit(p[2 * i]) << 4 | tk_pkt_hex_digit(p[2 * i + 1]));
    o->cookie_len = (uint8_t)(n / 2);
    lx->p = p + n;
    return 0;
}

static int parse_opt(tk_pkt_lex *lx, tk_pkt_opt *o, tk_pkt_error *err) {
    memset(o, 0, sizeof *o);
    if (tk_pkt_lex_word(lx, "nop"))
        o->kind = TK_PKT_OPT_NOP;
    else if (tk_pkt_lex_word(lx, "eol"))
        o->kind = TK_PKT_OPT_EOL;
    else if (tk_pkt_lex_word(lx, "sackOK"))
        o->kind = TK_PKT_OPT_SACK_PERM;
    else if (tk_pkt_lex_word(lx, "mss")) {
        o->kind = TK_PKT_OPT_MSS;
        if (!tk_pkt_lex_u32(lx, &o->a) || o->a > 65535)
            return fail(err, "mss needs a value 0..65535");
    } else if (tk_pkt_lex_word(lx, "wscale")) {
        o->kind = TK_PKT_OPT_WSCALE;
        if (!tk_pkt_lex_u32(lx, &o->a) || o->a > 255)
            return fail(err, "wscale needs a value 0..255");
    } else if (tk_pkt_lex_word(lx, "sack")) {
        o->kind = TK_PKT_OPT_SACK;
        return parse_sack(lx, o, err);
    } else if (tk_pkt_lex_word(lx, "TS")) {
        o->kind = TK_PKT_OPT_TS;
        if (!tk_pkt_lex_word(lx, "val") || !tk_pkt_lex_u32(lx, &o->a) ||
            !tk_pkt_lex_word(lx, "ecr") || !tk_pkt_lex_u32(lx, &o->b))
            return fail(err, "expected TS val N ecr N");
    } else if (tk_pkt_lex_word(lx, "md5")) {
        o->kind = TK_PKT_OPT_MD5;
        if (tk_pkt_lex_word(lx, "valid"))
            o->a = 1;
        else if (!tk_pkt_lex_word(lx, "invalid"))
            return fail(err, "expected md5 valid or md5 invalid");
    } else if (tk_pkt_lex_word(lx, "FOEXP")) {
        o->kind = TK_PKT_OPT_FOEXP;
        return parse_cookie(lx, o, err);
    } else if (tk_pkt_lex_word(lx, "FO")) {
        o->kind = TK_PKT_OPT_FO;
        return parse_cookie(lx, o, err);
    } else {
        return fail(err, "unknown TCP option");
    }
    return 0;
}

static int parse_opts(tk_pkt_lex *lx, tk_pkt_packet *p, tk_pkt_error *err) {
    if (tk_pkt_lex_lit(lx, "...")) {
        p->opts_form = TK_PKT_OPTS_ANY;
        return tk_pkt_lex_lit(lx, ">") ? 0 : fail(err, "expected '>' after <...");
    }
    p->opts_form = TK_PKT_OPTS_LIST;
    do {
        if (p->nopts == TK_PKT_MAX_OPTS)
            return fail(err, "too many TCP options");
        int rc = parse_opt(lx, &p->opts[p->nopts++], err);
        if (rc)
            return rc;
    } while (tk_pkt_lex_lit(lx, ","));
    return tk_pkt_lex_lit(lx, ">") ? 0 : fail(err, "expected ',' or '>' in the option list");
}

/* (ttl 64) (tos 0x20) or (tos 0x20, ttl 64); IPv6: (flowlabel 0x12345) */
static int parse_ip_attrs(tk_pkt_lex *lx, tk_pkt_packet *p, tk_pkt_error *err) {
    while (tk_pkt_lex_lit(lx, "(")) {
        do {
            uint32_t v;
            /* hlim and class are the IPv6 names of the same fields. */
            if ((tk_pkt_lex_word(lx, "ttl") || tk_pkt_lex_word(lx, "hlim")) &&
                tk_pkt_lex_u32(lx, &v) && v <= 255)
                p->ttl = (int)v;
            else if ((tk_pkt_lex_word(lx, "tos") || tk_pkt_lex_word(lx, "class")) &&
                     tk_pkt_lex_u32(lx, &v) && v <= 255)
                p->tos = (int)v;
            else if (tk_pkt_lex_word(lx, "flowlabel") && tk_pkt_lex_u32(lx, &v) && v <= 0xfffff)
                p->flow = (int32_t)v;
            else
                return fail(err, "expected (ttl N), (tos N) or (flowlabel N)");
        } while (tk_pkt_lex_lit(lx, ","));
        if (!tk_pkt_lex_lit(lx, ")"))
            return fail(err, "expected ')' after the IP attributes");
    }
    return 0;
}

static int parse_ecn(tk_pkt_lex *lx, tk_pkt_packet *p, tk_pkt_error *err) {
    if (!tk_pkt_lex_lit(lx, "["))
        return 0;
    if (!tk_pkt_lex_ident(lx, p->ecn, sizeof p->ecn) || !tk_pkt_lex_lit(lx, "]"))
        return fail(err, "expected [ect0], [ect1], [ce] or [noecn]");
    static const char *const known[] = {"ect0", "ect1", "ect01", "ce", "noecn"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (!strcmp(p->ecn, known[i]))
            return 0;
    return fail(err, "unknown ECN mark");
}

/* icmp TYPE [CODE] [mtu N] [start:end(len)] */
static int parse_icmp(tk_pkt_lex *lx, tk_pkt_packet *p, tk_pkt_error *err) {
    p->is_icmp = true;
    if (!tk_pkt_lex_ident(lx, p->icmp.type, sizeof p->icmp.type))
        return fail(err, "expected an ICMP type");
    const char *save = lx->p;
    if (tk_pkt_lex_ident(lx, p->icmp.code, sizeof p->icmp.code) && !strcmp(p->icmp.code, "mtu")) {
        lx->p = save; /* no code: "packet_too_big mtu 1300" */
        p->icmp.code[0] = '\0';
    }
    if (tk_pkt_lex_word(lx, "mtu")) {
        if (!tk_pkt_lex_u32(lx, &p->icmp.mtu))
            return fail(err, "expected the MTU value");
        p->icmp.has_mtu = true;
    }
    if (!tk_pkt_lex_lit(lx, "["))
        return fail(err, "expected [start:end(len)] quoting the TCP segment");
    int rc = parse_seq(lx, p, err);
    if (rc)
        return rc;
    return tk_pkt_lex_lit(lx, "]") ? 0 : fail(err, "expected ']' after the quoted segment");
}

static int parse_tail(tk_pkt_lex *lx, tk_pkt_packet *p, tk_pkt_error *err) {
    if (tk_pkt_lex_word(lx, "ack")) {
        if (!tk_pkt_lex_u32(lx, &p->ack))
            return fail(err, "expected a number after ack");
        p->has_ack = true;
    }
    if (tk_pkt_lex_word(lx, "win")) {
        if (!tk_pkt_lex_u32(lx, &p->win) || p->win > 65535)
            return fail(err, "expected a window 0..65535 after win");
        p->has_win = true;
    }
    if (tk_pkt_lex_word(lx, "urg")) {
        if (!tk_pkt_lex_u32(lx, &p->urg) || p->urg > 65535)
            return fail(err, "expected an urgent pointer 0..65535 after urg");
        p->has_urg = true;
    }
    if (tk_pkt_lex_lit(lx, "<")) {
        int rc = parse_opts(lx, p, err);
        if (rc)
            return rc;
    }
    if (tk_pkt_lex_lit(lx, "/udp")) {
        uint32_t a, b;
        if (!tk_pkt_lex_lit(lx, "(") || !tk_pkt_lex_u32(lx, &a) || !tk_pkt_lex_lit(lx, ">") ||
            !tk_pkt_lex_u32(lx, &b) || !tk_pkt_lex_lit(lx, ")") || a > 65535 || b > 65535)
            return fail(err, "expected /udp(sport > dport)");
        p->udp_encap = true;
        p->udp_sport = (uint16_t)a;
        p->udp_dport = (uint16_t)b;
    }
    return 0;
}

int tk_pkt_parse_packet(tk_pkt_lex *lx, tk_pkt_packet *p, tk_pkt_error *err) {
    memset(p, 0, sizeof *p);
    p->ttl = -1;
    p->tos = -1;
    p->flow = -1;
    if (tk_pkt_lex_lit(lx, "<"))
        p->inbound = true;
    else if (!tk_pkt_lex_lit(lx, ">"))
        return fail(err, "expected '<' or '>'");
    int rc = parse_ecn(lx, p, err);
    if (!rc)
        rc = parse_ip_attrs(lx, p, err);
    if (rc)
        return rc;
    if (tk_pkt_lex_word(lx, "icmp"))
        rc = parse_icmp(lx, p, err);
    else {
        rc = parse_flags(lx, p, err);
        if (!rc)
            rc = parse_seq(lx, p, err);
        if (!rc)
            rc = parse_tail(lx, p, err);
    }
    if (!rc && !tk_pkt_lex_eof(lx))
        return fail(err, "unexpected text after the packet");
    return rc;
}
