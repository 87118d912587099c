/* TCP-MD5 keys for the script runner, in the form the FreeBSD suite writes
 * them (setkey(8) security associations):
 *
 *   kldstat -q -m tcpmd5 || kldload tcpmd5; echo 'add A B tcp SPI -A tcp-md5
 *       "KEY" ; add B A tcp SPI -A tcp-md5 "KEY" ;' | setkey -c
 *   setkey -F
 *
 * A and B are packetdrill's addresses (192.168.0.1 for the stack under test,
 * 192.0.2.1 for the script's peer) or the runner's own (198.18.0.1,
 * 198.18.0.2); in an IPv6 script packetdrill's fd3d:fa7b:d17d::1 and
 * 2001:db8::1 as the FreeBSD suite writes them, or the runner's own
 * (fd3d:fa7b:d17d:: and fd3d:fa7b:d17d:8888::). Both directions of the pair name one entry of the
 * stack's key store (tk_stack_md5_add), so they must agree on the key. The kldstat and kldload part
 * is accepted as it stands (the support is built in). Anything else fails the script with the
 * reason. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "runner.h"
#include "tcpkit/tcp_md5.h"

#define DELIMS ";'\""

static void skip_space(const char **p) {
    while (isspace((unsigned char)**p))
        (*p)++;
}

/* The next word is w (followed by space, a delimiter or the end). */
static bool word_is(const char **p, const char *w) {
    skip_space(p);
    size_t n = strlen(w);
    char after = (*p)[n];
    if (strncmp(*p, w, n) != 0 ||
        (after && !isspace((unsigned char)after) && !strchr(DELIMS, after)))
        return false;
    *p += n;
    return true;
}

static bool char_is(const char **p, char c) {
    skip_space(p);
    if (**p != c)
        return false;
    (*p)++;
    return true;
}

static bool next_word(const char **p, char *out, size_t cap) {
    skip_space(p);
    size_t n = 0;
    while (**p && !isspace((unsigned char)**p) && !strchr(DELIMS, **p)) {
        if (n + 1 >= cap)
            return false;
        out[n++] = *(*p)++;
    }
    out[n] = '\0';
    return n > 0;
}

