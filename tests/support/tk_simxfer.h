/* A bulk transfer between the two stacks of a simulated network
 * (drivers/simnet.h), shared by the tests that look at what carries it
 * (offloads, the loopback link): B listens at `to`, A connects and sends
 * len bytes of tk_simxfer_byte(i), B reads and checks them. */
#ifndef TK_TESTS_SIMXFER_H
#define TK_TESTS_SIMXFER_H

#include <stdint.h>

#include "simnet.h"
#include "tcpkit/socket.h"

/* Byte i of the stream. */
uint8_t tk_simxfer_byte(uint64_t i);
/* Returns the bytes B read in order and intact (it stops at the first
 * wrong one), len when the whole stream arrived. */
uint64_t tk_simxfer(tk_simnet *n, const tk_sockaddr *to, uint64_t len);

#endif
