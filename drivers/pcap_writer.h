/* Classic libpcap capture files (LINKTYPE_ETHERNET), written frame by frame.
 *
 * Any link can record what it carries: the simulated link, the TAP driver and
 * the tools call tk_pcap_write() with the frame and its time (SPEC OBS-1).
 * The file header is written at open; each record is flushed to the stream so
 * a reader sees whole records even while the writer is still running. */
#ifndef TK_DRIVERS_PCAP_WRITER_H
#define TK_DRIVERS_PCAP_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tcpkit/types.h"

#define TK_PCAP_MAGIC_US          0xa1b2c3d4u /* microsecond timestamps */
#define TK_PCAP_MAGIC_NS          0xa1b23c4du /* nanosecond timestamps */
#define TK_PCAP_SNAPLEN           65535u
#define TK_PCAP_LINKTYPE_ETHERNET 1u
#define TK_PCAP_FILE_HDR_LEN      24
#define TK_PCAP_REC_HDR_LEN       16

typedef struct tk_pcap_writer {
    FILE *fp;
    bool nanosecond; /* record timestamps carry nanoseconds */
    bool owns_fp;    /* tk_pcap_close() closes fp (it came from tk_pcap_open) */
    uint64_t frames; /* records written */
} tk_pcap_writer;

/* Creates (truncates) `path` and writes the file header. "-" means stdout.
 * Returns 0 or a negative errno value (-EINVAL, or the error of fopen/fwrite). */
int tk_pcap_open(tk_pcap_writer *w, const char *path, bool nanosecond);

/* Writes the file header to an already open stream; tk_pcap_close() flushes
 * it but does not close it. Returns 0 or a negative errno value. */
int tk_pcap_open_stream(tk_pcap_writer *w, FILE *fp, bool nanosecond);

/* Appends one frame captured at t_us (microseconds since the clock's epoch;
 * virtual time 0 is 1970-01-01 00:00:00 for readers). Frames longer than the
 * snap length are cut to it and keep their original length in the record.
 * Returns 0, -EINVAL (no open writer, NULL frame with len > 0) or -EIO. */
int tk_pcap_write(tk_pcap_writer *w, tk_time t_us, const uint8_t *frame, size_t len);

/* Flushes and, when the writer opened the file, closes it. Safe to call
 * twice. Returns 0 or -EIO when the final flush or close failed. */
int tk_pcap_close(tk_pcap_writer *w);

#endif
