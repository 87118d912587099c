/* Comments, conditionals and multi-line joins (see pkt_pre.h). */
#include "pkt_pre.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MAX_IF_DEPTH 16

typedef struct strbuf {
    char *s;
    size_t n, cap;
} strbuf;

static int sb_putc(strbuf *b, char c) {
    if (b->n + 2 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        char *s = realloc(b->s, cap);
        if (!s)
            return -ENOMEM;
        b->s = s;
        b->cap = cap;
    }
    b->s[b->n++] = c;
    b->s[b->n] = '\0';
    return 0;
}

/* Replaces // and block comments by blanks, keeping newlines, and leaving the
 * inside of `commands`, %{ code }% and "strings" alone. */
static int strip_comments(const char *t, size_t len, strbuf *out, int *err_line) {
    bool tick = false, code = false, str = false;
    int line = 1, start = 1;
    for (size_t i = 0; i < len; i++) {
        char c = t[i], d = i + 1 < len ? t[i + 1] : '\0';
        if (c == '\n')
            line++;
        if (!tick && !code && !str && c == '/' && d == '/') {
            while (i < len && t[i] != '\n')
                i++;
            if (i < len && sb_putc(out, '\n'))
                return -ENOMEM;
            if (i < len)
                line++;
            continue;
        }
        if (!tick && !code && !str && c == '/' && d == '*') {
            start = line;
            for (i += 2; i < len && !(t[i] == '*' && i + 1 < len && t[i + 1] == '/'); i++) {
                if (t[i] == '\n') {
                    line++;
                    if (sb_putc(out, '\n'))
                        return -ENOMEM;
                }
            }
            if (i >= len) {
                *err_line = start;
                return -EINVAL;
            }
            i++;
            if (sb_putc(out, ' '))
                return -ENOMEM;
            continue;
        }
        if (!code && !str && c == '`')
            tick = !tick;
        else if (!tick && !str && !code && c == '%' && d == '{')
            code = true;
        else if (code && c == '}' && d == '%')
            code = false;
        else if (!tick && !code && c == '"')
            str = !str;
        if (sb_putc(out, c))
            return -ENOMEM;
    }
    return 0;
}

static bool is_blank(const char *s) {
    while (*s && isspace((unsigned char)*s))
        s++;
    return *s == '\0';
}

static size_t count_char(const char *s, char c) {
    size_t n = 0;
    for (; *s; s++)
        n += *s == c;
    return n;
}

/* True while a logical line still needs the next physical line. */
static bool is_open(const char *s) {
    if (count_char(s, '`') % 2)
        return true;
    const char *code = strstr(s, "%{");
    return code && !strstr(code, "}%");
}

static int push_line(tk_pkt_lines *out, int line, const char *text) {
    if (out->n == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 64;
        tk_pkt_line *v = realloc(out->v, cap * sizeof *v);
        if (!v)
            return -ENOMEM;
        out->v = v;
        out->cap = cap;
    }
    char *copy = strdup(text);
    if (!copy)
        return -ENOMEM;
    out->v[out->n].line = line;
    out->v[out->n].text = copy;
    out->n++;
    return 0;
}

typedef struct cond_state {
    bool active[MAX_IF_DEPTH + 1]; /* active[0]: top level */
    bool taken[MAX_IF_DEPTH + 1];
    int depth;
} cond_state;

static bool is_defined(const char *name, const char *const *defs, size_t ndefs) {
    for (size_t i = 0; i < ndefs; i++)
        if (!strcmp(defs[i], name))
            return true;
    return false;
}

