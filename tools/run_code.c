/* %{ python }% blocks: packetdrill runs them with the TCP_INFO of the socket
 * the last system call used. The runner understands the one form the
 * FreeBSD suite mostly uses, `assert tcpi_state == TCPI_<STATE>`, answered
 * from the connection table; anything else fails with its text. */
#include <stdio.h>
#include <string.h>

#include "run.h"
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

/* The state of the socket behind script descriptor fd; CLOSED when the
 * table has no connection for it. */
static int socket_state(tk_run *r, int fd) {
    tk_conn_info conns[MAX_CONNS];
    int n = tk_stack_conn_table(r->stack, conns, MAX_CONNS);
    for (int i = 0; i < n && i < MAX_CONNS; i++)
        if (conns[i].sd == r->sd[fd])
            return conns[i].state;
    return TK_TCP_CLOSED;
}

int tk_run_code(tk_run *r, const tk_pkt_event *ev) {
    char name[32], tail;
    if (sscanf(ev->text, " assert tcpi_state == %31[A-Z_0-9] %c", name, &tail) != 1)
        return tk_run_fail(r, ev->line, "unsupported code block %%{%.60s}%%", ev->text);
    int want = -1;
    for (size_t i = 0; i < sizeof tcpi_states / sizeof tcpi_states[0]; i++)
        if (!strcmp(tcpi_states[i].name, name))
            want = tcpi_states[i].state;
    if (want < 0)
        return tk_run_fail(r, ev->line, "unknown TCP_INFO state %s", name);
    int fd = r->last_fd;
    if (fd < 0 || fd >= TK_RUN_MAX_FDS || r->sd[fd] < 0)
        return tk_run_fail(r, ev->line, "tcpi_state: no open socket was used before this line");
    int got = socket_state(r, fd);
    if (got != want)
        return tk_run_fail(r, ev->line, "expected tcpi_state %s, got %s", tk_tcp_state_name(want),
                           tk_tcp_state_name(got));
    return 0;
}
