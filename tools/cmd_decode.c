/* tcpkit decode: hex dumps and pcap/pcapng captures -> decoded Ethernet,
 * IPv4 and TCP headers, with each segment's role in a handshake or
 * teardown (SPEC OBS-3). The whole input is decoded first, because a role
 * follows from the segments that answer each other, in any order. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "lib/capture/capture_read.h"
#include "lib/capture/decode_frame.h"
#include "lib/capture/decode_out.h"
#include "lib/capture/roles.h"
#include "lib/print/hexdump.h"
#include "lib/print/print.h"

typedef struct options {
    const char *path; /* NULL or "-": stdin */
    bool json;
    long tcp_offset;
    long udp_tunnel_port; /* 0: UDP is only UDP */
} options;

/* Everything decoded so far. */
typedef struct decoded {
    tk_drecord *recs;
    size_t n, cap;
    tk_printer printer;
    int status; /* 0, or 2 once some input was bad */
} decoded;

static void usage(FILE *out) {
    fputs("usage: tcpkit decode [FILE|-] [--json] [--tcp-offset N] [--udp-tunnel-port N]\n"
          "\n"
          "Decodes hex dumps (Wireshark \"Copy as Hex Dump\", tcpdump -xx, xxd, od -Ax -tx1,\n"
          "hexdump -C, whole or partial frames) or pcap/pcapng captures read from FILE or\n"
          "stdin, and tells each TCP segment's role in a handshake or teardown.\n"
          "\n"
          "  --json          JSON Lines: one object per packet, then a summary object\n"
          "  --tcp-offset N  the TCP header starts at frame offset N (default: found from\n"
          "                  the headers; 34 for a dump that starts at 0x22)\n"
          "  --udp-tunnel-port N  summaries show the TCP segment inside UDP datagrams\n"
          "                  from or to port N (TCP over UDP); roles stay plain TCP's\n"
          "  -h, --help      this text\n"
          "\n"
          "Exit status: 0 all packets decoded, 2 bad usage or bad input (reported on stderr\n"
          "as 'tcpkit decode: line N: ...'; the other packets are still decoded).\n",
          out);
}

/* One option with a value; returns 0, 2 (usage), or 1 when not one of them. */
static int parse_valued(tk_cli *c, options *o, const char *a) {
    uint64_t v = 0;
    int rc;
    if (tk_cli_is(c, a, "--tcp-offset")) {
        rc = tk_cli_u64(c, 65535, &v);
        o->tcp_offset = (long)v;
    } else if (tk_cli_is(c, a, "--udp-tunnel-port")) {
        rc = tk_cli_range(c, 1, 65535, &v);
        o->udp_tunnel_port = (long)v;
    } else {
        return 1;
    }
    return rc;
}

/* Returns -1 to go on, or the exit status (0 after --help, 2 usage). */
static int parse_args(int argc, char **argv, options *o) {
    *o = (options){NULL, false, TK_DFRAME_AUTO, 0};
    tk_cli c;
    tk_cli_init(&c, "tcpkit decode", argc, argv);
    for (const char *a; (a = tk_cli_next(&c)) != NULL;) {
        int rc;
        if (tk_cli_is_help(a)) {
            usage(stdout);
            return 0;
        }
        if (!strcmp(a, "--json")) {
            o->json = true;
        } else if ((rc = parse_valued(&c, o, a)) != 1) {
            if (rc)
                return rc;
        } else if ((a[0] != '-' || !strcmp(a, "-")) && !o->path) {
            o->path = a;
        } else {
            return tk_cli_unknown(&c, a);
        }
    }
    return -1;
}

/* Reads a whole stream; NUL-terminates for convenience. */
static char *slurp(FILE *in, size_t *len) {
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n - 1, in);
        if (n < cap - 1)
            break;
        char *bigger = realloc(buf, cap * 2);
        if (!bigger)
            free(buf);
        buf = bigger;
        cap *= 2;
    }
    if (buf && ferror(in)) {
        free(buf);
        return NULL;
    }
    if (buf)
        buf[n] = '\0';
    *len = n;
    return buf;
}

static tk_drecord *add_record(decoded *d) {
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 64;
        tk_drecord *more = realloc(d->recs, cap * sizeof *more);
        if (!more)
            return NULL;
        d->recs = more;
        d->cap = cap;
    }
    tk_drecord *r = &d->recs[d->n++];
    memset(r, 0, sizeof *r);
    return r;
}

static char *summary_of(decoded *d, const tk_dframe *f, const uint8_t *eth_frame, size_t len) {
    char line[TK_PRINT_LINE_MAX];
    if (eth_frame)
        tk_print_frame(&d->printer, eth_frame, len, line, sizeof line);
    else if (f->is_tcp)
        tk_dout_summary(f, line, sizeof line);
    else
        snprintf(line, sizeof line, "%s", f->note ? f->note : "not TCP");
    return strdup(line);
}

