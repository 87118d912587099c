/* Hex dump text -> packets. See hexdump.h for the formats.
 *
 * Each packet is read in two passes over its lines: the first learns the
 * layout (line width from consecutive offsets, the usual gap after the
 * offset, whether full lines split 8+8 with a double space), the second
 * places the bytes. Knowing the next line's offset tells how many bytes a
 * line may hold, so text after the hex area (an ASCII column that happens to
 * look like hex, a label) is never read as bytes. */
#include "hexdump.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define HEAD_PEEK  128u /* enough text to classify a line's start */
#define NO_OFFSET  ((size_t)-1)
#define MAX_TOKENS 1024u /* groups of hex digits on one line */

typedef struct tok {
    size_t at;  /* index in the line */
    size_t len; /* characters */
    size_t gap; /* spaces before it */
} tok;

enum line_kind { LINE_BLANK, LINE_COMMENT, LINE_DATA };

typedef struct line_head {
    enum line_kind kind;
    size_t off;   /* NO_OFFSET when the line has none */
    size_t body;  /* index where the bytes (or the text after the offset) start */
    size_t gap;   /* spaces between the offset and the first byte token */
    bool has_tok; /* something follows the offset */
} line_head;

/* What the first pass learns about one packet. */
typedef struct layout {
    size_t end_pos; /* text position just after the packet */
    unsigned end_line;
    size_t width;      /* bytes per full line (16 unless offsets say more) */
    size_t normal_gap; /* smallest gap after an offset */
    bool mid_gap;      /* full lines are split 8+8 by two spaces */
} layout;

static bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static unsigned hex_val(char c) {
    if (c >= '0' && c <= '9')
        return (unsigned)(c - '0');
    if (c >= 'a' && c <= 'f')
        return (unsigned)(c - 'a' + 10);
    return (unsigned)(c - 'A' + 10);
}

static bool all_hex(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!is_hex(s[i]))
            return false;
    return n > 0;
}

