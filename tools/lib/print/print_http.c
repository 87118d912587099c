/* HTTP on ports 80 and 8080, as tcpdump's text-protocol printer shows it
 * without -v: ": HTTP" and, when the segment starts with a request or a
 * status line, ": HTTP: <first line>" (" [|http]" when that line has no end
 * in the segment). */
#include <string.h>

#include "print_int.h"

#define HTTP_MAX_TOKEN 128

static const char *const http_methods[] = {
    "GET",
    "PUT",
    "COPY",
    "HEAD",
    "LOCK",
    "MOVE",
    "POLL",
    "POST",
    "BCOPY",
    "BMOVE",
    "MKCOL",
    "TRACE",
    "LABEL",
    "MERGE",
    "DELETE",
    "SEARCH",
    "UNLOCK",
    "REPORT",
    "UPDATE",
    "NOTIFY",
    "BDELETE",
    "CONNECT",
    "OPTIONS",
    "CHECKIN",
    "PROPFIND",
    "CHECKOUT",
    "CCM_POST",
    "SUBSCRIBE",
    "PROPPATCH",
    "BPROPFIND",
    "BPROPPATCH",
    "UNCHECKOUT",
    "MKACTIVITY",
    "MKWORKSPACE",
    "UNSUBSCRIBE",
    "RPC_CONNECT",
    "VERSION-CONTROL",
    "BASELINE-CONTROL",
};

/* C-locale character classes, without <ctype.h> locale effects. */
static bool is_space(uint8_t c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
}
static bool is_print(uint8_t c) {
    return c >= 0x20 && c < 0x7f;
}
static bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

static char upper(char c) {
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static bool same_nocase(const char *a, const char *b) {
    for (; *a && *b; a++, b++)
        if (upper(*a) != upper(*b))
            return false;
    return *a == *b;
}

/* One token at idx: printable ASCII up to white space. Returns the index
 * after the blanks that follow it, or 0 when there is no valid token (also
 * when the token runs past the captured bytes). */
static size_t fetch_token(const uint8_t *d, size_t cap, size_t n, size_t idx, char *tok) {
    size_t k = 0;
    for (; idx < n; idx++) {
        if (idx >= cap || d[idx] >= 0x80)
            return 0;
        if (is_space(d[idx]))
            break;
        if (!is_print(d[idx]) || k + 2 > HTTP_MAX_TOKEN + 1)
            return 0;
        tok[k++] = (char)d[idx];
    }
    if (k == 0)
        return 0;
    tok[k] = '\0';
    for (; idx < n && idx < cap; idx++) {
        uint8_t c = d[idx];
        if (c == '\r' || c == '\n' || !is_print(c) || !is_space(c))
            break;
    }
    return idx;
}

static bool is_request_or_status(const uint8_t *d, size_t cap, size_t n) {
    char tok[HTTP_MAX_TOKEN + 1];
    bool yes = false;
    size_t idx = fetch_token(d, cap, n, 0, tok);
    if (idx == 0)
        return false;
    for (size_t i = 0; i < sizeof http_methods / sizeof http_methods[0]; i++)
        if (same_nocase(tok, http_methods[i]))
            yes = true;
    /* A status line has the 3-digit code as its second token. */
    idx = fetch_token(d, cap, n, idx, tok);
    if (idx != 0 && is_digit(tok[0]) && is_digit(tok[1]) && is_digit(tok[2]) && tok[3] == '\0')
        yes = true;
    return yes;
}

/* The first line, when it is printable text. A line that reaches the end
 * of the captured bytes before its end of line is only marked " [|http]". */
static void print_first_line(tk_pbuf *b, const uint8_t *d, size_t cap, size_t n) {
    char line[TK_PRINT_LINE_MAX];
    size_t i = 0;
    for (; i < n; i++) {
        if (i >= cap) {
            tk_pr_trunc(b, "http");
            return;
        }
        uint8_t c = d[i];
        if (c == '\r' && i + 1 < n && i + 1 >= cap) {
            tk_pr_trunc(b, "http");
            return;
        }
        if (c == '\n' || (c == '\r' && i + 1 < n && d[i + 1] == '\n'))
            break;
        if (c == '\r' || (!is_print(c) && c != '\t'))
            return; /* binary data, or CR alone: tcpdump prints nothing */
    }
    size_t k = i < sizeof line - 1 ? i : sizeof line - 1;
    memcpy(line, d, k);
    line[k] = '\0';
    tk_pr_puts(b, ": ");
    tk_pr_puts(b, line);
    if (i == n)
        tk_pr_trunc(b, "http");
}

void tk_pr_http(tk_pbuf *b, const uint8_t *data, size_t cap, uint32_t len) {
    tk_pr_puts(b, ": HTTP");
    if (is_request_or_status(data, cap, len))
        print_first_line(b, data, cap, len);
}