/* An IPv6 script: 1 the stack's address, 2 the peer's, 0 another one. */
static int which_addr6(const tk_run *r, const char *text) {
    static const uint8_t pd_local[16] = {0xfd, 0x3d, 0xfa, 0x7b, 0xd1, 0x7d, [15] = 1};
    static const uint8_t pd_remote[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
    uint8_t a[16];
    if (inet_pton(AF_INET6, text, a) != 1)
        return 0;
    if (!memcmp(a, pd_local, 16) || !memcmp(a, r->conn.laddr6, 16))
        return 1;
    if (!memcmp(a, pd_remote, 16) || !memcmp(a, r->conn.raddr6, 16))
        return 2;
    return 0;
}

/* 1: the stack's address, 2: the peer's, 0: another one. */
static int which_addr(const tk_run *r, const char *text) {
    if (r->ip_version == TK_PKT_IPV6)
        return which_addr6(r, text);
    if (!strcmp(text, "192.168.0.1") || !strcmp(text, "198.18.0.1"))
        return 1;
    if (!strcmp(text, "192.0.2.1") || !strcmp(text, "198.18.0.2"))
        return 2;
    return 0;
}

static int hex_digit(char c) {
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* "text" or 0xHEX, 1..80 bytes. Returns the length, or 0. */
static size_t parse_key(const char **p, uint8_t key[TK_TCP_MD5_MAXKEY]) {
    size_t n = 0;
    if (char_is(p, '"')) {
        const char *end = strchr(*p, '"');
        n = end ? (size_t)(end - *p) : 0;
        if (n == 0 || n > TK_TCP_MD5_MAXKEY)
            return 0;
        memcpy(key, *p, n);
        *p = end + 1;
        return n;
    }
    char w[2 * TK_TCP_MD5_MAXKEY + 3];
    if (!next_word(p, w, sizeof w) || strncmp(w, "0x", 2) != 0 || strlen(w) % 2 != 0)
        return 0;
    for (const char *h = w + 2; *h; h += 2) {
        int hi = hex_digit(h[0]), lo = hex_digit(h[1]);
        if (hi < 0 || lo < 0)
            return 0;
        key[n++] = (uint8_t)(hi << 4 | lo);
    }
    return n;
}

/* add A B tcp SPI -A tcp-md5 KEY ; */
static int parse_add(tk_run *r, int line, const char **p, uint8_t *key, size_t *keylen) {
    char a[48], b[48], spi[32];
    if (!next_word(p, a, sizeof a) || !next_word(p, b, sizeof b) || !word_is(p, "tcp") ||
        !next_word(p, spi, sizeof spi) || !word_is(p, "-A") || !word_is(p, "tcp-md5"))
        return tk_run_fail(r, line, "setkey: expected `add A B tcp SPI -A tcp-md5 KEY ;`");
    int wa = which_addr(r, a), wb = which_addr(r, b);
    bool v6 = r->ip_version == TK_PKT_IPV6;
    if (wa == 0 || wb == 0 || wa == wb)
        return tk_run_fail(r, line,
                           "setkey: %s and %s are not the stack's and the peer's addresses "
                           "(%s)",
                           a, b,
                           v6 ? "fd3d:fa7b:d17d::1 and 2001:db8::1" : "192.168.0.1 and 192.0.2.1");
    uint8_t k[TK_TCP_MD5_MAXKEY];
    size_t n = parse_key(p, k);
    if (n == 0 || !char_is(p, ';'))
        return tk_run_fail(r, line,
                           "setkey: expected a key \"TEXT\" or 0xHEX of 1..80 bytes, "
                           "then `;`");
    if (*keylen > 0 && (*keylen != n || memcmp(key, k, n) != 0))
        return tk_run_fail(r, line,
                           "setkey: the two directions have different keys; tcpkit keeps one "
                           "key per address pair");
    memcpy(key, k, n);
    *keylen = n;
    return 0;
}

/* [kldstat -q -m tcpmd5 || kldload tcpmd5;] echo '(add ...)+' | setkey -c */
static int add_keys(tk_run *r, int line, const char *p) {
    if (word_is(&p, "kldstat") &&
        !(word_is(&p, "-q") && word_is(&p, "-m") && word_is(&p, "tcpmd5") && word_is(&p, "||") &&
          word_is(&p, "kldload") && word_is(&p, "tcpmd5") && char_is(&p, ';')))
        return tk_run_fail(r, line, "expected `kldstat -q -m tcpmd5 || kldload tcpmd5;`");
    if (!word_is(&p, "echo") || !char_is(&p, '\''))
        return tk_run_fail(r, line, "expected `echo '...' | setkey -c`");
    uint8_t key[TK_TCP_MD5_MAXKEY];
    size_t keylen = 0;
    do {
        if (!word_is(&p, "add"))
            return tk_run_fail(r, line, "setkey: only `add` statements are supported");
        if (parse_add(r, line, &p, key, &keylen))
            return 1;
    } while (!char_is(&p, '\''));
    skip_space(&p);
    if (!word_is(&p, "|") || !word_is(&p, "setkey") || !word_is(&p, "-c") || (skip_space(&p), *p))
        return tk_run_fail(r, line, "expected `' | setkey -c` at the end");
    memcpy(r->md5_key, key, keylen);
    r->md5_keylen = keylen;
    return r->stack ? tk_run_md5_apply(r, line) : 0;
}

int tk_run_setkey(tk_run *r, const tk_pkt_event *ev, const char *cmd) {
    const char *p = cmd;
    if (word_is(&p, "setkey")) {
        if (!word_is(&p, "-F") || (skip_space(&p), *p))
            return tk_run_fail(r, ev->line, "setkey: only `setkey -F` and `setkey -c` are mapped");
        r->md5_keylen = 0;
        if (r->stack)
            tk_stack_md5_flush(r->stack);
        return 0;
    }
    return add_keys(r, ev->line, cmd);
}

int tk_run_md5_apply(tk_run *r, int line) {
    if (r->md5_keylen == 0)
        return 0;
    if (r->ip_version == TK_PKT_IPV6)
        return tk_run_fail(r, line,
                           "setkey: the stack's TCP-MD5 keys are for IPv4 address pairs only "
                           "(tk_stack_md5_add)");
    int rc = tk_stack_md5_add(r->stack, r->conn.laddr, r->conn.raddr, r->md5_key, r->md5_keylen);
    if (rc < 0)
        return tk_run_fail(r, line, "setkey: the stack refused the key (error %d)", rc);
    return 0;
}
