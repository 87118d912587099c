/* Basic types shared by the public headers. */
#ifndef TCPKIT_TYPES_H
#define TCPKIT_TYPES_H

#include <stdint.h>

/* Time in microseconds on the embedder's clock. The stack never reads a clock:
 * every call that needs time takes it as a parameter (SPEC TM-2). */
typedef uint64_t tk_time;
#define TK_TIME_NEVER UINT64_MAX
#define TK_MS(x)      ((tk_time)(x)*1000u)
#define TK_SEC(x)     ((tk_time)(x)*1000000u)

/* An IPv4 endpoint; address and port in host byte order. */
typedef struct tk_sockaddr {
    uint32_t addr;
    uint16_t port;
} tk_sockaddr;

#endif
