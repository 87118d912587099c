/* The states each end of a captured connection went through (RFC 9293
 * 3.3.2 diagram), inferred from the segments it sent and received, and the
 * likely cause of a reset (SPEC RS-1..RS-8). Both run before the segment
 * updates the per-end records, so they see the connection as it was. */
#include <stdio.h>

#include "analyze_int.h"
#include "base/seq.h"
#include "tcpkit/wire/tcp.h"

static const char *const state_names[TK_TCP_NSTATES] = {
    "CLOSED",     "LISTEN",     "SYN_SENT", "SYN_RCVD", "ESTABLISHED", "FIN_WAIT_1",
    "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING",  "LAST_ACK", "TIME_WAIT",
};

const char *tk_az_state_name(enum tk_tcp_state state) {
    unsigned i = (unsigned)state;
    return i < TK_TCP_NSTATES ? state_names[i] : "?";
}

static enum tk_tcp_state last_state(const tk_az_end *e) {
    return e->path_len ? e->path[e->path_len - 1] : TK_TCP_CLOSED;
}

static void push(tk_az_end *e, enum tk_tcp_state st) {
    if (e->path_len && e->path[e->path_len - 1] == st)
        return;
    if (e->path_len < TK_AZ_PATH_MAX)
        e->path[e->path_len++] = st;
}

static bool acks(const tk_az_seg *s, uint32_t seq) {
    return (s->flags & TK_TCP_ACK) && s->ack == seq;
}

/* The end that sends a segment while its state is still unknown. */
static void sender_start(tk_az_end *a, const tk_az_seg *s) {
    bool syn = s->flags & TK_TCP_SYN, ack = s->flags & TK_TCP_ACK;
    enum tk_tcp_state st = last_state(a);
    if (syn && !ack) {
        if (st == TK_TCP_CLOSED) { /* also when nothing is known yet */
            push(a, TK_TCP_CLOSED);
            push(a, TK_TCP_SYN_SENT);
        }
    } else if (syn) {
        if (st == TK_TCP_CLOSED || st == TK_TCP_LISTEN) {
            push(a, TK_TCP_LISTEN);
            push(a, TK_TCP_SYN_RCVD);
        } else if (st == TK_TCP_SYN_SENT) {
            push(a, TK_TCP_SYN_RCVD); /* simultaneous open, CM-2 */
        }
    } else if (!a->path_len && !(s->flags & TK_TCP_RST)) {
        push(a, TK_TCP_ESTABLISHED); /* the capture starts mid-connection */
    }
}

/* The receiver's answer to the ACK field. */
static void receiver_ack(tk_az_end *b, const tk_az_seg *s) {
    enum tk_tcp_state st = last_state(b);
    if ((st == TK_TCP_SYN_SENT || st == TK_TCP_SYN_RCVD) && b->syn_seen && acks(s, b->isn + 1)) {
        if (st == TK_TCP_SYN_SENT && !(s->flags & TK_TCP_SYN))
            return; /* an ACK without SYN does not open SYN_SENT (RS-8) */
        push(b, TK_TCP_ESTABLISHED);
        return;
    }
    if (!b->fin_seen || !acks(s, b->fin_seq + 1))
        return;
    if (st == TK_TCP_FIN_WAIT_1 && !(s->flags & TK_TCP_FIN))
        push(b, TK_TCP_FIN_WAIT_2);
    else if (st == TK_TCP_CLOSING)
        push(b, TK_TCP_TIME_WAIT);
    else if (st == TK_TCP_LAST_ACK)
        push(b, TK_TCP_CLOSED);
}

static void receiver_fin(tk_az_end *b, const tk_az_seg *s) {
    enum tk_tcp_state st = last_state(b);
    if (st == TK_TCP_ESTABLISHED || st == TK_TCP_SYN_RCVD)
        push(b, TK_TCP_CLOSE_WAIT);
    else if (st == TK_TCP_FIN_WAIT_2)
        push(b, TK_TCP_TIME_WAIT);
    else if (st == TK_TCP_FIN_WAIT_1) /* CM-5 when it acks our FIN, else CM-6 */
        push(b, b->fin_seen && acks(s, b->fin_seq + 1) ? TK_TCP_TIME_WAIT : TK_TCP_CLOSING);
}

static void sender_fin(tk_az_end *a, const tk_az_end *b, const tk_az_seg *s) {
    enum tk_tcp_state st = last_state(a);
    if (st == TK_TCP_CLOSE_WAIT && b->fin_seen && !acks(s, b->fin_seq + 1)) {
        /* The FINs crossed (CM-6): this end had not yet received the
         * other FIN when it sent its own. */
        a->path_len--;
        push(a, TK_TCP_FIN_WAIT_1);
        push(a, TK_TCP_CLOSING);
        return;
    }
    if (st == TK_TCP_ESTABLISHED || st == TK_TCP_SYN_RCVD)
        push(a, TK_TCP_FIN_WAIT_1);
    else if (st == TK_TCP_CLOSE_WAIT)
        push(a, TK_TCP_LAST_ACK);
}

