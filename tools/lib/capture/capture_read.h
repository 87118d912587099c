/* Reading pcap and pcapng captures (through libpcap, which reads both) for
 * `tcpkit decode` and `tcpkit analyze`: one frame at a time, with where its
 * IPv4 or IPv6 header starts for the link types that have no Ethernet header
 * (raw IP, LINKTYPE_IPV4/IPV6, Linux cooked, BSD loopback). */
#ifndef TK_TOOLS_CAPTURE_READ_H
#define TK_TOOLS_CAPTURE_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TK_CAPTURE_ERR_LEN 256u

typedef struct tk_capture {
    void *pcap;     /* pcap_t */
    FILE *mem;      /* the stream over an in-memory capture, if any */
    int linktype;   /* DLT_* */
    long ip_offset; /* where IPv4/IPv6 starts for this link type; -1: Ethernet */
    unsigned count; /* frames read so far */
    char err[TK_CAPTURE_ERR_LEN];
} tk_capture;

typedef struct tk_capture_frame {
    const uint8_t *data;
    size_t caplen; /* bytes captured */
    size_t len;    /* bytes on the wire */
    int64_t ts_sec;
    long ts_usec;
    unsigned index; /* 1-based */
} tk_capture_frame;

/* True when buf starts with a pcap or pcapng magic number. */
bool tk_capture_magic(const uint8_t *buf, size_t len);

/* Open a capture file, or a capture held in memory (stdin read whole). The
 * buffer must outlive the capture. Return 0 or -EINVAL / -ENOTSUP (link type
 * not supported) with c->err set. */
int tk_capture_open_file(tk_capture *c, const char *path);
int tk_capture_open_mem(tk_capture *c, const uint8_t *buf, size_t len);

/* Returns 1 with *f filled (valid until the next call), 0 at the end, or
 * -EIO with c->err set. */
int tk_capture_next(tk_capture *c, tk_capture_frame *f);

/* The frame's capture time in microseconds since the epoch. pcap stores
 * 32-bit seconds and microseconds; pcapng stores 64-bit ticks that libpcap
 * turns into seconds, up to 2^64 / 10^6 of them, too many to multiply by
 * 10^6 in int64_t. A microsecond field of 10^6 or more (not valid, but
 * found in crafted files) simply counts as that many microseconds. Returns
 * 0, or -ERANGE with c->err set when the time is negative or beyond
 * INT64_MAX microseconds (about 292,000 years). */
int tk_capture_ts_us(tk_capture *c, const tk_capture_frame *f, int64_t *us);

void tk_capture_close(tk_capture *c);

#endif