/* Handles a # line; returns 0, or -EINVAL with *msg. */
static int directive(cond_state *cs, const char *s, const char *const *defs, size_t ndefs,
                     const char **msg) {
    char word[16] = "", name[64] = "";
    while (isspace((unsigned char)*s))
        s++;
    s++; /* '#' */
    size_t n = 0;
    while (isalpha((unsigned char)*s) && n + 1 < sizeof word)
        word[n++] = *s++;
    word[n] = '\0';
    while (isspace((unsigned char)*s))
        s++;
    for (n = 0; (isalnum((unsigned char)*s) || *s == '_') && n + 1 < sizeof name;)
        name[n++] = *s++;
    name[n] = '\0';
    if (!strcmp(word, "ifdef") || !strcmp(word, "ifndef")) {
        if (cs->depth == MAX_IF_DEPTH || !name[0]) {
            *msg = cs->depth == MAX_IF_DEPTH ? "#if nested too deep" : "#ifdef without a name";
            return -EINVAL;
        }
        bool cond = is_defined(name, defs, ndefs) == (word[2] == 'd');
        cs->depth++;
        cs->active[cs->depth] = cs->active[cs->depth - 1] && cond;
        cs->taken[cs->depth] = cond;
        return 0;
    }
    if (!strcmp(word, "else") || !strcmp(word, "endif")) {
        if (cs->depth == 0) {
            *msg = word[1] == 'l' ? "#else without #ifdef" : "#endif without #ifdef";
            return -EINVAL;
        }
        if (word[1] == 'l')
            cs->active[cs->depth] = cs->active[cs->depth - 1] && !cs->taken[cs->depth];
        else
            cs->depth--;
        return 0;
    }
    *msg = "unknown # directive";
    return -EINVAL;
}

static int split_lines(const char *t, const char *const *defs, size_t ndefs, tk_pkt_lines *out,
                       int *err_line, const char **err_msg) {
    cond_state cs = {.active = {true}, .depth = 0};
    strbuf acc = {0};
    int line = 0, acc_line = 0, rc = 0;
    const char *p = t;
    while (*p && rc == 0) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        line++;
        char *phys = strndup(p, n);
        if (!phys)
            return -ENOMEM;
        p = nl ? nl + 1 : p + n;
        const char *s = phys;
        while (isspace((unsigned char)*s))
            s++;
        if (acc.n == 0 && *s == '#') {
            rc = directive(&cs, s, defs, ndefs, err_msg);
            if (rc)
                *err_line = line;
        } else if (cs.active[cs.depth] && (acc.n > 0 || !is_blank(phys))) {
            if (acc.n == 0)
                acc_line = line;
            else
                rc = sb_putc(&acc, '\n');
            for (const char *c = phys; *c && !rc; c++)
                rc = sb_putc(&acc, *c);
            if (!rc && !is_open(acc.s)) {
                rc = push_line(out, acc_line, acc.s);
                acc.n = 0;
            }
        }
        free(phys);
    }
    if (rc == 0 && acc.n > 0) {
        *err_line = acc_line;
        *err_msg = "unterminated ` command or %{ code block";
        rc = -EINVAL;
    } else if (rc == 0 && cs.depth > 0) {
        *err_line = line;
        *err_msg = "#ifdef without #endif";
        rc = -EINVAL;
    }
    free(acc.s);
    return rc;
}

int tk_pkt_preprocess(const char *text, size_t len, const char *const *defines, size_t ndefines,
                      tk_pkt_lines *out, int *err_line, const char **err_msg) {
    strbuf clean = {0};
    memset(out, 0, sizeof *out);
    int rc = strip_comments(text, len, &clean, err_line);
    if (rc == -EINVAL)
        *err_msg = "unterminated /* comment";
    if (rc == 0 && clean.s)
        rc = split_lines(clean.s, defines, ndefines, out, err_line, err_msg);
    free(clean.s);
    if (rc)
        tk_pkt_lines_free(out);
    return rc;
}

void tk_pkt_lines_free(tk_pkt_lines *lines) {
    for (size_t i = 0; i < lines->n; i++)
        free(lines->v[i].text);
    free(lines->v);
    memset(lines, 0, sizeof *lines);
}
