/* One segment's fields as JSON members (SPEC OBS-8, docs/pictures.md). */
#include <inttypes.h>

#include "rp_int.h"

static void json_str(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else if (ch == '<') /* safe inside an HTML <script> */
            fputs("\\u003c", f);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

void tk_rp_json_string(FILE *f, const char *s) {
    json_str(f, s);
}

void tk_rp_seg_json(FILE *f, const tk_rp_seg *s, bool times) {
    char t[32], fl[40];
    if (times) {
        tk_rp_secs(t, sizeof t, s->sent_us);
        fprintf(f, "\"sent\":%s,\"arrived\":", t);
        if (s->arrived_us == TK_RP_NO_TIME) {
            fputs("null,", f);
        } else {
            tk_rp_secs(t, sizeof t, s->arrived_us);
            fprintf(f, "%s,", t);
        }
    }
    tk_rp_flag_names(s->flags, fl, sizeof fl);
    fprintf(f,
            "\"from\":%d,\"seq\":%" PRIu32 ",\"ack\":%" PRIu32 ",\"flags\":\"%s\",\"win\":%u,"
            "\"len\":%" PRIu32 ",\"options\":",
            s->from, s->seq, s->ack, fl, s->win, s->len);
    json_str(f, s->opts);
    fputs(",\"sack\":[", f);
    for (int b = 0; b < s->nsack && b < 4; b++)
        fprintf(f, "%s[%" PRIu32 ",%" PRIu32 "]", b ? "," : "", s->sack[b][0], s->sack[b][1]);
    fprintf(
        f, "],\"lost\":%s,\"retransmitted\":%s,\"duplicate\":%s,\"corrupted\":%s",
        (s->marks & TK_RP_LOST) ? "true" : "false", (s->marks & TK_RP_RETRANS) ? "true" : "false",
        (s->marks & TK_RP_DUP) ? "true" : "false", (s->marks & TK_RP_CORRUPT) ? "true" : "false");
    if (s->packet)
        fprintf(f, ",\"packet\":%u", s->packet);
}
