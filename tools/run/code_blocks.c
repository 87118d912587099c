/* %{ python }% blocks: packetdrill runs them with the TCP_INFO of the socket
 * the last system call used. The runner answers assert lines: the two forms
 * the FreeBSD suite uses, `assert tcpi_state == TCPI_<STATE>` and
 * `assert tcpi_options == 0` or `(TCPI_OPT_A | TCPI_OPT_B ...)`, from the
 * connection table, and `assert tcpi_NAME OP VALUE` for any field of
 * tk_tcp_info (Linux's names); anything else fails with its text. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/packetdrill/pkt_lex.h"
#include "lib/packetdrill/pkt_sym.h"
#include "runner.h"
#include "tcpkit/stats.h"
#include "tcpkit/tcp_state.h"

#define MAX_CONNS 256

typedef struct tcpi_name {
    const char *name;
    int state;
} tcpi_name;

static const tcpi_name tcpi_states[] = {
    {"TCPI_CLOSED", TK_TCP_CLOSED},           {"TCPI_LISTEN", TK_TCP_LISTEN},
    {"TCPI_SYN_SENT", TK_TCP_SYN_SENT},       {"TCPI_SYN_RECEIVED", TK_TCP_SYN_RCVD},
    {"TCPI_ESTABLISHED", TK_TCP_ESTABLISHED}, {"TCPI_FIN_WAIT_1", TK_TCP_FIN_WAIT_1},
    {"TCPI_FIN_WAIT_2", TK_TCP_FIN_WAIT_2},   {"TCPI_CLOSE_WAIT", TK_TCP_CLOSE_WAIT},
    {"TCPI_CLOSING", TK_TCP_CLOSING},         {"TCPI_LAST_ACK", TK_TCP_LAST_ACK},
    {"TCPI_TIME_WAIT", TK_TCP_TIME_WAIT},
};

/* FreeBSD's TCPI_OPT_* bits (netinet/tcp.h). */
static const struct {
    const char *name;
    uint32_t bit, tk_bit;
} tcpi_opts[] = {
    {"TCPI_OPT_TIMESTAMPS", 0x01, TK_CONN_OPT_TS},
    {"TCPI_OPT_SACK", 0x02, TK_CONN_OPT_SACK},
    {"TCPI_OPT_WSCALE", 0x04, TK_CONN_OPT_WSCALE},
    {"TCPI_OPT_ECN", 0x08, TK_CONN_OPT_ECN},
};

/* The connection of the socket behind script descriptor fd; false (and
 * state CLOSED) when the table has no connection for it. */
static bool socket_info(tk_run *r, int fd, tk_conn_info *out) {
    tk_conn_info conns[MAX_CONNS];
    int n = tk_stack_conn_table(r->stack, conns, MAX_CONNS);
    for (int i = 0; i < n && i < MAX_CONNS; i++)
        if (conns[i].sd == r->sd[fd]) {
            *out = conns[i];
            return true;
        }
    memset(out, 0, sizeof *out);
    out->state = TK_TCP_CLOSED;
    return false;
}

/* "0" or "(NAME | NAME ...)" -> TCPI_OPT bits; -1 when malformed. */
static long parse_opt_bits(const char *t) {
    while (isspace((unsigned char)*t))
        t++;
    if (t[0] == '0' && !t[1 + strspn(t + 1, " \t\r\n")])
        return 0;
    if (*t++ != '(')
        return -1;
    long bits = 0;
    for (;;) {
        t += strspn(t, " \t");
        size_t len = strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_");
        size_t i = 0;
        while (i < sizeof tcpi_opts / sizeof tcpi_opts[0] &&
               (strlen(tcpi_opts[i].name) != len || strncmp(tcpi_opts[i].name, t, len)))
            i++;
        if (i == sizeof tcpi_opts / sizeof tcpi_opts[0])
            return -1;
        bits |= (long)tcpi_opts[i].bit;
        t += len + strspn(t + len, " \t");
        if (*t == ')')
            return t[1 + strspn(t + 1, " \t\r\n")] ? -1 : bits;
        if (*t++ != '|')
            return -1;
    }
}

static int assert_options(tk_run *r, const tk_pkt_event *ev, int fd, const char *expr) {
    long want = parse_opt_bits(expr);
    if (want < 0)
        return tk_run_fail(r, ev->line, "tcpi_options: expected 0 or (TCPI_OPT_X | ...)");
    tk_conn_info ci;
    (void)socket_info(r, fd, &ci);
    long got = 0;
    for (size_t i = 0; i < sizeof tcpi_opts / sizeof tcpi_opts[0]; i++)
        if (ci.options & tcpi_opts[i].tk_bit)
            got |= (long)tcpi_opts[i].bit;
    if (got != want)
        return tk_run_fail(r, ev->line, "expected tcpi_options 0x%lx, got 0x%lx", want, got);
    return 0;
}

static int open_fd(tk_run *r, const tk_pkt_event *ev) {
    int fd = r->last_fd;
    if (fd < 0 || fd >= TK_RUN_MAX_FDS || r->sd[fd] < 0) {
        tk_run_fail(r, ev->line, "tcpi: no open socket was used before this line");
        return -1;
    }
    return fd;
}