static int keep_record(decoded *d, tk_drecord *r, const uint8_t *eth_frame, size_t len) {
    r->summary = summary_of(d, &r->f, eth_frame, len);
    return r->summary ? 0 : -ENOMEM;
}

static int decode_text(decoded *d, const char *text, size_t len, long tcp_offset) {
    tk_hex_reader *rd = malloc(sizeof *rd);
    tk_hex_packet *pkt = malloc(sizeof *pkt);
    int rc = rd && pkt ? 0 : -ENOMEM;
    tk_hex_error err;
    if (!rc)
        tk_hex_reader_init(rd, text, len);
    while (!rc && (rc = tk_hex_next(rd, pkt, &err)) != 0) {
        if (rc < 0) {
            fprintf(stderr, "tcpkit decode: line %u: %s\n", err.line, err.msg);
            d->status = 2;
            rc = 0;
            continue;
        }
        tk_dframe_in in = {pkt->data, pkt->known, pkt->lo, pkt->hi, tcp_offset, TK_DFRAME_AUTO};
        tk_dframe f;
        if (tk_dframe_decode(&in, &f) < 0) {
            fprintf(stderr, "tcpkit decode: line %u: %s\n", pkt->first_line, f.why);
            d->status = 2;
            rc = 0;
            continue;
        }
        tk_drecord *r = add_record(d);
        if (!r) {
            rc = -ENOMEM;
            break;
        }
        *r = (tk_drecord){.index = pkt->index,
                          .first_line = pkt->first_line,
                          .last_line = pkt->last_line,
                          .lo = pkt->lo,
                          .hi = pkt->hi,
                          .f = f};
        bool whole = f.has_eth && tk_hex_known_range(pkt, 0, pkt->hi);
        rc = keep_record(d, r, whole ? pkt->data : NULL, pkt->hi);
    }
    free(rd);
    free(pkt);
    return rc < 0 ? rc : 0;
}

/* The printer reads Ethernet frames; other link types get a made-up
 * Ethernet header in front of their IPv4 datagram. */
static const uint8_t *as_ethernet(const tk_capture *c, const tk_capture_frame *fr, uint8_t *buf,
                                  size_t cap, size_t *len) {
    *len = fr->caplen;
    if (c->ip_offset < 0)
        return fr->data;
    size_t ip = (size_t)c->ip_offset;
    if (fr->caplen < ip || fr->caplen - ip + TK_ETH_HLEN > cap)
        return NULL;
    memset(buf, 0, 12);
    bool v6 = fr->caplen > ip && fr->data[ip] >> 4 == 6;
    buf[12] = v6 ? 0x86 : 0x08;
    buf[13] = v6 ? 0xdd : 0x00;
    memcpy(buf + TK_ETH_HLEN, fr->data + ip, fr->caplen - ip);
    *len = fr->caplen - ip + TK_ETH_HLEN;
    return buf;
}

static int decode_capture(decoded *d, tk_capture *c, long tcp_offset) {
    static uint8_t eth[TK_HEX_MAX_FRAME + TK_ETH_HLEN];
    tk_capture_frame fr;
    int rc;
    while ((rc = tk_capture_next(c, &fr)) == 1) {
        tk_dframe_in in = {fr.data,   NULL,       0,
                           fr.caplen, tcp_offset, c->ip_offset < 0 ? TK_DFRAME_AUTO : c->ip_offset};
        tk_dframe f;
        if (tk_dframe_decode(&in, &f) < 0) {
            fprintf(stderr, "tcpkit decode: packet %u: %s\n", fr.index, f.why);
            d->status = 2;
            continue;
        }
        tk_drecord *r = add_record(d);
        if (!r)
            return -ENOMEM;
        *r = (tk_drecord){.index = fr.index,
                          .from_capture = true,
                          .caplen = fr.caplen,
                          .wirelen = fr.len,
                          .ts_sec = fr.ts_sec,
                          .ts_usec = fr.ts_usec,
                          .f = f};
        size_t len;
        const uint8_t *frame = as_ethernet(c, &fr, eth, sizeof eth, &len);
        if (keep_record(d, r, frame, len) < 0)
            return -ENOMEM;
    }
    if (rc < 0) {
        fprintf(stderr, "tcpkit decode: %s\n", c->err);
        d->status = 2;
    }
    return 0;
}

static int decode_capture_file(decoded *d, const char *name, long tcp_offset) {
    tk_capture c;
    if (tk_capture_open_file(&c, name) < 0) {
        fprintf(stderr, "tcpkit decode: %s: %s\n", name, c.err);
        return 2;
    }
    int rc = decode_capture(d, &c, tcp_offset);
    tk_capture_close(&c);
    if (rc < 0)
        fprintf(stderr, "tcpkit decode: out of memory\n");
    return rc < 0 ? 2 : 0;
}

