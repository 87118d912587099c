/* Text and JSON Lines rendering of a simulation, and its pcap tee. */
#include "sim_render.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/print/print.h"
#include "lib/report/report.h"
#include "pcap_writer.h"
#include "simlink.h"
#include "simnet.h"
#include "tcpkit/tcp_state.h"

struct tk_sim_render {
    FILE *out;
    bool json;
    bool pcap_open;
    tk_pcap_writer pcap;
    tk_printer printer;
    tk_rp_rtx rtx; /* retransmission marks of the JSON segments */
    char line[TK_PRINT_LINE_MAX];
};

static const char *side_name(int side) {
    return side == TK_SIM_A ? "A" : "B";
}

static const struct {
    int code;
    const char *name;
} errnames[] = {
    {ECONNREFUSED, "ECONNREFUSED"},
    {ECONNRESET, "ECONNRESET"},
    {ETIMEDOUT, "ETIMEDOUT"},
    {EADDRINUSE, "EADDRINUSE"},
    {EPIPE, "EPIPE"},
    {ENOTCONN, "ENOTCONN"},
    {EAGAIN, "EAGAIN"},
    {EINVAL, "EINVAL"},
    {ENOBUFS, "ENOBUFS"},
    {EINPROGRESS, "EINPROGRESS"},
    {EISCONN, "EISCONN"},
    {EALREADY, "EALREADY"},
    {EBADF, "EBADF"},
    {ENOMEM, "ENOMEM"},
    {EMFILE, "EMFILE"},
    {EOPNOTSUPP, "EOPNOTSUPP"},
    {EHOSTUNREACH, "EHOSTUNREACH"},
};

const char *tk_sim_errstr(long rc, char *buf, size_t cap) {
    if (rc >= 0) {
        snprintf(buf, cap, "%ld", rc);
        return buf;
    }
    for (size_t i = 0; i < sizeof errnames / sizeof errnames[0]; i++)
        if (-rc == errnames[i].code) {
            snprintf(buf, cap, "-%s", errnames[i].name);
            return buf;
        }
    snprintf(buf, cap, "-E%ld", -rc);
    return buf;
}

void tk_sim_format_ep(char *buf, size_t cap, uint32_t addr, uint16_t port) {
    snprintf(buf, cap, "%u.%u.%u.%u:%u", addr >> 24, (addr >> 16) & 0xffu, (addr >> 8) & 0xffu,
             addr & 0xffu, port);
}

/* An IPv6 endpoint as [x:x::x]:port. */
static void format_ep6(char *buf, size_t cap, const uint8_t a[16], uint16_t port) {
    char text[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, a, text, sizeof text);
    snprintf(buf, cap, "[%s]:%u", text, port);
}

void tk_sim_format_sockaddr(char *buf, size_t cap, const tk_sockaddr *a) {
    if (a->family == TK_AF_INET6)
        format_ep6(buf, cap, a->addr6, a->port);
    else
        tk_sim_format_ep(buf, cap, a->addr, a->port);
}

tk_sim_render *tk_sim_render_open(FILE *out, bool json, const char *pcap_path, int *err) {
    tk_sim_render *r = calloc(1, sizeof *r);
    if (!r) {
        *err = -ENOMEM;
        return NULL;
    }
    r->out = out;
    r->json = json;
    tk_printer_init(&r->printer, false);
    if (pcap_path) {
        int rc = tk_pcap_open(&r->pcap, pcap_path, false);
        if (rc < 0) {
            free(r);
            *err = rc;
            return NULL;
        }
        r->pcap_open = true;
    }
    return r;
}

void tk_sim_render_close(tk_sim_render *r) {
    if (!r)
        return;
    if (r->pcap_open)
        tk_pcap_close(&r->pcap);
    free(r);
}

/* Writes s as a JSON string body (without quotes). */
static void json_str(FILE *f, const char *s) {
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
}

/* Text lines carry tcpdump's time of day; JSON carries seconds. */
static void ts(const tk_sim_render *r, char *buf, size_t cap, tk_time now) {
    if (r->json || tk_print_time(now, buf, cap) < 0)
        snprintf(buf, cap, "%" PRIu64 ".%06" PRIu64, now / 1000000u, now % 1000000u);
}

const char *tk_sim_link_verdict(int outcome) {
    if (outcome < 0)
        return "rejected";
    if (outcome & TK_SIMLINK_LOST)
        return "lost";
    if (outcome & TK_SIMLINK_DOWN)
        return "link down";
    if (outcome & TK_SIMLINK_QUEUE_FULL)
        return "queue full";
    if (outcome & TK_SIMLINK_CORRUPTED)
        return "corrupted";
    if (outcome & TK_SIMLINK_DUPLICATED)
        return "duplicated";
    if (outcome & TK_SIMLINK_REORDERED)
        return "delayed (reordered)";
    if (outcome & TK_SIMLINK_CE_MARKED)
        return "marked CE";
    return NULL;
}

/* The segment's fields (SPEC OBS-8, docs/pictures.md). */
static void json_fields(tk_sim_render *r, int side, const uint8_t *frame, size_t len, int outcome) {
    tk_rp_seg g;
    tk_rp_endpoints ep;
    if (tk_rp_seg_from_frame(frame, len, &g, &ep) < 0)
        return;
    g.from = side;
    if (outcome < 0 || (outcome & (TK_SIMLINK_LOST | TK_SIMLINK_DOWN | TK_SIMLINK_QUEUE_FULL)))
        g.marks |= TK_RP_LOST;
    if (outcome > 0 && (outcome & TK_SIMLINK_DUPLICATED))
        g.marks |= TK_RP_DUP;
    if (outcome > 0 && (outcome & TK_SIMLINK_CORRUPTED))
        g.marks |= TK_RP_CORRUPT;
    if (tk_rp_rtx_check(&r->rtx, &ep, &g))
        g.marks |= TK_RP_RETRANS;
    char src[TK_TADDR_STRLEN], dst[TK_TADDR_STRLEN];
    tk_taddr_str(&ep.src, src);
    tk_taddr_str(&ep.dst, dst);
    fprintf(r->out, ",\"src\":\"%s\",\"sport\":%u,\"dst\":\"%s\",\"dport\":%u,", src, ep.sport, dst,
            ep.dport);
    tk_rp_seg_json(r->out, &g, false);
}

