/* The report as one self-contained HTML page: the pictures inline, a
 * little CSS, and a script that shows the decoded packet of the arrow
 * clicked. Nothing is fetched, so the file opens anywhere. */
#include <inttypes.h>
#include <string.h>

#include "rp_int.h"

static const char *page_style =
    "body{font:14px sans-serif;margin:16px;color:#111;background:#fafafa}"
    "h1{font-size:20px}h2{font-size:17px;border-top:1px solid #ccc;padding-top:10px}"
    "h3{font-size:14px;margin:14px 0 4px}.row{display:flex;gap:12px;align-items:flex-start;"
    "flex-wrap:wrap}.detail{position:sticky;top:8px;flex:1;min-width:260px;max-width:520px}"
    ".detail pre{background:#fff;border:1px solid #ccc;padding:8px;white-space:pre-wrap;"
    "font:12px monospace;margin:0}svg{background:#fff;border:1px solid #ddd;max-width:100%;"
    "height:auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;"
    "font-size:13px;text-align:left}.notes li{font:12px monospace}.seg.sel .label{fill:#d60;"
    "font-weight:bold}";

/* Clicking a segment (in any picture of a conversation) shows its entry
 * of that conversation's packet table. */
static const char *page_script =
    "document.addEventListener('click',function(e){"
    "var g=e.target.closest?e.target.closest('[data-i]'):null;if(!g)return;"
    "var sec=g.closest('section.conn');if(!sec)return;"
    "var data=JSON.parse(document.getElementById('pk-'+sec.dataset.conn).textContent);"
    "var i=+g.getAttribute('data-i');"
    "sec.querySelectorAll('.sel').forEach(function(x){x.classList.remove('sel')});"
    "sec.querySelectorAll('.ladder [data-i=\"'+i+'\"]').forEach(function(x){"
    "x.classList.add('sel')});"
    "sec.querySelector('.detail pre').textContent=data[i]||'';});";

static void seg_detail(FILE *f, const tk_rp_conn *c, const tk_rp_isn *isn, size_t i) {
    const tk_rp_seg *s = &c->segs[i];
    char label[128], sent[32], arr[32], fl[40], buf[2048];
    tk_rp_seg_label(s, isn, label, sizeof label);
    tk_rp_flag_names(s->flags, fl, sizeof fl);
    tk_rp_secs(sent, sizeof sent, s->sent_us);
    if (s->arrived_us == TK_RP_NO_TIME)
        snprintf(arr, sizeof arr, "never (lost)");
    else
        tk_rp_secs(arr, sizeof arr, s->arrived_us);
    char title[48];
    if (s->packet)
        snprintf(title, sizeof title, "packet #%u", s->packet);
    else
        snprintf(title, sizeof title, "segment %zu", i + 1);
    snprintf(buf, sizeof buf,
             "%s: %s -> %s\n%s\nsent %s s, arrived %s\n"
             "flags %s  seq %" PRIu32 "  ack %" PRIu32 "  win %u  len %" PRIu32 "\noptions %s\n",
             title, c->end_name[s->from], c->end_name[1 - s->from], label, sent, arr, fl, s->seq,
             s->ack, s->win, s->len, s->opts[0] ? s->opts : "none");
    size_t len = strlen(buf);
    if (s->link)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "link: %s\n", s->link);
    if (s->detail && len < sizeof buf)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "\n%s\n", s->detail);
    for (size_t k = 0; k < c->nnotes && len < sizeof buf; k++)
        if (c->notes[k].seg == i)
            len += (size_t)snprintf(buf + len, sizeof buf - len, "note: %s\n", c->notes[k].text);
    tk_rp_json_string(f, buf);
}

static void packet_table(FILE *f, const tk_rp_conn *c, size_t ci) {
    tk_rp_isn isn;
    tk_rp_isns(c, &isn);
    fprintf(f, "<script type=\"application/json\" id=\"pk-%zu\">[", ci);
    for (size_t i = 0; i < c->nsegs; i++) {
        if (i)
            fputc(',', f);
        seg_detail(f, c, &isn, i);
    }
    fputs("]</script>\n", f);
}