static int assert_state(tk_run *r, const tk_pkt_event *ev, const char *line) {
    char name[32], tail;
    if (sscanf(line, " assert tcpi_state == %31[A-Z_0-9] %c", name, &tail) != 1)
        return tk_run_fail(r, ev->line, "unsupported code block %%{%.60s}%%", line);
    int want = -1;
    for (size_t i = 0; i < sizeof tcpi_states / sizeof tcpi_states[0]; i++)
        if (!strcmp(tcpi_states[i].name, name))
            want = tcpi_states[i].state;
    if (want < 0)
        return tk_run_fail(r, ev->line, "unknown TCP_INFO state %s", name);
    int fd = open_fd(r, ev);
    if (fd < 0)
        return 1;
    tk_conn_info ci;
    (void)socket_info(r, fd, &ci);
    int got = ci.state;
    if (got != want)
        return tk_run_fail(r, ev->line, "expected tcpi_state %s, got %s", tk_tcp_state_name(want),
                           tk_tcp_state_name(got));
    return 0;
}

static bool compare(uint64_t got, const char *op, int64_t want) {
    int64_t g = (int64_t)got;
    if (!strcmp(op, "=="))
        return g == want;
    if (!strcmp(op, "!="))
        return g != want;
    if (!strcmp(op, "<"))
        return g < want;
    if (!strcmp(op, "<="))
        return g <= want;
    if (!strcmp(op, ">"))
        return g > want;
    return !strcmp(op, ">=") && g >= want;
}

/* The tcpi_ field `name` of the socket the last system call used. */
static int field_value(tk_run *r, const tk_pkt_event *ev, const char *name, uint64_t *got) {
    int fd = open_fd(r, ev);
    if (fd < 0)
        return 1;
    tk_tcp_info ti;
    if (tk_tcp_info_get(r->stack, r->sd[fd], &ti) < 0 || !tk_run_tcpi_field(&ti, name, got))
        return tk_run_fail(r, ev->line, "code block: tcpkit does not fill %s", name);
    return 0;
}

/* assert LO <[=] tcpi_NAME <[=] HI: a range, as Python chains it. */
static int assert_range(tk_run *r, const tk_pkt_event *ev, const char *line) {
    char name[40], op1[3], op2[3];
    long long lo, hi;
    if (sscanf(line, " assert %lld %2[<=] %39[a-z_] %2[<=] %lld", &lo, op1, name, op2, &hi) != 5)
        return tk_run_fail(r, ev->line, "unsupported code block %%{%.60s}%%", line);
    uint64_t got;
    if (field_value(r, ev, name, &got))
        return 1;
    bool ok = (strcmp(op1, "<") ? (int64_t)got >= lo : (int64_t)got > lo) &&
              (strcmp(op2, "<") ? (int64_t)got <= hi : (int64_t)got < hi) &&
              (!strcmp(op1, "<") || !strcmp(op1, "<=")) &&
              (!strcmp(op2, "<") || !strcmp(op2, "<="));
    if (!ok)
        return tk_run_fail(r, ev->line, "expected %lld %s %s %s %lld, got %llu", lo, op1, name, op2,
                           hi, (unsigned long long)got);
    return 0;
}

/* assert tcpi_NAME OP VALUE[, message]: Linux's tcp_info of the socket
 * the last system call used; VALUE a number or a symbol (TCP_CA_Open). */
static int assert_field(tk_run *r, const tk_pkt_event *ev, const char *line) {
    char name[40], op[3], value[40];
    if (sscanf(line, " assert %39[a-z_] %2[=!<>] %39[A-Za-z0-9_]", name, op, value) != 3)
        return assert_range(r, ev, line);
    uint64_t got;
    if (field_value(r, ev, name, &got))
        return 1;
    tk_pkt_lex lx;
    tk_pkt_expr e = {.kind = TK_PKT_EXPR_SYMBOL, .text = value};
    int64_t want;
    tk_pkt_lex_init(&lx, value);
    bool num = tk_pkt_lex_int(&lx, &want) && tk_pkt_lex_eof(&lx);
    if (!num && !tk_pkt_eval(&e, &want))
        return tk_run_fail(r, ev->line, "code block: unknown value %s", value);
    if (!compare(got, op, want))
        return tk_run_fail(r, ev->line, "expected %s %s %s, got %llu", name, op, value,
                           (unsigned long long)got);
    return 0;
}

static int one_assert(tk_run *r, const tk_pkt_event *ev, const char *line) {
    char tail;
    const char *opt = strstr(line, "tcpi_options ==");
    if (opt && sscanf(line, " assert tcpi_options %c", &tail) == 1 && tail == '=') {
        int fd = open_fd(r, ev);
        return fd < 0 ? 1 : assert_options(r, ev, fd, opt + strlen("tcpi_options =="));
    }
    if (strstr(line, "tcpi_state == TCPI_"))
        return assert_state(r, ev, line);
    return assert_field(r, ev, line);
}

/* One assert per line (or per `;`); blank lines are skipped. */
int tk_run_code(tk_run *r, const tk_pkt_event *ev) {
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", ev->text);
    int n = 0;
    for (char *save = NULL, *line = strtok_r(buf, "\n;", &save); line;
         line = strtok_r(NULL, "\n;", &save)) {
        line += strspn(line, " \t\r");
        if (!*line)
            continue;
        char *comma = strchr(line, ','); /* assert X == N, "message" */
        if (comma)
            *comma = '\0';
        if (one_assert(r, ev, line))
            return 1;
        n++;
    }
    return n ? 0 : tk_run_fail(r, ev->line, "empty code block");
}
