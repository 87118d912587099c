/* Scanners over one logical script line (see pkt_lex.h). */
#include "pkt_lex.h"

#include <ctype.h>
#include <string.h>

void tk_pkt_lex_init(tk_pkt_lex *lx, const char *text) {
    lx->p = text;
    lx->end = text + strlen(text);
}

void tk_pkt_lex_ws(tk_pkt_lex *lx) {
    while (lx->p < lx->end && isspace((unsigned char)*lx->p))
        lx->p++;
}

bool tk_pkt_lex_eof(tk_pkt_lex *lx) {
    tk_pkt_lex_ws(lx);
    return lx->p >= lx->end;
}

char tk_pkt_lex_peek(tk_pkt_lex *lx) {
    tk_pkt_lex_ws(lx);
    return lx->p < lx->end ? *lx->p : '\0';
}

bool tk_pkt_lex_lit(tk_pkt_lex *lx, const char *lit) {
    tk_pkt_lex_ws(lx);
    size_t n = strlen(lit);
    if ((size_t)(lx->end - lx->p) < n || memcmp(lx->p, lit, n) != 0)
        return false;
    lx->p += n;
    return true;
}

static bool is_ident_char(char c) {
    return isalnum((unsigned char)c) || c == '_';
}

bool tk_pkt_lex_word(tk_pkt_lex *lx, const char *word) {
    const char *save = lx->p;
    if (!tk_pkt_lex_lit(lx, word))
        return false;
    if (lx->p < lx->end && is_ident_char(*lx->p)) {
        lx->p = save;
        return false;
    }
    return true;
}

bool tk_pkt_lex_ident(tk_pkt_lex *lx, char *buf, size_t cap) {
    tk_pkt_lex_ws(lx);
    if (lx->p >= lx->end || !(isalpha((unsigned char)*lx->p) || *lx->p == '_'))
        return false;
    size_t n = 0;
    while (lx->p < lx->end && is_ident_char(*lx->p)) {
        if (n + 1 < cap)
            buf[n++] = *lx->p;
        lx->p++;
    }
    if (cap)
        buf[n] = '\0';
    return true;
}

int tk_pkt_hex_digit(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A digit's value, or 99 (above every base) for anything else. */
static int digit_value(char c) {
    int d = tk_pkt_hex_digit(c);
    return d < 0 ? 99 : d;
}

bool tk_pkt_lex_int(tk_pkt_lex *lx, int64_t *out) {
    tk_pkt_lex_ws(lx);
    const char *p = lx->p;
    bool neg = false;
    if (p < lx->end && *p == '-') {
        neg = true;
        p++;
    }
    int base = 10;
    if (lx->end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && digit_value(p[2]) < 16) {
        base = 16;
        p += 2;
    }
    if (p >= lx->end || digit_value(*p) >= base)
        return false;
    uint64_t v = 0;
    while (p < lx->end && digit_value(*p) < base) {
        v = v * (uint64_t)base + (uint64_t)digit_value(*p);
        if (v > (uint64_t)INT64_MAX)
            return false;
        p++;
    }
    if (p < lx->end && (is_ident_char(*p) || *p == '.'))
        return false;
    lx->p = p;
    *out = neg ? -(int64_t)v : (int64_t)v;
    return true;
}

bool tk_pkt_lex_u32(tk_pkt_lex *lx, uint32_t *out) {
    const char *save = lx->p;
    int64_t v;
    if (!tk_pkt_lex_int(lx, &v) || v < 0 || v > (int64_t)UINT32_MAX) {
        lx->p = save;
        return false;
    }
    *out = (uint32_t)v;
    return true;
}

bool tk_pkt_lex_seconds(tk_pkt_lex *lx, int64_t *usecs) {
    tk_pkt_lex_ws(lx);
    const char *p = lx->p;
    int64_t whole = 0, frac = 0, scale = 1000000;
    bool any = false;
    while (p < lx->end && isdigit((unsigned char)*p)) {
        whole = whole * 10 + (*p++ - '0');
        if (whole > 1000000000)
            return false;
        any = true;
    }
    /* A '.' starts a fraction only when a digit follows ("0...0.1" is a window). */
    if (p + 1 < lx->end && p[0] == '.' && isdigit((unsigned char)p[1])) {
        p++;
        while (p < lx->end && isdigit((unsigned char)*p)) {
            if (scale > 1) {
                scale /= 10;
                frac += (*p - '0') * scale;
            }
            p++;
        }
        any = true;
    }
    if (!any)
        return false;
    lx->p = p;
    *usecs = whole * 1000000 + frac;
    return true;
}
