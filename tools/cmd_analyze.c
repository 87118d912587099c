/* tcpkit analyze: a capture -> each TCP connection's life on both ends,
 * with expert notes (SPEC OBS-4). Frames are decoded with the decode
 * tool's frame parser; the analysis itself is tools/lib/analyze/analyze.c. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "analyze_pictures.h"
#include "cli.h"
#include "commands.h"
#include "lib/analyze/analyze.h"
#include "lib/capture/capture_read.h"
#include "lib/capture/decode_frame.h"

typedef struct options {
    const char *path;
    bool json;
    const char *html, *svg; /* the pictures (docs/pictures.md) */
    uint64_t conn;          /* the connection --svg draws, 1-based */
} options;

static void usage(FILE *out) {
    fputs("usage: tcpkit analyze FILE.pcap [--json] [--html FILE] [--svg FILE [--conn N]]\n"
          "\n"
          "Reads a pcap or pcapng capture and reports each TCP connection: its two\n"
          "endpoints, the states each end went through, bytes each way, the handshake\n"
          "RTT and expert notes (retransmission, duplicate ACK, zero window, keep-alive,\n"
          "port numbers reused, RST and its likely cause, ...) with packet numbers.\n"
          "\n"
          "  --json      JSON Lines: one object per segment, then per connection and note\n"
          "  --html FILE the pictures: an index of connections, and for each its ladder\n"
          "              diagram, state diagrams and time-sequence graphs\n"
          "  --svg FILE  the ladder diagram of one connection (--conn N, default 1)\n"
          "  -h, --help  this text\n"
          "\n"
          "Exit status: 0 analysed, 2 bad usage or a capture that cannot be read.\n",
          out);
}

/* Returns -1 to go on, or the exit status (0 after --help, 2 usage). */
static int parse_args(int argc, char **argv, options *o) {
    *o = (options){NULL, false, NULL, NULL, 1};
    tk_cli c;
    tk_cli_init(&c, "tcpkit analyze", argc, argv);
    for (const char *a; (a = tk_cli_next(&c)) != NULL;) {
        int rc = 0;
        if (tk_cli_is_help(a)) {
            usage(stdout);
            return 0;
        }
        if (!strcmp(a, "--json"))
            o->json = true;
        else if (tk_cli_is(&c, a, "--html"))
            rc = tk_cli_str(&c, &o->html);
        else if (tk_cli_is(&c, a, "--svg"))
            rc = tk_cli_str(&c, &o->svg);
        else if (tk_cli_is(&c, a, "--conn"))
            rc = tk_cli_range(&c, 1, UINT32_MAX, &o->conn);
        else if (a[0] != '-' && !o->path)
            o->path = a;
        else
            return tk_cli_unknown(&c, a);
        if (rc)
            return rc;
    }
    if (!o->path) {
        fprintf(stderr, "tcpkit analyze: no capture file given\n");
        usage(stderr);
        return TK_CLI_USAGE;
    }
    return -1;
}

static void to_seg(const tk_dframe *f, const tk_capture_frame *fr, int64_t ts_us, tk_az_seg *s) {
    const tk_tcp_hdr *t = &f->tcp;
    *s = (tk_az_seg){.index = fr->index,
                     .ts_us = ts_us,
                     .src = tk_dframe_src(f),
                     .dst = tk_dframe_dst(f),
                     .sport = t->sport,
                     .dport = t->dport,
                     .seq = t->seq,
                     .ack = t->ack,
                     .flags = t->flags,
                     .win = t->win,
                     .wscale = -1,
                     .len = f->payload_len};
    if ((t->flags & TK_TCP_SYN) && (t->opts.present & TK_OPT_WSCALE))
        s->wscale = (int8_t)t->opts.wscale;
    /* An IP length (IPv4 total length, IPv6 payload length) beyond what the
     * wire carried (not what the capture cut off) is a damaged header: the
     * segment holds only the bytes that were there, as Wireshark counts them. */
    size_t wire_ip = fr->len > f->ip_off ? fr->len - f->ip_off : 0;
    size_t hdrs = tk_dframe_ip_hlen(f) + t->hlen;
    if (tk_dframe_ip_len(f) > wire_ip)
        s->len = wire_ip > hdrs ? (uint32_t)(wire_ip - hdrs) : 0;
}

