/* Rendering of decoded packets, as text blocks or JSON Lines. */
#include "decode_out.h"

#include <inttypes.h>
#include <string.h>

#include "lib/print/print.h"

static uint32_t be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static unsigned be16(const uint8_t *p) {
    return (unsigned)p[0] << 8 | p[1];
}

void tk_dout_flags(uint8_t flags, char out[16]) {
    static const struct {
        uint8_t bit;
        char letter;
    } order[] = {{0x01, 'F'}, {0x02, 'S'}, {0x04, 'R'}, {0x08, 'P'},
                 {0x20, 'U'}, {0x10, '.'}, {0x40, 'E'}, {0x80, 'W'}};
    size_t n = 0;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (flags & order[i].bit)
            out[n++] = order[i].letter;
    if (n == 0)
        memcpy(out, "none", 5);
    else
        out[n] = '\0';
}

/* One option in tcpdump's words, except unknown kinds, which name their length. */
static void option_text(const tk_tcp_opt *o, char *buf, size_t cap) {
    switch (o->kind) {
    case 0:
        snprintf(buf, cap, "eol");
        return;
    case 1:
        snprintf(buf, cap, "nop");
        return;
    case 2:
        snprintf(buf, cap, "mss %u", be16(o->data));
        return;
    case 3:
        snprintf(buf, cap, "wscale %u", o->data[0]);
        return;
    case 4:
        snprintf(buf, cap, "sackOK");
        return;
    case 8:
        snprintf(buf, cap, "TS val %" PRIu32 " ecr %" PRIu32, be32(o->data), be32(o->data + 4));
        return;
    case 5: {
        size_t n = (size_t)snprintf(buf, cap, "sack %u", (unsigned)(o->len - 2) / 8);
        for (size_t i = 0; i + 8 <= (size_t)o->len - 2 && n < cap; i += 8)
            n += (size_t)snprintf(buf + n, cap - n, " {%" PRIu32 ":%" PRIu32 "}", be32(o->data + i),
                                  be32(o->data + i + 4));
        return;
    }
    default:
        snprintf(buf, cap, "unknown kind %u len %u", o->kind, o->len);
    }
}

void tk_dout_options(const uint8_t *opts, size_t len, char *out, size_t cap) {
    tk_tcp_opt_iter it;
    tk_tcp_opt o;
    size_t n = 0;
    out[0] = '\0';
    tk_wire_tcp_opt_iter_init(&it, opts, len);
    while (tk_wire_tcp_opt_next(&it, &o) == 1 && n < cap) {
        char one[160];
        option_text(&o, one, sizeof one);
        n += (size_t)snprintf(out + n, cap - n, "%s%s", n ? "," : "", one);
    }
}

/* The frame's source (or destination) address, "?" when unknown. */
static void addr_text(const tk_dframe *f, bool src, char out[TK_TADDR_STRLEN]) {
    if (!tk_dframe_has_addr(f)) {
        snprintf(out, TK_TADDR_STRLEN, "?");
        return;
    }
    tk_taddr a = src ? tk_dframe_src(f) : tk_dframe_dst(f);
    tk_taddr_str(&a, out);
}

void tk_dout_summary(const tk_dframe *f, char *out, size_t cap) {
    char src[TK_TADDR_STRLEN], dst[TK_TADDR_STRLEN], flags[16], opts[TK_DOUT_LINE_MAX / 2];
    const tk_tcp_hdr *t = &f->tcp;
    addr_text(f, true, src);
    addr_text(f, false, dst);
    tk_dout_flags(t->flags, flags);
    size_t n =
        (size_t)snprintf(out, cap, "%s %s.%u > %s.%u: Flags [%s], seq %" PRIu32,
                         f->has_ip6 ? "IP6" : "IP", src, t->sport, dst, t->dport, flags, t->seq);
    if ((t->flags & TK_TCP_ACK) && n < cap)
        n += (size_t)snprintf(out + n, cap - n, ", ack %" PRIu32, t->ack);
    if (n < cap)
        n += (size_t)snprintf(out + n, cap - n, ", win %u", t->win);
    tk_dout_options(f->tcp_opts, (size_t)t->hlen - TK_TCP_HLEN, opts, sizeof opts);
    if (opts[0] && n < cap)
        n += (size_t)snprintf(out + n, cap - n, ", options [%s]", opts);
    if (n < cap)
        snprintf(out + n, cap - n, ", length %" PRIu32, f->payload_len);
}

