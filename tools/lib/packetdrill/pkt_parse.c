/* Script -> events: header lines, timing forms and the dispatch to the packet
 * and system-call grammars (pkt_packet.c, pkt_syscall.c). */
#include "pkt_parse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt_header.h"
#include "pkt_pre.h"

#define DEFAULT_TOLERANCE_USECS 4000

static int fail(tk_pkt_error *err, const char *msg) {
    snprintf(err->msg, sizeof err->msg, "%s", msg);
    return -EINVAL;
}

static bool parse_one_time(tk_pkt_lex *lx, bool *rel, int64_t *t) {
    *rel = tk_pkt_lex_lit(lx, "+");
    return tk_pkt_lex_seconds(lx, t);
}

/* Returns 1 when a time was parsed, 0 when the line has none, or -EINVAL. */
static int parse_time(tk_pkt_lex *lx, tk_pkt_time *tm, tk_pkt_error *err) {
    memset(tm, 0, sizeof *tm);
    if (tk_pkt_lex_lit(lx, "*")) {
        tm->kind = TK_PKT_TIME_ANY;
        return 1;
    }
    char c = tk_pkt_lex_peek(lx);
    if (c != '+' && c != '.' && !(c >= '0' && c <= '9'))
        return 0;
    if (!parse_one_time(lx, &tm->rel0, &tm->t0))
        return fail(err, "malformed time");
    tm->kind = tm->rel0 ? TK_PKT_TIME_REL : TK_PKT_TIME_ABS;
    if (tk_pkt_lex_lit(lx, "~")) {
        tm->kind = TK_PKT_TIME_RANGE;
        if (!parse_one_time(lx, &tm->rel1, &tm->t1))
            return fail(err, "malformed end of the time range");
    } else if (tk_pkt_lex_lit(lx, "...")) {
        tm->kind = TK_PKT_TIME_WINDOW;
        bool plus;
        if (!parse_one_time(lx, &plus, &tm->t1))
            return fail(err, "malformed end of the blocking window");
        tm->rel1 = tm->rel0 || plus; /* "+0...0.011": both ends relative */
    }
    return 1;
}

/* `command` or %{ code }% : the body between the delimiters. */
static int parse_delimited(tk_pkt_lex *lx, const char *open, const char *close, char **out,
                           tk_pkt_error *err) {
    if (!tk_pkt_lex_lit(lx, open))
        return fail(err, "internal: delimiter expected");
    const char *end = strstr(lx->p, close);
    if (!end)
        return fail(err, "unterminated command or code block");
    *out = strndup(lx->p, (size_t)(end - lx->p));
    if (!*out)
        return -ENOMEM;
    lx->p = end + strlen(close);
    return tk_pkt_lex_eof(lx) ? 0 : fail(err, "unexpected text after the command");
}

static int parse_event(const char *text, tk_pkt_event *ev, tk_pkt_error *err) {
    tk_pkt_lex lx;
    tk_pkt_lex_init(&lx, text);
    int rc = parse_time(&lx, &ev->time, err);
    if (rc < 0)
        return rc;
    ev->untimed = rc == 0;
    char c = tk_pkt_lex_peek(&lx);
    if (ev->untimed && c != '`')
        return fail(err, "expected a time (0.1, +0.1, *, a~b or a...b) or a header line");
    if (c == '<' || c == '>') {
        ev->kind = TK_PKT_EV_PACKET;
        return tk_pkt_parse_packet(&lx, &ev->pkt, err);
    }
    if (c == '`') {
        ev->kind = TK_PKT_EV_COMMAND;
        return parse_delimited(&lx, "`", "`", &ev->text, err);
    }
    if (c == '%') {
        ev->kind = TK_PKT_EV_CODE;
        return parse_delimited(&lx, "%{", "}%", &ev->text, err);
    }
    ev->kind = TK_PKT_EV_SYSCALL;
    return tk_pkt_parse_syscall(&lx, &ev->sys, err);
}

static void event_free(tk_pkt_event *ev) {
    for (size_t i = 0; i < ev->sys.nargs; i++)
        tk_pkt_expr_free(&ev->sys.args[i]);
    free(ev->text);
}

static int push_event(tk_pkt_script *s, tk_pkt_event *ev) {
    if (s->nevents == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        tk_pkt_event *v = realloc(s->events, cap * sizeof *v);
        if (!v)
            return -ENOMEM;
        s->events = v;
        s->cap = cap;
    }
    s->events[s->nevents++] = *ev;
    return 0;
}

static int parse_lines(const tk_pkt_lines *lines, tk_pkt_script *out, tk_pkt_error *err) {
    for (size_t i = 0; i < lines->n; i++) {
        const char *t = lines->v[i].text;
        while (*t == ' ' || *t == '\t')
            t++;
        err->line = lines->v[i].line;
        int rc;
        if (!strncmp(t, "--", 2)) {
            if (out->nevents > 0)
                return fail(err, "header lines must come before the first event");
            rc = tk_pkt_parse_header(t, &out->hdr, err);
        } else {
            tk_pkt_event ev;
            memset(&ev, 0, sizeof ev);
            ev.line = lines->v[i].line;
            rc = parse_event(t, &ev, err);
            if (!rc)
                rc = push_event(out, &ev);
            if (rc)
                event_free(&ev);
        }
        if (rc)
            return rc;
    }
    err->line = 0;
    return 0;
}

int tk_pkt_parse(const char *text, size_t len, const char *const *defines, size_t ndefines,
                 tk_pkt_script *out, tk_pkt_error *err) {
    memset(out, 0, sizeof *out);
    memset(err, 0, sizeof *err);
    out->hdr.ip_version = 4;
    out->hdr.ts_tick_usecs = -1;
    out->hdr.tolerance_usecs = DEFAULT_TOLERANCE_USECS;
    tk_pkt_lines lines;
    const char *msg = NULL;
    int rc = tk_pkt_preprocess(text, len, defines, ndefines, &lines, &err->line, &msg);
    if (rc == -EINVAL)
        return fail(err, msg);
    if (rc)
        return rc;
    rc = parse_lines(&lines, out, err);
    tk_pkt_lines_free(&lines);
    if (rc)
        tk_pkt_script_free(out);
    return rc;
}

int tk_pkt_parse_file(const char *path, const char *const *defines, size_t ndefines,
                      tk_pkt_script *out, tk_pkt_error *err) {
    memset(out, 0, sizeof *out);
    memset(err, 0, sizeof *err);
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        snprintf(err->msg, sizeof err->msg, "cannot open: %s", strerror(e));
        return -e;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0, n;
    char chunk[4096];
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + n + 1 > cap) {
            cap = (len + n + 1) * 2;
            char *b = realloc(buf, cap);
            if (!b) {
                free(buf);
                fclose(f);
                return -ENOMEM;
            }
            buf = b;
        }
        memcpy(buf + len, chunk, n);
        len += n;
    }
    fclose(f);
    int rc = tk_pkt_parse(buf ? buf : "", len, defines, ndefines, out, err);
    free(buf);
    return rc;
}

void tk_pkt_script_free(tk_pkt_script *s) {
    for (size_t i = 0; i < s->nevents; i++)
        event_free(&s->events[i]);
    free(s->events);
    memset(s, 0, sizeof *s);
}