/* Feeds every TCP frame over IPv4 or IPv6; counts the others. */
static int feed_capture(tk_capture *c, tk_analyzer *az, tk_azp *pics, unsigned *skipped,
                        unsigned *bad_csum, int64_t *t0) {
    tk_capture_frame fr;
    int rc;
    while ((rc = tk_capture_next(c, &fr)) == 1) {
        int64_t ts_us;
        if (tk_capture_ts_us(c, &fr, &ts_us) < 0) {
            c->count--; /* reported: the packets before it */
            return -ERANGE;
        }
        if (fr.index == 1)
            *t0 = ts_us;
        tk_dframe_in in = {
            fr.data,   NULL,           0,
            fr.caplen, TK_DFRAME_AUTO, c->ip_offset < 0 ? TK_DFRAME_AUTO : c->ip_offset};
        tk_dframe f;
        if (tk_dframe_decode(&in, &f) < 0 || !f.is_tcp || !tk_dframe_has_addr(&f)) {
            (*skipped)++;
            continue;
        }
        /* Kept: captures of a host's own traffic often hold checksums
         * the NIC fills in later (checksum offload). */
        if (f.tcp_csum == TK_CSUM_BAD)
            (*bad_csum)++;
        tk_az_seg s;
        to_seg(&f, &fr, ts_us, &s);
        if (tk_az_feed(az, &s) < 0 || tk_azp_segment(pics, az, &s, &f, *t0) < 0) {
            snprintf(c->err, sizeof c->err, "out of memory");
            return -ENOMEM;
        }
    }
    return rc;
}

static const char *end_role(const tk_az_conn *c, int e) {
    if (c->client >= 0)
        return e == c->client ? "client" : "server";
    return e ? "B" : "A";
}

static void print_path(FILE *out, const tk_az_end *e) {
    if (!e->path_len)
        fputs("(nothing captured)", out);
    for (size_t i = 0; i < e->path_len; i++)
        fprintf(out, "%s%s", i ? " -> " : "", tk_az_state_name(e->path[i]));
}

static double secs(int64_t us) {
    return (double)us / 1e6;
}

static void text_conn(FILE *out, const tk_analyzer *az, size_t ci, int64_t t0) {
    const tk_az_conn *c = &az->conns[ci];
    char a0[TK_TADDR_EPLEN], a1[TK_TADDR_EPLEN];
    tk_taddr_endpoint(&c->end[0].addr, c->end[0].port, a0);
    tk_taddr_endpoint(&c->end[1].addr, c->end[1].port, a1);
    fprintf(out, "connection #%zu: %s -> %s  packets %u..%u  time %.6f..%.6f s%s\n", ci + 1, a0, a1,
            c->first_index, c->last_index, secs(c->first_us - t0), secs(c->last_us - t0),
            c->reused ? "  (ports reused)" : "");
    for (int e = 0; e < 2; e++) {
        fprintf(out, "  %-6s %s  ", end_role(c, e), e ? a1 : a0);
        print_path(out, &c->end[e]);
        fprintf(out, "\n");
    }
    for (int e = 0; e < 2; e++)
        fprintf(out, "%s%s->%s %" PRIu64 " (%u packet%s)", e ? ", " : "  bytes  ", end_role(c, e),
                end_role(c, 1 - e), c->end[e].bytes, c->end[e].packets,
                c->end[e].packets == 1 ? "" : "s");
    fputc('\n', out);
    if (c->rtt_us >= 0) {
        fprintf(out, "  rtt    %.3f ms SYN -> SYN-ACK", (double)c->rtt_us / 1e3);
        if (c->irtt_us >= 0)
            fprintf(out, ", %.3f ms SYN -> ACK (iRTT)", (double)c->irtt_us / 1e3);
        fprintf(out, "\n");
    } else {
        fprintf(out, "  rtt    unknown (no complete handshake captured)\n");
    }
    fprintf(out, "  notes ");
    bool any = false;
    for (int k = 0; k < TK_AZ_KIND_COUNT; k++)
        if (c->counts[k]) {
            fprintf(out, "%s %s %u", any ? "," : "", tk_az_kind_name((tk_az_kind)k), c->counts[k]);
            any = true;
        }
    fprintf(out, "%s\n", any ? "" : " none");
    for (size_t i = c->note_head; i != TK_AZ_NONE; i = az->notes[i].next) {
        const tk_az_note *n = &az->notes[i];
        fprintf(out, "    #%-6u %-6s %s: %s\n", n->index, end_role(c, n->end),
                tk_az_kind_name(n->kind), n->reason);
    }
}

static void json_end(FILE *out, const tk_az_conn *c, int e) {
    const tk_az_end *x = &c->end[e];
    char a[TK_TADDR_STRLEN];
    tk_taddr_str(&x->addr, a);
    fprintf(out, "\"%s\":{\"addr\":\"%s\",\"port\":%u,\"states\":[", end_role(c, e), a, x->port);
    for (size_t i = 0; i < x->path_len; i++)
        fprintf(out, "%s\"%s\"", i ? "," : "", tk_az_state_name(x->path[i]));
    fprintf(out, "],\"bytes\":%" PRIu64 ",\"packets\":%u}", x->bytes, x->packets);
}