static const char *csum_word(enum tk_csum_state s) {
    return s == TK_CSUM_OK ? "correct" : s == TK_CSUM_BAD ? "BAD" : "not verified";
}

static void mac_text(const uint8_t *m, char out[18]) {
    snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void print_where(FILE *out, const tk_drecord *r) {
    if (r->from_capture) {
        char when[TK_PRINT_TIME_LEN];
        tk_print_time((tk_time)r->ts_sec * 1000000u + (tk_time)r->ts_usec, when, sizeof when);
        fprintf(out, "packet %u  %s, %zu bytes (%zu captured)\n", r->index, when, r->wirelen,
                r->caplen);
    } else {
        fprintf(out, "packet %u  lines %u-%u, frame bytes 0x%04zx-0x%04zx\n", r->index,
                r->first_line, r->last_line, r->lo, r->hi ? r->hi - 1 : 0);
    }
}

static void print_ip6(FILE *out, const tk_dframe *f) {
    char s[TK_TADDR_STRLEN], d[TK_TADDR_STRLEN];
    addr_text(f, true, s);
    addr_text(f, false, d);
    const tk_ipv6_hdr *h = &f->ip6;
    fprintf(out,
            "  ipv6      %s > %s, payload length %u%s, next header %u, hop limit %u, "
            "tclass 0x%02x, flow 0x%05x, extension headers %u (%zu bytes)\n",
            s, d, h->payload_len, f->ip_truncated ? " (cut short)" : "", h->next, h->hop_limit,
            h->tclass, (unsigned)h->flow, f->ip6_ext, f->ip6_upper - TK_IPV6_HLEN);
}

static void print_lower(FILE *out, const tk_dframe *f, bool say_missing) {
    if (f->has_eth) {
        char s[18], d[18];
        mac_text(f->eth.src, s);
        mac_text(f->eth.dst, d);
        fprintf(out, "  ethernet  %s > %s, type 0x%04x\n", s, d, f->eth.type);
    }
    if (f->has_ip6) {
        print_ip6(out, f);
        return;
    }
    if (!f->has_ip) {
        if (say_missing)
            fprintf(out, "  ipv4      not in the input (addresses unknown)\n");
        return;
    }
    char s[TK_TADDR_STRLEN], d[TK_TADDR_STRLEN];
    addr_text(f, true, s);
    addr_text(f, false, d);
    fprintf(out,
            "  ipv4      %s > %s, header %u bytes, total length %u%s, id %u, flags [%s%s], "
            "frag offset %u, ttl %u, proto %u, csum 0x%04x (%s)\n",
            s, d, f->ip.hlen, f->ip.total_len, f->ip_truncated ? " (cut short)" : "", f->ip.id,
            (f->ip.frag & TK_IPV4_DF) ? "DF" : "", (f->ip.frag & TK_IPV4_MF) ? "MF" : "",
            (f->ip.frag & TK_IPV4_OFFMASK) * 8u, f->ip.ttl, f->ip.proto, f->ip.csum,
            csum_word(f->ip_csum));
}

static void print_tcp(FILE *out, const tk_dframe *f) {
    const tk_tcp_hdr *t = &f->tcp;
    char flags[16];
    tk_dout_flags(t->flags, flags);
    fprintf(out,
            "  tcp       sport %u, dport %u, seq %" PRIu32 ", ack %" PRIu32
            ", flags [%s], data offset %u (%u bytes), win %u, csum 0x%04x (%s), urg %u\n",
            t->sport, t->dport, t->seq, t->ack, flags, t->hlen / 4u, t->hlen, t->win, t->csum,
            csum_word(f->tcp_csum), t->urg);
    tk_tcp_opt_iter it;
    tk_tcp_opt o;
    tk_wire_tcp_opt_iter_init(&it, f->tcp_opts, (size_t)t->hlen - TK_TCP_HLEN);
    while (tk_wire_tcp_opt_next(&it, &o) == 1) {
        char one[160];
        option_text(&o, one, sizeof one);
        fprintf(out, "  option    %s\n", one);
    }
    fprintf(out, "  payload   %" PRIu32 " bytes\n", f->payload_len);
}

void tk_dout_layers(FILE *out, const tk_dframe *f) {
    print_lower(out, f, f->is_tcp);
    if (f->is_tcp)
        print_tcp(out, f);
}

/* Why the role holds, in the words of the match that was made. */
static void print_role(FILE *out, const tk_drecord *recs, const tk_role_result *role) {
    fprintf(out, "  role      %s", tk_role_name(role->role));
    unsigned peer = role->peer != TK_ROLE_NOPOS ? recs[role->peer].index : 0;
    switch (role->role) {
    case TK_ROLE_SYN:
        if (peer)
            fprintf(out, ", answered by packet %u", peer);
        else
            fprintf(out, " (unconfirmed: no SYN-ACK in the input answers it)");
        break;
    case TK_ROLE_SYNACK:
        if (peer)
            fprintf(out, ", answers packet %u", peer);
        else
            fprintf(out, " (unconfirmed: no matching SYN in the input)");
        break;
    case TK_ROLE_HS_ACK:
        fprintf(out, ", answers packet %u", peer);
        if (!role->confirmed)
            fprintf(out, " (unconfirmed: the SYN is not in the input)");
        break;
    case TK_ROLE_FIN:
        if (peer)
            fprintf(out, ", also acknowledges the FIN of packet %u", peer);
        break;
    case TK_ROLE_FIN_ACK:
        fprintf(out, ", acknowledges the FIN of packet %u", peer);
        break;
    default:
        break;
    }
    if (role->repeat)
        fprintf(out, ", retransmission");
    fputc('\n', out);
}

void tk_dout_text(FILE *out, const tk_drecord *recs, const tk_role_result *roles, size_t pos) {
    const tk_drecord *r = &recs[pos];
    const tk_dframe *f = &r->f;
    print_where(out, r);
    fprintf(out, "  summary   %s\n", r->summary);
    if (!f->is_tcp) {
        print_lower(out, f, false);
        fprintf(out, "  note      %s, no TCP header\n\n", f->note ? f->note : "not TCP");
        return;
    }
    print_lower(out, f, true);
    print_tcp(out, f);
    print_role(out, recs, &roles[pos]);
    fputc('\n', out);
}

static void json_addr(FILE *out, const char *key, const tk_dframe *f, bool src) {
    char s[TK_TADDR_STRLEN];
    addr_text(f, src, s);
    if (tk_dframe_has_addr(f))
        fprintf(out, ",\"%s\":\"%s\"", key, s);
    else
        fprintf(out, ",\"%s\":null", key);
}

static void json_option(FILE *out, const tk_tcp_opt *o) {
    switch (o->kind) {
    case 0:
    case 1:
        fprintf(out, "{\"kind\":\"%s\"}", o->kind ? "nop" : "eol");
        return;
    case 2:
        fprintf(out, "{\"kind\":\"mss\",\"value\":%u}", be16(o->data));
        return;
    case 3:
        fprintf(out, "{\"kind\":\"wscale\",\"value\":%u}", o->data[0]);
        return;
    case 4:
        fprintf(out, "{\"kind\":\"sackOK\"}");
        return;
    case 8:
        fprintf(out, "{\"kind\":\"ts\",\"val\":%" PRIu32 ",\"ecr\":%" PRIu32 "}", be32(o->data),
                be32(o->data + 4));
        return;
    case 5:
        fprintf(out, "{\"kind\":\"sack\",\"blocks\":[");
        for (size_t i = 0; i + 8 <= (size_t)o->len - 2; i += 8)
            fprintf(out, "%s{\"left\":%" PRIu32 ",\"right\":%" PRIu32 "}", i ? "," : "",
                    be32(o->data + i), be32(o->data + i + 4));
        fprintf(out, "]}");
        return;
    default:
        fprintf(out, "{\"kind\":\"unknown\",\"type\":%u,\"len\":%u}", o->kind, o->len);
    }
}

void tk_dout_json(FILE *out, const tk_drecord *recs, const tk_role_result *roles, size_t pos) {
    const tk_drecord *r = &recs[pos];
    const tk_dframe *f = &r->f;
    const tk_tcp_hdr *t = &f->tcp;
    fprintf(out, "{\"index\":%u", r->index);
    json_addr(out, "src", f, true);
    json_addr(out, "dst", f, false);
    if (!f->is_tcp) {
        fprintf(out, ",\"note\":\"%s\",\"role\":null}\n", f->note ? f->note : "not TCP");
        return;
    }
    char flags[16];
    tk_dout_flags(t->flags, flags);
    fprintf(out,
            ",\"sport\":%u,\"dport\":%u,\"seq\":%" PRIu32 ",\"ack\":%" PRIu32
            ",\"flags\":\"%s\",\"hlen\":%u,\"win\":%u,\"csum\":%u,\"urg\":%u,\"options\":[",
            t->sport, t->dport, t->seq, t->ack, strcmp(flags, "none") ? flags : "", t->hlen, t->win,
            t->csum, t->urg);
    tk_tcp_opt_iter it;
    tk_tcp_opt o;
    bool first = true;
    tk_wire_tcp_opt_iter_init(&it, f->tcp_opts, (size_t)t->hlen - TK_TCP_HLEN);
    while (tk_wire_tcp_opt_next(&it, &o) == 1) {
        if (!first)
            fputc(',', out);
        first = false;
        json_option(out, &o);
    }
    const tk_role_result *role = &roles[pos];
    fprintf(out, "],\"payload_len\":%" PRIu32 ",\"role\":\"%s\",\"confirmed\":%s", f->payload_len,
            tk_role_name(role->role), role->confirmed ? "true" : "false");
    if (role->peer != TK_ROLE_NOPOS)
        fprintf(out, ",\"peer\":%u", recs[role->peer].index);
    fprintf(out, "}\n");
}

/* A packet number, or what stands for a part that is missing. */
static void put_pos(FILE *out, const tk_drecord *recs, size_t pos, const char *missing) {
    if (pos == TK_ROLE_NOPOS)
        fputs(missing, out);
    else
        fprintf(out, "%u", recs[pos].index);
}

static bool complete(const tk_handshake *h) {
    return h->syn != TK_ROLE_NOPOS && h->synack != TK_ROLE_NOPOS && h->ack != TK_ROLE_NOPOS;
}

void tk_dout_orders_text(FILE *out, const tk_drecord *recs, const tk_handshake *hs, size_t nhs,
                         const tk_teardown *td, size_t ntd) {
    for (size_t i = 0; i < nhs; i++) {
        fputs("handshake: ", out);
        put_pos(out, recs, hs[i].syn, "?");
        fputs(", ", out);
        put_pos(out, recs, hs[i].synack, "?");
        fputs(", ", out);
        put_pos(out, recs, hs[i].ack, "?");
        fputs(complete(&hs[i]) ? "\n" : " (incomplete)\n", out);
    }
    for (size_t i = 0; i < ntd; i++) {
        fputs("teardown: ", out);
        for (size_t k = 0; k < td[i].count; k++) {
            fputs(k ? ", " : "", out);
            put_pos(out, recs, td[i].pos[k], "?");
        }
        fputc('\n', out);
    }
}

static void json_handshake(FILE *out, const tk_drecord *recs, const tk_handshake *h) {
    fputc('[', out);
    put_pos(out, recs, h->syn, "null");
    fputc(',', out);
    put_pos(out, recs, h->synack, "null");
    fputc(',', out);
    put_pos(out, recs, h->ack, "null");
    fputc(']', out);
}

static void json_teardown(FILE *out, const tk_drecord *recs, const tk_teardown *t) {
    fputc('[', out);
    for (size_t k = 0; k < t->count; k++) {
        fputs(k ? "," : "", out);
        put_pos(out, recs, t->pos[k], "null");
    }
    fputc(']', out);
}

void tk_dout_orders_json(FILE *out, const tk_drecord *recs, const tk_handshake *hs, size_t nhs,
                         const tk_teardown *td, size_t ntd) {
    fputs("{\"handshake\":", out);
    if (nhs)
        json_handshake(out, recs, &hs[0]);
    else
        fputs("null", out);
    if (ntd) {
        fputs(",\"teardown\":", out);
        json_teardown(out, recs, &td[0]);
    }
    if (nhs > 1 || ntd > 1) {
        fputs(",\"handshakes\":[", out);
        for (size_t i = 0; i < nhs; i++) {
            fputs(i ? "," : "", out);
            json_handshake(out, recs, &hs[i]);
        }
        fputs("],\"teardowns\":[", out);
        for (size_t i = 0; i < ntd; i++) {
            fputs(i ? "," : "", out);
            json_teardown(out, recs, &td[i]);
        }
        fputc(']', out);
    }
    fputs("}\n", out);
}
