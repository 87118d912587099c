/* TCP options as tcpdump prints them: wire order, each option's value, the
 * "[len N]" note when the length byte disagrees with the option's size, and
 * the two ways a list can stop early: "[bad opt]" (a length that does not fit
 * the header) and " [|tcp]" (the capture ends). The walk advances by the
 * size tcpdump reads for known options, not by their length byte, so a wrong
 * length byte shows the same way it does in tcpdump. */
#include "print_int.h"
#include "tcpkit/wire/tcp.h"

/* Option kinds tcpdump names but TCP here does not use. */
enum {
    OPT_ECHO = 6,
    OPT_ECHOREPLY = 7,
    OPT_CC = 11,
    OPT_CCNEW = 12,
    OPT_CCECHO = 13,
    OPT_MD5 = 19,
    OPT_SCPS = 20,
    OPT_UTO = 28,
    OPT_TCPAO = 29,
    OPT_MPTCP = 30,
    OPT_TFO = 34,
    OPT_EXP2 = 254,
};

#define MD5_SIG_LEN   16
#define TFO_EXP_MAGIC 0xf989 /* RFC 7413 experimental option, RFC 6994 magic */

typedef struct opt_walk {
    tk_pbuf *b;
    const uint8_t *p; /* value of the current option */
    size_t cap;       /* captured bytes from p */
    uint32_t left;    /* header bytes left from p */
    bool bad;         /* a value runs past the header */
    bool trunc;       /* a value runs past the capture */
    bool seg_cut;     /* the segment's payload was not captured whole */
} opt_walk;

/* tcpdump's LENCHECK: value bytes [0, n) must lie in the header and the
 * capture. */
static bool need(opt_walk *w, uint32_t n) {
    if (n > w->left)
        w->bad = true;
    else if (n > w->cap)
        w->trunc = true;
    return !w->bad && !w->trunc;
}

static const char *opt_name(uint8_t kind) {
    switch (kind) {
    case TK_TCPOPT_EOL:
        return "eol";
    case TK_TCPOPT_NOP:
        return "nop";
    case TK_TCPOPT_MSS:
        return "mss";
    case TK_TCPOPT_WSCALE:
        return "wscale";
    case TK_TCPOPT_SACK_PERM:
        return "sackOK";
    case TK_TCPOPT_SACK:
        return "sack";
    case OPT_ECHO:
        return "echo";
    case OPT_ECHOREPLY:
        return "echoreply";
    case TK_TCPOPT_TS:
        return "TS";
    case OPT_CC:
        return "cc";
    case OPT_CCNEW:
        return "ccnew";
    case OPT_CCECHO:
        return "";
    case OPT_MD5:
        return "md5";
    case OPT_SCPS:
        return "scps";
    case OPT_UTO:
        return "uto";
    case OPT_TCPAO:
        return "tcp-ao";
    case OPT_MPTCP:
        return "mptcp";
    case OPT_TFO:
        return "tfo";
    case OPT_EXP2:
        return "exp";
    default:
        return NULL;
    }
}

static void print_hex(opt_walk *w, uint32_t from, uint32_t to) {
    for (uint32_t i = from; i < to && need(w, i + 1); i++)
        tk_pr_printf(w->b, "%02x", w->p[i]);
}

static void print_sack(opt_walk *w, uint32_t datalen, uint32_t base) {
    if (datalen % 8 != 0) {
        tk_pr_puts(w->b, " invalid sack");
        return;
    }
    tk_pr_printf(w->b, " %u ", datalen / 8);
    for (uint32_t i = 0; i < datalen; i += 8) {
        if (!need(w, i + 4))
            return;
        uint32_t s = tk_pr_be32(w->p + i) - base;
        if (!need(w, i + 8))
            return;
        uint32_t e = tk_pr_be32(w->p + i + 4) - base;
        tk_pr_printf(w->b, "{%u:%u}", s, e);
    }
}

/* TCP Fast Open cookie (RFC 7413 4.1.1), as option 34 or experimental. */
static void print_fastopen(opt_walk *w, uint32_t from, uint32_t datalen, bool exp) {
    if (exp)
        tk_pr_puts(w->b, "tfo");
    if (datalen == 0) {
        tk_pr_puts(w->b, " cookiereq");
    } else if (datalen % 2 != 0 || datalen < 4 || datalen > 16) {
        tk_pr_puts(w->b, " (invalid)");
    } else {
        tk_pr_puts(w->b, " cookie ");
        print_hex(w, from, from + datalen);
    }
}

static void print_tcpao(opt_walk *w, uint32_t datalen) {
    if (datalen < 2) {
        tk_pr_puts(w->b, " (invalid)");
        return;
    }
    if (!need(w, 1))
        return;
    tk_pr_printf(w->b, " keyid %u", w->p[0]);
    if (!need(w, 2))
        return;
    tk_pr_printf(w->b, " rnextkeyid %u", w->p[1]);
    if (datalen > 2) {
        tk_pr_puts(w->b, " mac 0x");
        print_hex(w, 2, datalen);
    }
}

static void print_uto(opt_walk *w) {
    uint16_t v = tk_pr_be16(w->p);
    tk_pr_printf(w->b, " 0x%x", v);
    /* RFC 5482 3: the low bit selects minutes instead of seconds. */
    tk_pr_printf(w->b, " %u", (v & 1u) ? (unsigned)(v >> 1) * 60u : (unsigned)(v >> 1));
}

