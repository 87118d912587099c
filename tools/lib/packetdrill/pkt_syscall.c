/* System-call lines: name(args) = result [ERRNO] [(note)], where args are
 * `...`, numbers, SYMBOLS joined by |, [lists] and {name=value} structs. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt_parse.h"

#define MAX_ITEMS 16

static int fail(tk_pkt_error *err, const char *msg) {
    snprintf(err->msg, sizeof err->msg, "%s", msg);
    return -EINVAL;
}

void tk_pkt_expr_free(tk_pkt_expr *e) {
    for (size_t i = 0; i < e->nitems; i++)
        tk_pkt_expr_free(&e->items[i]);
    free(e->items);
    free(e->text);
    free(e->name);
    memset(e, 0, sizeof *e);
}

static int push_item(tk_pkt_expr *e, const tk_pkt_expr *item, tk_pkt_error *err) {
    if (e->nitems == MAX_ITEMS)
        return fail(err, "too many items in a list or struct");
    tk_pkt_expr *v = realloc(e->items, (e->nitems + 1) * sizeof *v);
    if (!v)
        return -ENOMEM;
    e->items = v;
    e->items[e->nitems++] = *item;
    return 0;
}

static int parse_string(tk_pkt_lex *lx, tk_pkt_expr *out, tk_pkt_error *err) {
    const char *start = lx->p;
    while (lx->p < lx->end && *lx->p != '"')
        lx->p++;
    if (lx->p >= lx->end)
        return fail(err, "unterminated string");
    out->kind = TK_PKT_EXPR_STRING;
    out->text = strndup(start, (size_t)(lx->p - start));
    lx->p++;
    return out->text ? 0 : -ENOMEM;
}

/* One operand: ..., number, symbol, "string", [list], {struct}. */
static int parse_atom(tk_pkt_lex *lx, tk_pkt_expr *out, tk_pkt_error *err);

/* packetdrill's msghdr writes a size after two member names:
 * msg_name(...)=..., msg_iov(1)=[...]. The size says nothing the value
 * does not, so it is read and dropped. False when malformed. */
static bool member_size(tk_pkt_lex *lx) {
    if (!tk_pkt_lex_lit(lx, "("))
        return true;
    int64_t n;
    if (!tk_pkt_lex_lit(lx, "...") && !tk_pkt_lex_int(lx, &n))
        return false;
    return tk_pkt_lex_lit(lx, ")");
}

static int parse_group(tk_pkt_lex *lx, tk_pkt_expr *out, char close, tk_pkt_error *err) {
    out->kind = close == ']' ? TK_PKT_EXPR_LIST : TK_PKT_EXPR_STRUCT;
    if (tk_pkt_lex_lit(lx, close == ']' ? "]" : "}"))
        return 0;
    do {
        tk_pkt_expr item = {0};
        char name[48] = "";
        if (close == '}') {
            const char *save = lx->p;
            if (!tk_pkt_lex_ident(lx, name, sizeof name) || !member_size(lx) ||
                !tk_pkt_lex_lit(lx, "=")) {
                lx->p = save; /* positional member, e.g. {...} */
                name[0] = '\0';
            }
        }
        int rc = tk_pkt_parse_expr(lx, &item, err);
        if (!rc && name[0] && !(item.name = strdup(name)))
            rc = -ENOMEM;
        if (!rc)
            rc = push_item(out, &item, err);
        if (rc) {
            tk_pkt_expr_free(&item);
            return rc;
        }
    } while (tk_pkt_lex_lit(lx, ","));
    if (!tk_pkt_lex_lit(lx, close == ']' ? "]" : "}"))
        return fail(err, close == ']' ? "expected ']'" : "expected '}'");
    return 0;
}

