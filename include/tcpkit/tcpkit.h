/* tcpkit: an embeddable TCP/IP stack. The umbrella header. */
#ifndef TCPKIT_H
#define TCPKIT_H

#include "config.h"
#include "error.h"
#include "events.h"
#include "shard.h"
#include "socket.h"
#include "stack.h"
#include "stats.h"
#include "tcp_md5.h"
#include "tcp_state.h"
#include "trace.h"
#include "types.h"
#include "wire/arp.h"
#include "wire/checksum.h"
#include "wire/err.h"
#include "wire/eth.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"
#include "wire/tcp_md5.h"
#include "zerocopy.h"

#endif