void tk_sim_render_frame(tk_sim_render *r, int side, int where, const uint8_t *frame, size_t len,
                         tk_time now, int outcome) {
    if (!r)
        return;
    /* The capture is what tcpdump on A's interface would record: all A
     * sends (lost ones included) and all that reaches A. */
    if (r->pcap_open && side == TK_SIM_A)
        tk_pcap_write(&r->pcap, now, frame, len);
    if (!r->out || where != TK_SIM_TX)
        return;
    char t[32];
    if (tk_print_frame(&r->printer, frame, len, r->line, sizeof r->line) < 0 && !r->line[0])
        snprintf(r->line, sizeof r->line, "frame of %zu bytes", len);
    ts(r, t, sizeof t, now);
    const char *verdict = tk_sim_link_verdict(outcome);
    if (r->json) {
        fprintf(r->out, "{\"t\":%s,\"side\":\"%s\",\"event\":\"segment\",\"line\":\"", t,
                side_name(side));
        json_str(r->out, r->line);
        fprintf(r->out, "\",\"link\":\"%s\"", verdict ? verdict : "delivered");
        json_fields(r, side, frame, len, outcome);
        fputs("}\n", r->out);
        return;
    }
    fprintf(r->out, "%s %s  %s%s%s%s\n", t, side_name(side), r->line, verdict ? "  [link: " : "",
            verdict ? verdict : "", verdict ? "]" : "");
}

static void render_state(tk_sim_render *r, int side, const tk_trace_event *ev) {
    char t[32], ep[64], peer[64];
    ts(r, t, sizeof t, ev->now);
    if (ev->laddr6 != NULL) { /* an IPv6 connection (its laddr/raddr are folds) */
        format_ep6(ep, sizeof ep, ev->laddr6, ev->lport);
        format_ep6(peer, sizeof peer, ev->raddr6, ev->rport);
    } else {
        tk_sim_format_ep(ep, sizeof ep, ev->laddr, ev->lport);
        tk_sim_format_ep(peer, sizeof peer, ev->raddr, ev->rport);
    }
    const char *from = tk_tcp_state_name(ev->old_state);
    const char *to = tk_tcp_state_name(ev->new_state);
    const char *cause = ev->cause ? ev->cause : "";
    if (r->json) {
        fprintf(r->out,
                "{\"t\":%s,\"side\":\"%s\",\"event\":\"state\",\"local\":\"%s\","
                "\"remote\":\"%s\",\"from\":\"%s\",\"to\":\"%s\",\"cause\":\"",
                t, side_name(side), ep, peer, from, to);
        json_str(r->out, cause);
        fprintf(r->out, "\"}\n");
        return;
    }
    fprintf(r->out, "%s %s %s %s -> %s (%s)\n", t, side_name(side), ep, from, to, cause);
}

static void render_line(tk_sim_render *r, tk_time now, const char *side, const char *kind,
                        const char *text) {
    char t[32];
    ts(r, t, sizeof t, now);
    if (r->json) {
        fprintf(r->out, "{\"t\":%s,", t);
        if (side)
            fprintf(r->out, "\"side\":\"%s\",", side);
        fprintf(r->out, "\"event\":\"%s\",\"text\":\"", kind);
        json_str(r->out, text);
        fprintf(r->out, "\"}\n");
        return;
    }
    if (side)
        fprintf(r->out, "%s %s %s\n", t, side, text);
    else
        fprintf(r->out, "%s --- %s\n", t, text);
}

void tk_sim_render_trace(tk_sim_render *r, int side, const tk_trace_event *ev) {
    if (!r || !r->out)
        return;
    char text[160], e[32];
    switch (ev->kind) {
    case TK_TRACE_STATE:
        render_state(r, side, ev);
        break;
    case TK_TRACE_ERROR:
        snprintf(text, sizeof text, "socket %d error %s", ev->sd,
                 tk_sim_errstr(ev->err, e, sizeof e));
        render_line(r, ev->now, side_name(side), "error", text);
        break;
    case TK_TRACE_DROP:
        snprintf(text, sizeof text, "dropped a frame: %s", ev->reason ? ev->reason : "?");
        render_line(r, ev->now, side_name(side), "drop", text);
        break;
    default:
        break;
    }
}

void tk_sim_render_app(tk_sim_render *r, tk_time now, int side, const char *text) {
    if (r && r->out)
        render_line(r, now, side_name(side), "app", text);
}

void tk_sim_render_note(tk_sim_render *r, tk_time now, const char *text) {
    if (r && r->out)
        render_line(r, now, NULL, "note", text);
}

void tk_sim_render_result(tk_sim_render *r, tk_time now, const char *scenario, bool ok,
                          const char *why) {
    if (!r || !r->out)
        return;
    char text[400];
    if (ok)
        snprintf(text, sizeof text, "scenario %s: PASS", scenario);
    else
        snprintf(text, sizeof text, "scenario %s: FAIL: %s", scenario, why ? why : "?");
    render_line(r, now, NULL, "result", text);
}
