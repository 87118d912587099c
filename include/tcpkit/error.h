/* One name for every negative code the API returns: the errno values of
 * the socket and stack calls (-ECONNREFUSED, -EAGAIN, ...) and the wire
 * error codes tk_stack_input returns for a malformed frame (tcpkit/wire/
 * err.h). errno numbers differ between C libraries (glibc, newlib,
 * picolibc); the names and texts here do not, so logs from a device and
 * from a host read the same. */
#ifndef TCPKIT_ERROR_H
#define TCPKIT_ERROR_H

/* A constant string "ECONNREFUSED: connection refused" for -ECONNREFUSED
 * (the sign is ignored: ECONNREFUSED gives the same), "TK_WIRE_TCP_CSUM:
 * tcp checksum bad" for a wire code, "ok" for 0, and "unknown error" for
 * anything else. Never NULL. */
const char *tk_strerror(int err);

#endif