static void fail(tk_hex_error *err, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(tk_hex_error *err, unsigned line, const char *fmt, ...) {
    va_list ap;
    err->line = line;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
}

/* Copies the line at `pos` into dst with tabs and no-break spaces (U+00A0,
 * common in dumps pasted from web pages) turned into plain spaces and CR
 * dropped. Returns its length; *next is where the following line starts. */
static size_t load_line(const tk_hex_reader *r, size_t pos, char *dst, size_t cap, size_t *next,
                        bool *too_long) {
    size_t n = 0;
    *too_long = false;
    while (pos < r->len && r->text[pos] != '\n') {
        unsigned char c = (unsigned char)r->text[pos];
        char out = (char)c;
        if (c == 0xc2 && pos + 1 < r->len && (unsigned char)r->text[pos + 1] == 0xa0) {
            out = ' ';
            pos++;
        } else if (c == '\t') {
            out = ' ';
        }
        pos++;
        if (c == '\r')
            continue;
        if (n + 1 < cap)
            dst[n++] = out;
        else
            *too_long = true;
    }
    dst[n] = '\0';
    *next = pos < r->len ? pos + 1 : pos;
    return n;
}

/* The token at or after *i; false at the end of the line. */
static bool next_tok(const char *s, size_t n, size_t *i, tok *t) {
    size_t gap = 0;
    while (*i < n && s[*i] == ' ') {
        (*i)++;
        gap++;
    }
    if (*i >= n)
        return false;
    t->at = *i;
    t->gap = gap;
    while (*i < n && s[*i] != ' ')
        (*i)++;
    t->len = *i - t->at;
    return true;
}

/* An offset: "0x1a0", "01a0:", or 4 to 8 hex digits. A bare run of digits
 * followed by one space and a token of the same length is a group of bytes
 * instead (offset-less "4500 003c ..."). */
static bool parse_offset(const char *s, const tok *t, const tok *after, size_t *off) {
    size_t b = t->at, e = t->at + t->len;
    bool marked = false;
    if (e > b && s[e - 1] == ':') {
        e--;
        marked = true;
    }
    if (e - b > 2 && s[b] == '0' && (s[b + 1] == 'x' || s[b + 1] == 'X')) {
        b += 2;
        marked = true;
    }
    size_t digits = e - b;
    if (!all_hex(s + b, digits) || digits > 8)
        return false;
    if (!marked) {
        if (digits < 4)
            return false;
        if (after && after->gap == 1 && after->len == t->len && digits % 2 == 0)
            return false;
    }
    size_t v = 0;
    for (size_t i = b; i < e; i++)
        v = v * 16 + hex_val(s[i]);
    *off = v;
    return true;
}

static bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

/* "12:00:00.000001" or "2026-11-21": tcpdump's line before each frame's dump. */
static bool is_time_or_date(const char *s, const tok *t) {
    if (t->len < 8 || !is_digit(s[t->at]) || !is_digit(s[t->at + 1]))
        return false;
    char sep = s[t->at + 2] == ':' ? ':' : s[t->at + 4] == '-' ? '-' : 0;
    if (!sep)
        return false;
    for (size_t i = t->at; i < t->at + 8; i++)
        if (!is_digit(s[i]) && s[i] != sep)
            return false;
    return true;
}

static line_head classify(const char *s, size_t n) {
    line_head h = {LINE_BLANK, NO_OFFSET, 0, 0, false};
    size_t i = 0;
    tok first, second;
    if (!next_tok(s, n, &i, &first) || is_time_or_date(s, &first))
        return h; /* a tcpdump frame line separates packets like a blank line */
    h.kind = s[first.at] == '#' ? LINE_COMMENT : LINE_DATA;
    if (h.kind == LINE_COMMENT)
        return h;
    bool more = next_tok(s, n, &i, &second);
    if (parse_offset(s, &first, more ? &second : NULL, &h.off)) {
        h.body = first.at + first.len;
        h.gap = more ? second.gap : 0;
        h.has_tok = more;
    } else {
        h.body = first.at;
        h.has_tok = true;
    }
    return h;
}

static line_head peek_head(const tk_hex_reader *r, size_t pos, size_t *next) {
    char tmp[HEAD_PEEK];
    bool too_long;
    size_t n = load_line(r, pos, tmp, sizeof tmp, next, &too_long);
    return classify(tmp, n);
}

/* A full line split as 8 bytes, two spaces, 8 bytes (hexdump -C). */
static bool has_mid_gap(const char *s, size_t n, const line_head *h) {
    size_t i = h->body, count = 0;
    tok t;
    while (next_tok(s, n, &i, &t) && t.len == 2 && all_hex(s + t.at, 2)) {
        if (count > 0 && t.gap != (count == 8 ? 2u : 1u))
            break;
        count++;
    }
    return count == 16;
}

static bool restarts(const line_head *h, size_t prev_off) {
    return h->off != NO_OFFSET && prev_off != NO_OFFSET && h->off <= prev_off;
}

/* Dumps pasted from web pages often have a blank line after every line. A
 * blank line still ends the packet unless the next line's offset is exactly
 * one line width past the previous one. */
static bool continues_after_blank(const tk_hex_reader *r, size_t pos, size_t prev_off,
                                  size_t width) {
    if (prev_off == NO_OFFSET)
        return false;
    while (pos < r->len) {
        size_t next;
        line_head h = peek_head(r, pos, &next);
        if (h.kind == LINE_DATA)
            return h.off != NO_OFFSET && h.off == prev_off + (width ? width : 16);
        if (h.kind == LINE_COMMENT)
            return false;
        pos = next;
    }
    return false;
}

/* First pass: the extent and layout of the packet starting at r->pos. */
static layout scan_packet(tk_hex_reader *r) {
    layout l = {r->pos, r->line, 0, (size_t)-1, false};
    size_t pos = r->pos, prev_off = NO_OFFSET;
    unsigned line = r->line;
    bool first = true;
    while (pos < r->len) {
        size_t next;
        bool too_long;
        size_t n = load_line(r, pos, r->buf, sizeof r->buf, &next, &too_long);
        line_head h = classify(r->buf, n);
        if (h.kind == LINE_BLANK && !continues_after_blank(r, next, prev_off, l.width))
            break;
        if (!first && restarts(&h, prev_off))
            break;
        first = false;
        if (h.off != NO_OFFSET) {
            if (prev_off != NO_OFFSET && h.off - prev_off > l.width)
                l.width = h.off - prev_off;
            if (h.has_tok && h.gap < l.normal_gap)
                l.normal_gap = h.gap;
            prev_off = h.off;
            l.mid_gap = l.mid_gap || has_mid_gap(r->buf, n, &h);
        }
        pos = next;
        line++;
    }
    if (l.width == 0 || l.width > 256)
        l.width = 16;
    if (l.normal_gap > 3) /* no line shows the usual gap; Wireshark uses 3 */
        l.normal_gap = 3;
    l.end_pos = pos;
    l.end_line = line;
    return l;
}

/* The offset of the next line that has one, within the packet. */
static size_t next_offset(const tk_hex_reader *r, size_t pos, size_t end) {
    while (pos < end) {
        size_t next;
        line_head h = peek_head(r, pos, &next);
        if (h.kind == LINE_DATA)
            return h.off;
        pos = next;
    }
    return NO_OFFSET;
}

typedef struct hex_area {
    tok toks[MAX_TOKENS];
    size_t ntok;
    size_t bytes;
    size_t span; /* columns from the first byte token to the end of the last */
} hex_area;

/* Whether the two spaces before s[i] are the 8+8 split of a short line
 * (hexdump -C, older Wireshark) rather than the start of the ASCII column:
 * 1..8 more byte tokens follow, then a '|' column or an ASCII column exactly
 * as long as the line's bytes. */
static bool split_ahead(const char *s, size_t n, size_t i) {
    size_t k = 0, j = i, rest = n;
    tok t;
    while (next_tok(s, n, &j, &t)) {
        if ((k > 0 && t.gap != 1) || t.len != 2 || !all_hex(s + t.at, 2)) {
            rest = t.at;
            break;
        }
        k++;
    }
    if (k == 0 || k > 8)
        return false;
    size_t to = n;
    while (to > rest && s[to - 1] == ' ')
        to--;
    return rest < to && (s[rest] == '|' || to - rest == 8 + k);
}

/* Finds the byte tokens of a line: they run from the body up to a gap of
 * two or more spaces (the ASCII column or a label), except the 8+8 split. */
static int read_area(const char *s, size_t n, const line_head *h, const layout *l,
                     size_t skip_guess, hex_area *a, unsigned line, tk_hex_error *err) {
    size_t i = h->body;
    tok t;
    a->ntok = 0;
    a->bytes = 0;
    while (next_tok(s, n, &i, &t)) {
        if (a->ntok > 0 && t.gap >= 2) {
            bool split =
                t.gap == 2 && skip_guess + a->bytes == 8 && (l->mid_gap || split_ahead(s, n, t.at));
            if (!split)
                break;
        }
        if (s[t.at] == '*' && t.len == 1) {
            fail(err, line, "od '*' line: repeated lines were left out (use od -v)");
            return -EINVAL;
        }
        if (!all_hex(s + t.at, t.len)) {
            if (h->off == NO_OFFSET && a->ntok == 0)
                fail(err, line, "not a hex dump line: '%.*s'", (int)(t.len > 24 ? 24 : t.len),
                     s + t.at);
            else
                fail(err, line, "'%.*s' is not hex", (int)(t.len > 24 ? 24 : t.len), s + t.at);
            return -EINVAL;
        }
        if (t.len % 2) {
            fail(err, line, "odd number of hex digits in '%.*s'", (int)(t.len > 24 ? 24 : t.len),
                 s + t.at);
            return -EINVAL;
        }
        if (a->ntok == MAX_TOKENS) {
            fail(err, line, "more than %u groups of hex digits on one line", MAX_TOKENS);
            return -EINVAL;
        }
        a->toks[a->ntok++] = t;
        a->bytes += t.len / 2;
    }
    if (a->ntok > 0) {
        const tok *f = &a->toks[0], *z = &a->toks[a->ntok - 1];
        a->span = z->at + z->len - f->at;
    }
    return 0;
}

/* Bytes missing at the start of a line, from how far its first byte token is
 * pushed right of the usual column; one byte takes span/bytes columns. */
static size_t column_skip(const line_head *h, const layout *l, const hex_area *a) {
    if (h->off == NO_OFFSET || a->bytes == 0 || h->gap < l->normal_gap + 2)
        return 0;
    size_t extra = h->gap - l->normal_gap, cols = a->span + 1;
    return (extra * a->bytes * 2 + cols) / (2 * cols);
}

static void put_byte(tk_hex_packet *pkt, size_t off, uint8_t v) {
    pkt->data[off] = v;
    pkt->known[off / 8] = (uint8_t)(pkt->known[off / 8] | (1u << (off % 8)));
    if (pkt->hi == 0 || off < pkt->lo)
        pkt->lo = off;
    if (off + 1 > pkt->hi)
        pkt->hi = off + 1;
}

static int place(tk_hex_packet *pkt, const char *s, const hex_area *a, size_t start, unsigned line,
                 tk_hex_error *err) {
    if (start + a->bytes > TK_HEX_MAX_FRAME) {
        fail(err, line, "bytes beyond offset 0x%x, more than a frame can hold", TK_HEX_MAX_FRAME);
        return -EINVAL;
    }
    size_t off = start;
    for (size_t k = 0; k < a->ntok; k++)
        for (size_t j = 0; j < a->toks[k].len; j += 2) {
            const char *p = s + a->toks[k].at + j;
            if (tk_hex_known(pkt, off)) {
                fail(err, line, "byte 0x%04zx is given twice", off);
                return -EINVAL;
            }
            put_byte(pkt, off++, (uint8_t)(hex_val(p[0]) * 16 + hex_val(p[1])));
        }
    return 0;
}

/* Second pass, one line: where its bytes go, then put them there. */
static int decode_line(tk_hex_reader *r, size_t n, const line_head *h, const layout *l,
                       size_t next_off, size_t *cursor, tk_hex_packet *pkt, tk_hex_error *err) {
    hex_area area, *a = &area;
    size_t guess = 0;
    if (h->off != NO_OFFSET && h->gap >= l->normal_gap + 2)
        guess = (h->gap - l->normal_gap + 1) / 3;
    int rc = read_area(r->buf, n, h, l, guess, a, r->line, err);
    if (rc < 0)
        return rc;
    if (h->off == NO_OFFSET) {
        rc = place(pkt, r->buf, a, *cursor, r->line, err);
        *cursor += a->bytes;
        return rc;
    }
    if (h->off >= TK_HEX_MAX_FRAME) {
        fail(err, r->line, "offset 0x%zx is beyond what a frame can hold", h->off);
        return -EINVAL;
    }
    size_t room = next_off != NO_OFFSET ? next_off - h->off : l->width;
    size_t skip = column_skip(h, l, a);
    if (skip > 0 && next_off != NO_OFFSET && a->bytes < room)
        skip = room - a->bytes; /* a partial first line ends where the next begins */
    if (skip + a->bytes > room) {
        if (next_off != NO_OFFSET)
            fail(err, r->line + 1,
                 "offset 0x%04zx overlaps the line before (%zu bytes from 0x%04zx)", next_off,
                 skip + a->bytes, h->off);
        else
            fail(err, r->line, "%zu bytes on one line, more than the %zu a line holds",
                 skip + a->bytes, l->width);
        return -EINVAL;
    }
    rc = place(pkt, r->buf, a, h->off + skip, r->line, err);
    *cursor = h->off + skip + a->bytes;
    return rc;
}

static void reset_packet(tk_hex_packet *pkt) {
    pkt->lo = pkt->hi = 0;
    pkt->had_offsets = false;
    memset(pkt->known, 0, sizeof pkt->known);
}

static void skip_blank(tk_hex_reader *r) {
    while (r->pos < r->len) {
        size_t next;
        line_head h = peek_head(r, r->pos, &next);
        if (h.kind == LINE_DATA)
            return;
        r->pos = next;
        r->line++;
    }
}

/* Second pass over the packet's lines. */
static int read_packet(tk_hex_reader *r, const layout *l, tk_hex_packet *pkt, tk_hex_error *err) {
    size_t cursor = 0;
    while (r->pos < l->end_pos) {
        size_t next;
        bool too_long;
        size_t n = load_line(r, r->pos, r->buf, sizeof r->buf, &next, &too_long);
        line_head h = classify(r->buf, n);
        if (too_long) {
            fail(err, r->line, "line longer than %u characters", TK_HEX_MAX_LINE - 1);
            return -EINVAL;
        }
        if (h.kind == LINE_DATA) {
            pkt->had_offsets = pkt->had_offsets || h.off != NO_OFFSET;
            size_t next_off = next_offset(r, next, l->end_pos);
            int rc = decode_line(r, n, &h, l, next_off, &cursor, pkt, err);
            if (rc < 0)
                return rc;
            pkt->last_line = r->line;
        }
        r->pos = next;
        r->line++;
    }
    return 0;
}

void tk_hex_reader_init(tk_hex_reader *r, const char *text, size_t len) {
    r->text = text;
    r->len = len;
    r->pos = 0;
    r->line = 1;
    r->packets = 0;
    r->buf[0] = '\0';
}

int tk_hex_next(tk_hex_reader *r, tk_hex_packet *pkt, tk_hex_error *err) {
    for (;;) {
        skip_blank(r);
        if (r->pos >= r->len)
            return 0;
        layout l = scan_packet(r);
        reset_packet(pkt);
        pkt->index = ++r->packets;
        pkt->first_line = pkt->last_line = r->line;
        int rc = read_packet(r, &l, pkt, err);
        if (rc < 0) {
            r->pos = l.end_pos;
            r->line = l.end_line;
            return rc;
        }
        if (pkt->hi > 0)
            return 1;
        r->packets--; /* only offsets or comments: not a packet */
    }
}

bool tk_hex_known(const tk_hex_packet *pkt, size_t off) {
    return off < TK_HEX_MAX_FRAME && (((unsigned)pkt->known[off / 8] >> (unsigned)(off % 8)) & 1u);
}

bool tk_hex_known_range(const tk_hex_packet *pkt, size_t from, size_t to) {
    for (size_t i = from; i < to; i++)
        if (!tk_hex_known(pkt, i))
            return false;
    return from < to;
}
