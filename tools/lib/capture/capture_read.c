/* Capture reading through libpcap. */
#define _DEFAULT_SOURCE /* libpcap's headers use the BSD u_int/u_char types */
#include "capture_read.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <string.h>

/* Where IP (version 4 or 6, told by its first nibble) starts for each
 * supported link type (-1: an Ethernet header). */
static long ip_offset_for(int linktype) {
    switch (linktype) {
    case DLT_EN10MB:
        return -1;
    case DLT_RAW:
    case DLT_IPV4:
    case DLT_IPV6:
        return 0;
    case DLT_NULL:
    case DLT_LOOP:
        return 4;
    case DLT_LINUX_SLL:
        return 16;
    case DLT_LINUX_SLL2:
        return 20;
    default:
        return -2;
    }
}

bool tk_capture_magic(const uint8_t *b, size_t len) {
    static const uint8_t magics[][4] = {
        {0xd4, 0xc3, 0xb2, 0xa1}, {0xa1, 0xb2, 0xc3, 0xd4}, /* pcap, microseconds */
        {0x4d, 0x3c, 0xb2, 0xa1}, {0xa1, 0xb2, 0x3c, 0x4d}, /* pcap, nanoseconds */
        {0x0a, 0x0d, 0x0d, 0x0a},                           /* pcapng section header */
    };
    if (len < 4)
        return false;
    for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++)
        if (!memcmp(b, magics[i], 4))
            return true;
    return false;
}

static int finish_open(tk_capture *c, pcap_t *p) {
    c->pcap = p;
    c->count = 0;
    c->linktype = pcap_datalink(p);
    c->ip_offset = ip_offset_for(c->linktype);
    if (c->ip_offset < -1) {
        snprintf(c->err, sizeof c->err, "link type %s (%d) is not supported",
                 pcap_datalink_val_to_name(c->linktype) ? pcap_datalink_val_to_name(c->linktype)
                                                        : "unknown",
                 c->linktype);
        tk_capture_close(c);
        return -ENOTSUP;
    }
    return 0;
}

int tk_capture_open_file(tk_capture *c, const char *path) {
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    memset(c, 0, sizeof *c);
    pcap_t *p = pcap_open_offline(path, errbuf);
    if (!p) {
        snprintf(c->err, sizeof c->err, "%s", errbuf);
        return -EINVAL;
    }
    return finish_open(c, p);
}

int tk_capture_open_mem(tk_capture *c, const uint8_t *buf, size_t len) {
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    memset(c, 0, sizeof *c);
    c->mem = fmemopen((void *)(uintptr_t)buf, len, "rb");
    if (!c->mem) {
        snprintf(c->err, sizeof c->err, "cannot read the capture from memory: %s", strerror(errno));
        return -EINVAL;
    }
    pcap_t *p = pcap_fopen_offline(c->mem, errbuf);
    if (!p) {
        fclose(c->mem);
        c->mem = NULL;
        snprintf(c->err, sizeof c->err, "%s", errbuf);
        return -EINVAL;
    }
    c->mem = NULL; /* pcap_close closes the stream */
    return finish_open(c, p);
}

/* pcap stores seconds and microseconds as unsigned 32-bit fields, but
 * libpcap hands them over sign-extended on some builds (0xFFFFFFFF becomes
 * -1, 1970 instead of 2106). pcapng times are never that negative. */
static int64_t u32_field(int64_t v) {
    return v < 0 && v >= INT32_MIN ? v + INT64_C(4294967296) : v;
}

int tk_capture_next(tk_capture *c, tk_capture_frame *f) {
    struct pcap_pkthdr *h;
    const u_char *data;
    int rc = pcap_next_ex(c->pcap, &h, &data);
    if (rc == PCAP_ERROR_BREAK)
        return 0;
    if (rc != 1) {
        snprintf(c->err, sizeof c->err, "%s", pcap_geterr(c->pcap));
        return -EIO;
    }
    f->data = data;
    f->caplen = h->caplen;
    f->len = h->len;
    f->ts_sec = u32_field((int64_t)h->ts.tv_sec);
    f->ts_usec = (long)u32_field((int64_t)h->ts.tv_usec);
    f->index = ++c->count;
    return 1;
}

int tk_capture_ts_us(tk_capture *c, const tk_capture_frame *f, int64_t *us) {
    const uint64_t max = (uint64_t)INT64_MAX;
    uint64_t sec = (uint64_t)f->ts_sec, usec = (uint64_t)f->ts_usec;
    if (f->ts_sec < 0 || f->ts_usec < 0 || sec > max / 1000000u || usec > max - sec * 1000000u) {
        snprintf(c->err, sizeof c->err,
                 "packet %u: timestamp out of range (%lld s + %ld us), not analysed", f->index,
                 (long long)f->ts_sec, f->ts_usec);
        return -ERANGE;
    }
    *us = (int64_t)(sec * 1000000u + usec);
    return 0;
}

void tk_capture_close(tk_capture *c) {
    if (c->pcap)
        pcap_close(c->pcap);
    c->pcap = NULL;
}
