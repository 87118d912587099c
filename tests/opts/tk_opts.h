/* The options file of the compile-time defaults test (test_opts.c): a
 * device's choices, as an embedder would write them. */
#ifndef TK_TEST_OPTS_H
#define TK_TEST_OPTS_H

#define TK_DEFAULT_MAX_SOCKETS   6
#define TK_DEFAULT_RCVBUF        4096u
#define TK_DEFAULT_SNDBUF        4096u
#define TK_DEFAULT_MAX_TIME_WAIT 8
#define TK_DEFAULT_ECN           0
#define TK_DEFAULT_SYN_COOKIES   false
#define TK_DEFAULT_MSL           TK_SEC(10)

#endif