static void notes_list(FILE *f, const tk_rp_conn *c) {
    if (!c->nnotes)
        return;
    /* Long lists (a lossy capture's hundreds) start folded, so the pictures
     * stay in view. */
    fprintf(f, "<details%s><summary><b>Notes (%zu)</b></summary><ul class=\"notes\">",
            c->nnotes <= 12 ? " open" : "", c->nnotes);
    for (size_t i = 0; i < c->nnotes; i++) {
        char t[32];
        tk_rp_secs(t, sizeof t, c->notes[i].t_us);
        fprintf(f, "<li>%s s: ", t);
        tk_rp_xml(f, c->notes[i].text);
        fputs("</li>", f);
    }
    fputs("</ul></details>\n", f);
}

/* An end whose states nobody reported (a script's peer) gets no diagram. */
static bool has_states(const tk_rp_conn *c, int end) {
    for (size_t i = 0; i < c->nstates; i++)
        if (c->states[i].end == end)
            return true;
    return false;
}

static void conn_section(FILE *f, const tk_rp_conn *c, size_t ci) {
    fprintf(f, "<section class=\"conn\" id=\"c%zu\" data-conn=\"%zu\"><h2>", ci + 1, ci);
    tk_rp_xml(f, c->title[0] ? c->title : "conversation");
    fputs("</h2>\n", f);
    notes_list(f, c);
    fprintf(f, "<h3>Ladder diagram%s</h3><div class=\"row\"><div>\n",
            c->states_inferred ? " (states inferred from the segments)" : "");
    tk_rp_ladder_svg(f, c);
    fputs("</div><div class=\"detail\"><pre>Click an arrow to see its segment.</pre></div></div>\n",
          f);
    fputs("<h3>State diagram (RFC 9293), transitions taken in order</h3><div class=\"row\">", f);
    for (int e = 0; e < 2; e++)
        if (has_states(c, e))
            tk_rp_state_svg(f, c, e);
    fputs("</div>\n<h3>Time-sequence graphs</h3>\n", f);
    for (int e = 0; e < 2; e++)
        tk_rp_tseq_svg(f, c, e);
    if (c->nsamples) {
        fputs("<h3>Congestion window, ssthresh, RTT and RTO (from the stack)</h3>\n", f);
        for (int e = 0; e < 2; e++)
            tk_rp_cc_svg(f, c, e);
    }
    packet_table(f, c, ci);
    fputs("</section>\n", f);
}

static void index_table(FILE *f, const tk_report *r) {
    fprintf(f,
            "<h2>%zu connections</h2><table class=\"index\"><tr><th>#</th><th>connection</th>"
            "<th>segments</th><th>notes</th></tr>\n",
            r->nconns);
    for (size_t i = 0; i < r->nconns; i++) {
        const tk_rp_conn *c = &r->conns[i];
        fprintf(f, "<tr><td>%zu</td><td>", i + 1);
        if (c->drawn)
            fprintf(f, "<a href=\"#c%zu\">", i + 1);
        tk_rp_xml(f, c->title);
        fprintf(f, "%s</td><td>%zu</td><td>", c->drawn ? "</a>" : " (not drawn: size limit)",
                c->nsegs);
        for (size_t k = 0; k < c->nnotes && k < 3; k++) {
            tk_rp_xml(f, c->notes[k].text);
            fputs("<br>", f);
        }
        if (c->nnotes > 3)
            fprintf(f, "and %zu more", c->nnotes - 3);
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
}

void tk_rp_html(FILE *f, const tk_report *r) {
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>", f);
    tk_rp_xml(f, r->title);
    fprintf(f, "</title><style>%s</style></head><body>\n<h1>", page_style);
    tk_rp_xml(f, r->title);
    fputs("</h1>\n", f);
    if (r->nconns > 1)
        index_table(f, r);
    for (size_t i = 0; i < r->nconns; i++)
        if (r->conns[i].drawn)
            conn_section(f, &r->conns[i], i);
    fprintf(f, "<script>%s</script>\n</body></html>\n", page_script);
}