static int parse_atom(tk_pkt_lex *lx, tk_pkt_expr *out, tk_pkt_error *err) {
    char name[48];
    memset(out, 0, sizeof *out);
    if (tk_pkt_lex_lit(lx, "...")) {
        out->kind = TK_PKT_EXPR_ELLIPSIS;
        return 0;
    }
    if (tk_pkt_lex_int(lx, &out->num)) {
        out->kind = TK_PKT_EXPR_INT;
        return 0;
    }
    if (tk_pkt_lex_ident(lx, name, sizeof name)) {
        out->kind = TK_PKT_EXPR_SYMBOL;
        out->text = strdup(name);
        return out->text ? 0 : -ENOMEM;
    }
    if (tk_pkt_lex_lit(lx, "\""))
        return parse_string(lx, out, err);
    if (tk_pkt_lex_lit(lx, "["))
        return parse_group(lx, out, ']', err);
    if (tk_pkt_lex_lit(lx, "{"))
        return parse_group(lx, out, '}', err);
    return fail(err, "expected an argument (number, SYMBOL, ..., [..] or {..})");
}

int tk_pkt_parse_expr(tk_pkt_lex *lx, tk_pkt_expr *out, tk_pkt_error *err) {
    int rc = parse_atom(lx, out, err);
    if (rc)
        tk_pkt_expr_free(out);
    if (rc || tk_pkt_lex_peek(lx) != '|')
        return rc;
    tk_pkt_expr first = *out;
    memset(out, 0, sizeof *out);
    out->kind = TK_PKT_EXPR_OR;
    rc = push_item(out, &first, err);
    while (!rc && tk_pkt_lex_lit(lx, "|")) {
        tk_pkt_expr item;
        rc = parse_atom(lx, &item, err);
        if (!rc && item.kind != TK_PKT_EXPR_INT && item.kind != TK_PKT_EXPR_SYMBOL)
            rc = fail(err, "only numbers and SYMBOLS can be joined with |");
        if (!rc)
            rc = push_item(out, &item, err);
        else
            tk_pkt_expr_free(&item);
    }
    if (rc)
        tk_pkt_expr_free(out);
    return rc;
}

static int parse_result(tk_pkt_lex *lx, tk_pkt_syscall *sc, tk_pkt_error *err) {
    if (!tk_pkt_lex_lit(lx, "="))
        return fail(err, "expected '= result' after the call");
    if (tk_pkt_lex_lit(lx, "...")) {
        sc->result_any = true;
    } else if (!tk_pkt_lex_int(lx, &sc->result)) {
        return fail(err, "expected the return value");
    }
    if (sc->result == -1 && !sc->result_any) {
        char name[24];
        if (tk_pkt_lex_ident(lx, name, sizeof name))
            snprintf(sc->errno_name, sizeof sc->errno_name, "%s", name);
    }
    if (tk_pkt_lex_lit(lx, "(")) { /* free-text note: (Operation now in progress) */
        while (lx->p < lx->end && *lx->p != ')')
            lx->p++;
        if (!tk_pkt_lex_lit(lx, ")"))
            return fail(err, "unterminated (note) after the result");
    }
    return tk_pkt_lex_eof(lx) ? 0 : fail(err, "unexpected text after the result");
}

int tk_pkt_parse_syscall(tk_pkt_lex *lx, tk_pkt_syscall *sc, tk_pkt_error *err) {
    memset(sc, 0, sizeof *sc);
    if (!tk_pkt_lex_ident(lx, sc->name, sizeof sc->name))
        return fail(err, "expected a system call name");
    if (!tk_pkt_lex_lit(lx, "("))
        return fail(err, "expected '(' after the system call name");
    int rc = 0;
    if (!tk_pkt_lex_lit(lx, ")")) {
        do {
            if (sc->nargs == TK_PKT_MAX_ARGS)
                return fail(err, "too many arguments");
            rc = tk_pkt_parse_expr(lx, &sc->args[sc->nargs], err);
            if (rc)
                return rc; /* the failed argument freed itself */
            sc->nargs++;
        } while (tk_pkt_lex_lit(lx, ","));
        if (!tk_pkt_lex_lit(lx, ")"))
            return fail(err, "expected ',' or ')' in the argument list");
    }
    return parse_result(lx, sc, err);
}
