/* TCP connection states (RFC 9293 3.3.2). */
#ifndef TCPKIT_TCP_STATE_H
#define TCPKIT_TCP_STATE_H

enum tk_tcp_state {
    TK_TCP_CLOSED = 0,
    TK_TCP_LISTEN,
    TK_TCP_SYN_SENT,
    TK_TCP_SYN_RCVD,
    TK_TCP_ESTABLISHED,
    TK_TCP_FIN_WAIT_1,
    TK_TCP_FIN_WAIT_2,
    TK_TCP_CLOSE_WAIT,
    TK_TCP_CLOSING,
    TK_TCP_LAST_ACK,
    TK_TCP_TIME_WAIT,
};
#define TK_TCP_NSTATES 11

/* "SYN_SENT", "TIME_WAIT", ...; "?" for a value out of range. */
const char *tk_tcp_state_name(int state);

#endif