/* A capture file goes to libpcap by name; text, and anything on stdin, is
 * read whole first (stdin cannot be looked at twice). */
static int decode_input(decoded *d, const options *o) {
    const char *name = o->path && strcmp(o->path, "-") ? o->path : NULL;
    FILE *in = name ? fopen(name, "rb") : stdin;
    if (!in) {
        fprintf(stderr, "tcpkit decode: %s: %s\n", name, strerror(errno));
        return 2;
    }
    if (name) {
        uint8_t magic[4];
        size_t got = fread(magic, 1, sizeof magic, in);
        if (tk_capture_magic(magic, got)) {
            fclose(in);
            return decode_capture_file(d, name, o->tcp_offset);
        }
        rewind(in);
    }
    size_t len = 0;
    char *buf = slurp(in, &len);
    if (name)
        fclose(in);
    if (!buf) {
        fprintf(stderr, "tcpkit decode: cannot read %s\n", name ? name : "stdin");
        return 2;
    }
    int rc;
    if (tk_capture_magic((const uint8_t *)buf, len)) {
        tk_capture c;
        rc = tk_capture_open_mem(&c, (const uint8_t *)buf, len);
        if (rc < 0) {
            fprintf(stderr, "tcpkit decode: stdin: %s\n", c.err);
            free(buf);
            return 2;
        }
        rc = decode_capture(d, &c, o->tcp_offset);
        tk_capture_close(&c);
    } else {
        rc = decode_text(d, buf, len, o->tcp_offset);
    }
    free(buf);
    if (rc < 0) {
        fprintf(stderr, "tcpkit decode: out of memory\n");
        return 2;
    }
    return 0;
}

static tk_role_seg seg_of(const tk_dframe *f) {
    const tk_tcp_hdr *t = &f->tcp;
    return (tk_role_seg){f->is_tcp,        tk_dframe_has_addr(f),
                         tk_dframe_src(f), tk_dframe_dst(f),
                         t->sport,         t->dport,
                         t->seq,           t->ack,
                         t->flags,         f->payload_len};
}

static int report(const decoded *d, bool json) {
    tk_role_seg *segs = malloc((d->n ? d->n : 1) * sizeof *segs);
    tk_role_result *res = malloc((d->n ? d->n : 1) * sizeof *res);
    size_t nhs = 0, ntd = 0;
    tk_handshake *hs = NULL;
    tk_teardown *td = NULL;
    int rc = segs && res ? 0 : -ENOMEM;
    for (size_t i = 0; !rc && i < d->n; i++)
        segs[i] = seg_of(&d->recs[i].f);
    if (!rc)
        rc = tk_roles_infer(segs, d->n, res);
    if (!rc) {
        nhs = tk_roles_handshakes(segs, res, d->n, NULL, 0);
        ntd = tk_roles_teardowns(segs, res, d->n, NULL, 0);
        hs = malloc((nhs ? nhs : 1) * sizeof *hs);
        td = malloc((ntd ? ntd : 1) * sizeof *td);
        rc = hs && td ? 0 : -ENOMEM;
    }
    if (!rc) {
        tk_roles_handshakes(segs, res, d->n, hs, nhs);
        ntd = tk_roles_teardowns(segs, res, d->n, td, ntd);
        for (size_t i = 0; i < d->n; i++)
            (json ? tk_dout_json : tk_dout_text)(stdout, d->recs, res, i);
        (json ? tk_dout_orders_json : tk_dout_orders_text)(stdout, d->recs, hs, nhs, td, ntd);
    }
    free(segs);
    free(res);
    free(hs);
    free(td);
    if (rc)
        fprintf(stderr, "tcpkit decode: out of memory\n");
    return rc ? 2 : 0;
}

int tk_cmd_decode(int argc, char **argv) {
    options o;
    int rc = parse_args(argc, argv, &o);
    if (rc >= 0)
        return rc;
    decoded d = {NULL, 0, 0, {0}, 0};
    tk_printer_init(&d.printer, true);
    d.printer.udp_tunnel_port = (uint16_t)o.udp_tunnel_port;
    rc = decode_input(&d, &o);
    if (!rc && d.n == 0 && d.status == 0) {
        fprintf(stderr, "tcpkit decode: no packets in the input\n");
        rc = 2;
    }
    if (!rc && d.n > 0)
        rc = report(&d, o.json);
    for (size_t i = 0; i < d.n; i++)
        free(d.recs[i].summary);
    free(d.recs);
    return rc ? rc : d.status;
}