/* The same FIN sent again: the ACK of it, seen in the capture, was lost
 * before it reached this end, so the step that ACK caused is undone. */
static void fin_again(tk_az_end *a) {
    if (a->path_len < 2)
        return;
    enum tk_tcp_state st = a->path[a->path_len - 1], before = a->path[a->path_len - 2];
    if ((before == TK_TCP_FIN_WAIT_1 && st == TK_TCP_FIN_WAIT_2) ||
        (before == TK_TCP_CLOSING && st == TK_TCP_TIME_WAIT) ||
        (before == TK_TCP_LAST_ACK && st == TK_TCP_CLOSED))
        a->path_len--;
}

static void reset(tk_az_end *a, tk_az_end *b) {
    enum tk_tcp_state sa = last_state(a), sb = last_state(b);
    /* RS-8: an unacceptable ACK in SYN_SENT is answered with RST; the
     * sender keeps waiting for its SYN-ACK. */
    if (sa != TK_TCP_SYN_SENT)
        push(a, TK_TCP_CLOSED);
    if (sb == TK_TCP_TIME_WAIT || !b->path_len)
        return; /* RFC 1337: RST does not end TIME_WAIT (CM-9) */
    if (sb == TK_TCP_SYN_RCVD && b->path[0] == TK_TCP_LISTEN)
        push(b, TK_TCP_LISTEN); /* RS-5 */
    else
        push(b, TK_TCP_CLOSED);
}

void tk_az_track_states(tk_az_conn *c, int from, const tk_az_seg *s) {
    tk_az_end *a = &c->end[from], *b = &c->end[1 - from];
    sender_start(a, s);
    if (s->flags & TK_TCP_RST) {
        reset(a, b);
        return;
    }
    if ((s->flags & (TK_TCP_SYN | TK_TCP_ACK)) == TK_TCP_SYN && last_state(b) == TK_TCP_SYN_SENT &&
        b->syn_seen) {
        push(b, TK_TCP_SYN_RCVD); /* SYNs crossed, CM-2: each end gets the other's */
        push(a, TK_TCP_SYN_RCVD);
    }
    receiver_ack(b, s);
    if (s->flags & TK_TCP_FIN) {
        if (!a->fin_seen) {
            sender_fin(a, b, s);
            receiver_fin(b, s);
        } else if (s->seq + s->len == a->fin_seq) {
            fin_again(a);
        }
    }
}

static const char STALE[] = "RST answering a challenge ACK: stale connection recovery (RS-7)";

static int last_from(const tk_az_conn *c, int from) {
    return c->last_end == 1 - from;
}

/* A received payload after its own last payload and has not answered. */
static bool unread_data(const tk_az_end *a, const tk_az_end *b) {
    return b->bytes_data > 0 && (a->bytes_data == 0 || b->last_data_us >= a->last_data_us);
}

void tk_az_close_ends(tk_az_conn *c) {
    for (int e = 0; e < 2; e++)
        if (c->end[e].path_len)
            push(&c->end[e], TK_TCP_CLOSED);
    c->closed = true;
}

bool tk_az_rst_cause(const tk_az_conn *c, int from, const tk_az_seg *s, char *out, size_t cap) {
    const tk_az_end *a = &c->end[from], *b = &c->end[1 - from];
    uint8_t lf = c->last_flags;
    const char *why;
    if (last_from(c, from) && (lf & (TK_TCP_SYN | TK_TCP_ACK)) == TK_TCP_SYN)
        why = "RST to a SYN: port closed (connection refused) (RS-1)";
    else if (last_state(a) == TK_TCP_SYN_SENT && last_from(c, from) && (lf & TK_TCP_ACK) &&
             s->seq == c->last_ack)
        why =
            (lf & TK_TCP_SYN) ? "RST to a SYN-ACK that does not acknowledge our SYN (RS-8)" : STALE;
    else if (a->path_len && (last_state(a) == TK_TCP_TIME_WAIT || last_state(a) == TK_TCP_CLOSED))
        why = "RST answering a segment of a connection that already ended here (TIME_WAIT over)";
    else if (!(s->flags & TK_TCP_ACK) && last_from(c, from) && (lf & TK_TCP_ACK) &&
             s->seq == c->last_ack)
        why = "RST answering a segment of an unknown connection: half-open peer restarted (RS-4)";
    else if (a->fin_seen && b->fin_seen)
        why = "RST after both FINs: the connection had already closed";
    else if (b->fin_seen)
        why = "RST after FIN: close with unread data (RS-3)";
    else if (unread_data(a, b))
        why = "RST after data that was never answered: close with unread data (RS-3)";
    else
        why = "RST mid-stream: abortive close (SO_LINGER 0) (RS-2)";
    snprintf(out, cap, "%s", why);
    return why == STALE;
}
