/* Segment labels as the seeds' figures write them: sequence numbers
 * relative to each end's ISN, J for the first end's and K for the other's
 * ("SYN seq=J", "SYN+ACK seq=K ack=J+1"). */
#include <inttypes.h>
#include <string.h>

#include "report.h"
#include "tcpkit/wire/tcp.h"

void tk_rp_isns(const tk_rp_conn *c, tk_rp_isn *out) {
    memset(out, 0, sizeof *out);
    /* An end's first SYN names its ISN (later incarnations are told
     * relative to it); without one, the first sequence number seen stands
     * in for it (a capture that starts mid-connection). */
    for (size_t i = 0; i < c->nsegs; i++) {
        const tk_rp_seg *s = &c->segs[i];
        if ((s->flags & TK_TCP_SYN) && !(s->marks & (TK_RP_RETRANS | TK_RP_DUP)) &&
            !out->known[s->from]) {
            out->known[s->from] = true;
            out->isn[s->from] = s->seq;
        }
    }
    for (size_t i = 0; i < c->nsegs; i++) {
        const tk_rp_seg *s = &c->segs[i];
        if (!out->known[s->from]) {
            out->known[s->from] = true;
            out->isn[s->from] = s->seq;
        }
    }
}

void tk_rp_flag_names(uint8_t flags, char *out, size_t cap) {
    static const struct {
        uint8_t bit;
        const char *name;
    } names[] = {{TK_TCP_SYN, "SYN"}, {TK_TCP_FIN, "FIN"}, {TK_TCP_RST, "RST"},
                 {TK_TCP_PSH, "PSH"}, {TK_TCP_ACK, "ACK"}, {TK_TCP_URG, "URG"},
                 {TK_TCP_ECE, "ECE"}, {TK_TCP_CWR, "CWR"}};
    size_t n = 0;
    out[0] = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if ((flags & names[i].bit) && n + 5 < cap)
            n += (size_t)snprintf(out + n, cap - n, "%s%s", n ? "+" : "", names[i].name);
    if (!n)
        snprintf(out, cap, "none");
}

/* "J", "J+1", "J+1001"; absolute when the end's ISN is unknown. */
static void rel(char *out, size_t cap, const tk_rp_isn *isn, int end, uint32_t v) {
    if (!isn || !isn->known[end]) {
        snprintf(out, cap, "%" PRIu32, v);
        return;
    }
    uint32_t d = v - isn->isn[end];
    const char *letter = end == 0 ? "J" : "K";
    if (d == 0)
        snprintf(out, cap, "%s", letter);
    else if (d < 0x80000000u)
        snprintf(out, cap, "%s+%" PRIu32, letter, d);
    else
        snprintf(out, cap, "%s-%" PRIu32, letter, (uint32_t)(0u - d));
}

void tk_rp_seg_label(const tk_rp_seg *s, const tk_rp_isn *isn, char *out, size_t cap) {
    char fl[40], seq[24], ack[24];
    /* The seeds write a bare ACK as "ACK" and a segment with data by its
     * length; PSH adds nothing to the story. */
    tk_rp_flag_names((uint8_t)(s->flags & ~TK_TCP_PSH), fl, sizeof fl);
    rel(seq, sizeof seq, isn, s->from, s->seq);
    rel(ack, sizeof ack, isn, 1 - s->from, s->ack);
    int n = snprintf(out, cap, "%s seq=%s", fl, seq);
    if (n < 0 || (size_t)n >= cap)
        return;
    if (s->flags & TK_TCP_ACK)
        n += snprintf(out + n, cap - (size_t)n, " ack=%s", ack);
    if (s->len && (size_t)n < cap)
        n += snprintf(out + n, cap - (size_t)n, " len=%" PRIu32, s->len);
    if ((s->marks & TK_RP_RETRANS) && (size_t)n < cap)
        snprintf(out + n, cap - (size_t)n, " (retransmission)");
}
