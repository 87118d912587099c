/* The report's tables: conversations, segments, states, samples, notes. */
#include "report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void tk_rp_init(tk_report *r, const char *title) {
    memset(r, 0, sizeof *r);
    snprintf(r->title, sizeof r->title, "%s", title ? title : "tcpkit");
}

static void conn_free(tk_rp_conn *c) {
    for (size_t i = 0; i < c->nsegs; i++)
        free(c->segs[i].detail);
    free(c->segs);
    free(c->states);
    free(c->samples);
    free(c->notes);
}

void tk_rp_free(tk_report *r) {
    for (size_t i = 0; i < r->nconns; i++)
        conn_free(&r->conns[i]);
    free(r->conns);
    memset(r, 0, sizeof *r);
}

/* Makes room for one more element of `size` bytes in *v (n used, *cap). */
static int grow(void **v, size_t n, size_t *cap, size_t size) {
    if (n < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 16;
    void *p = realloc(*v, ncap * size);
    if (!p)
        return -ENOMEM;
    *v = p;
    *cap = ncap;
    return 0;
}

tk_rp_conn *tk_rp_conn_add(tk_report *r) {
    if (grow((void **)&r->conns, r->nconns, &r->cap_conns, sizeof *r->conns) < 0)
        return NULL;
    tk_rp_conn *c = &r->conns[r->nconns++];
    memset(c, 0, sizeof *c);
    snprintf(c->end_name[0], sizeof c->end_name[0], "A");
    snprintf(c->end_name[1], sizeof c->end_name[1], "B");
    c->drawn = true;
    return c;
}

int tk_rp_add_seg(tk_rp_conn *c, const tk_rp_seg *seg) {
    if (grow((void **)&c->segs, c->nsegs, &c->cap_segs, sizeof *c->segs) < 0)
        return -ENOMEM;
    c->segs[c->nsegs++] = *seg;
    return 0;
}

int tk_rp_add_state(tk_rp_conn *c, const tk_rp_state *st) {
    if (grow((void **)&c->states, c->nstates, &c->cap_states, sizeof *c->states) < 0)
        return -ENOMEM;
    c->states[c->nstates++] = *st;
    return 0;
}

int tk_rp_add_sample(tk_rp_conn *c, const tk_rp_sample *sm) {
    if (grow((void **)&c->samples, c->nsamples, &c->cap_samples, sizeof *c->samples) < 0)
        return -ENOMEM;
    c->samples[c->nsamples++] = *sm;
    return 0;
}

int tk_rp_add_note(tk_rp_conn *c, int64_t t_us, size_t seg, const char *text) {
    if (grow((void **)&c->notes, c->nnotes, &c->cap_notes, sizeof *c->notes) < 0)
        return -ENOMEM;
    tk_rp_note *n = &c->notes[c->nnotes++];
    n->t_us = t_us;
    n->seg = seg;
    snprintf(n->text, sizeof n->text, "%s", text);
    return 0;
}

void tk_rp_xml(FILE *f, const char *s) {
    for (; *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}