/* Prints one option's value; returns the number of value bytes tcpdump
 * consumes for it. */
static uint32_t print_value(opt_walk *w, uint8_t kind, uint32_t len, uint32_t sack_base) {
    uint32_t datalen = len >= 2 ? len - 2 : 0;
    switch (kind) {
    case TK_TCPOPT_EOL:
    case TK_TCPOPT_NOP:
    case TK_TCPOPT_SACK_PERM:
        return 0;
    case TK_TCPOPT_MSS:
        if (need(w, 2))
            tk_pr_printf(w->b, " %u", tk_pr_be16(w->p));
        return 2;
    case TK_TCPOPT_WSCALE:
        if (need(w, 1))
            tk_pr_printf(w->b, " %u", w->p[0]);
        return 1;
    case TK_TCPOPT_SACK:
        print_sack(w, datalen, sack_base);
        return datalen;
    case OPT_CC:
    case OPT_CCNEW:
    case OPT_CCECHO:
    case OPT_ECHO:
    case OPT_ECHOREPLY:
        if (need(w, 4))
            tk_pr_printf(w->b, " %u", tk_pr_be32(w->p));
        return 4;
    case TK_TCPOPT_TS:
        if (need(w, 8))
            tk_pr_printf(w->b, " val %u ecr %u", tk_pr_be32(w->p), tk_pr_be32(w->p + 4));
        return 8;
    case OPT_MD5:
        if (need(w, MD5_SIG_LEN)) {
            /* tcpdump cannot verify without the -M secret and says so. */
            tk_pr_puts(w->b, w->seg_cut ? " snaplen too short, can't check - "
                                        : " shared secret not supplied with -M, can't check - ");
            print_hex(w, 0, MD5_SIG_LEN);
        }
        return MD5_SIG_LEN;
    case OPT_SCPS:
        if (need(w, 2))
            tk_pr_printf(w->b, " cap %02x id %u", w->p[0], w->p[1]);
        return 2;
    case OPT_TCPAO:
        print_tcpao(w, datalen);
        return datalen;
    case OPT_UTO:
        if (need(w, 2))
            print_uto(w);
        return 2;
    case OPT_TFO:
        if (need(w, datalen)) {
            tk_pr_puts(w->b, " ");
            print_fastopen(w, 0, datalen, false);
        }
        return datalen;
    case OPT_EXP2:
        if (!need(w, datalen))
            return datalen;
        if (datalen < 2) {
            w->bad = true;
            return datalen;
        }
        tk_pr_puts(w->b, "-");
        if (tk_pr_be16(w->p) == TFO_EXP_MAGIC)
            print_fastopen(w, 2, datalen - 2, true);
        else
            tk_pr_printf(w->b, "%04x", tk_pr_be16(w->p));
        return datalen;
    case OPT_MPTCP: /* subtypes are not decoded; see docs/printer.md */
        if (need(w, datalen) && datalen == 0)
            w->bad = true; /* tcpdump's MPTCP printer rejects a missing subtype */
        return datalen;
    default:
        if (datalen)
            tk_pr_puts(w->b, " 0x");
        print_hex(w, 0, datalen);
        return datalen;
    }
}

enum tk_pr_opt_result tk_pr_tcp_options(tk_pbuf *b, const uint8_t *opt, size_t cap, uint32_t hlen,
                                        uint32_t sack_base, bool seg_cut) {
    opt_walk w = {b, opt, cap, hlen, false, false, seg_cut};
    char sep = '\0';
    tk_pr_puts(b, ", options [");
    while (w.left > 0) {
        if (sep)
            tk_pr_printf(b, "%c", sep);
        if (w.cap < 1)
            goto trunc;
        uint8_t kind = w.p[0];
        uint32_t len = 1;
        w.p++, w.cap--, w.left--;
        if (kind != TK_TCPOPT_EOL && kind != TK_TCPOPT_NOP) {
            if (w.cap < 1)
                goto trunc;
            len = w.p[0];
            w.p++, w.cap--;
            if (len < 2 || len > w.left + 1)
                goto bad;
            w.left--;
        }
        const char *name = opt_name(kind);
        if (name)
            tk_pr_puts(b, name);
        else
            tk_pr_printf(b, "unknown-%u", kind);
        uint32_t used = print_value(&w, kind, len, sack_base);
        if (w.bad)
            goto bad;
        if (w.trunc) {
            tk_pr_trunc(b, "tcp");
            if (sep)
                tk_pr_puts(b, ">");
            return TK_PR_OPT_TRUNC;
        }
        w.p += used;
        w.cap = used < w.cap ? w.cap - used : 0;
        w.left -= used;
        if (used + (len == 1 ? 1u : 2u) != len)
            tk_pr_printf(b, "[len %u]", len);
        sep = ',';
        if (kind == TK_TCPOPT_EOL)
            break;
    }
    tk_pr_puts(b, "]");
    return TK_PR_OPT_DONE;
bad:
    tk_pr_puts(b, "[bad opt]");
    if (sep)
        tk_pr_puts(b, "]");
    return TK_PR_OPT_BAD;
trunc:
    tk_pr_trunc(b, "tcp");
    return TK_PR_OPT_TRUNC;
}