static void json_conn(FILE *out, const tk_analyzer *az, size_t ci, int64_t t0) {
    const tk_az_conn *c = &az->conns[ci];
    fprintf(out, "{\"type\":\"connection\",\"id\":%zu,\"first_packet\":%u,\"last_packet\":%u,",
            ci + 1, c->first_index, c->last_index);
    fprintf(out, "\"start\":%.6f,\"end\":%.6f,\"from_syn\":%s,\"ports_reused\":%s,",
            secs(c->first_us - t0), secs(c->last_us - t0), c->from_syn ? "true" : "false",
            c->reused ? "true" : "false");
    json_end(out, c, 0);
    fputc(',', out);
    json_end(out, c, 1);
    if (c->rtt_us >= 0)
        fprintf(out, ",\"rtt_ms\":%.3f", (double)c->rtt_us / 1e3);
    if (c->irtt_us >= 0)
        fprintf(out, ",\"syn_to_ack_ms\":%.3f", (double)c->irtt_us / 1e3);
    fprintf(out, ",\"notes\":{");
    for (int k = 0; k < TK_AZ_KIND_COUNT; k++)
        fprintf(out, "%s\"%s\":%u", k ? "," : "", tk_az_kind_id((tk_az_kind)k), c->counts[k]);
    fprintf(out, "}}\n");
    for (size_t i = c->note_head; i != TK_AZ_NONE; i = az->notes[i].next) {
        const tk_az_note *n = &az->notes[i];
        fprintf(out,
                "{\"type\":\"note\",\"connection\":%zu,\"packet\":%u,\"from\":\"%s\","
                "\"kind\":\"%s\",\"reason\":\"%s\"}\n",
                ci + 1, n->index, end_role(c, n->end), tk_az_kind_id(n->kind), n->reason);
    }
}

/* Writes --html and --svg. Returns 0, or 2 after naming the problem. */
static int write_pictures(const options *o, tk_azp *pics, const tk_analyzer *az) {
    tk_azp_finish(pics, az);
    const char *paths[2] = {o->html, o->svg};
    for (int i = 0; i < 2; i++) {
        if (!paths[i])
            continue;
        if (i == 1 && o->conn > pics->rp.nconns) {
            fprintf(stderr,
                    "tcpkit analyze: --conn %" PRIu64 ": the capture has %zu connection%s\n",
                    o->conn, pics->rp.nconns, pics->rp.nconns == 1 ? "" : "s");
            return 2;
        }
        FILE *f = fopen(paths[i], "w");
        if (!f) {
            fprintf(stderr, "tcpkit analyze: %s: %s\n", paths[i], strerror(errno));
            return 2;
        }
        if (i == 0)
            tk_rp_html(f, &pics->rp);
        else
            tk_rp_ladder_svg(f, &pics->rp.conns[o->conn - 1]);
        bool bad = ferror(f) != 0;
        if (fclose(f) != 0 || bad) {
            fprintf(stderr, "tcpkit analyze: %s: cannot write\n", paths[i]);
            return 2;
        }
    }
    return 0;
}

static int report(const options *o, tk_capture *c) {
    tk_analyzer az;
    tk_az_init(&az);
    tk_azp pics;
    char title[300];
    snprintf(title, sizeof title, "tcpkit analyze %s", o->path);
    tk_azp_init(&pics, title, o->html || o->svg, o->json ? stdout : NULL);
    unsigned skipped = 0, bad_csum = 0;
    int64_t t0 = 0;
    int rc = feed_capture(c, &az, &pics, &skipped, &bad_csum, &t0);
    if (rc == -ENOMEM) {
        fprintf(stderr, "tcpkit analyze: %s: %s\n", o->path, c->err);
        tk_azp_free(&pics);
        tk_az_free(&az);
        return 2;
    }
    /* A capture cut short (a full disk, a killed tcpdump) is still worth
     * reading up to the cut; the exit status tells it was not whole. */
    for (size_t i = 0; i < az.nconns; i++) {
        if (o->json) {
            json_conn(stdout, &az, i, t0);
        } else {
            if (i)
                fputc('\n', stdout);
            text_conn(stdout, &az, i, t0);
        }
    }
    if (!o->json)
        printf("%s%zu connection%s, %u packet%s, %u not TCP (skipped)\n", az.nconns ? "\n" : "",
               az.nconns, az.nconns == 1 ? "" : "s", c->count, c->count == 1 ? "" : "s", skipped);
    if (!o->json && bad_csum)
        printf("%u TCP segment%s with a bad checksum (kept: checksum offload?)\n", bad_csum,
               bad_csum == 1 ? "" : "s");
    int prc = pics.keep ? write_pictures(o, &pics, &az) : 0;
    tk_azp_free(&pics);
    tk_az_free(&az);
    if (prc)
        return prc;
    if (rc == -ERANGE) {
        fprintf(stderr, "tcpkit analyze: %s: %s\n", o->path, c->err);
        return 2;
    }
    if (rc < 0) {
        fprintf(stderr, "tcpkit analyze: %s: after packet %u: %s\n", o->path, c->count, c->err);
        return 2;
    }
    return 0;
}

int tk_cmd_analyze(int argc, char **argv) {
    options o;
    int rc = parse_args(argc, argv, &o);
    if (rc >= 0)
        return rc;
    tk_capture c;
    if (tk_capture_open_file(&c, o.path) < 0) {
        fprintf(stderr, "tcpkit analyze: %s: %s\n", o.path, c.err);
        return 2;
    }
    rc = report(&o, &c);
    tk_capture_close(&c);
    return rc;
}
