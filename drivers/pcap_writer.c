/* Classic pcap file writer; see pcap_writer.h. The format is the one of
 * libpcap's savefile.c: a 24-byte global header, then per frame a 16-byte
 * record header and the captured bytes, all in the writer's byte order. */
#include "pcap_writer.h"

#include <errno.h>
#include <string.h>

static void put_u16(uint8_t *p, uint16_t v) {
    memcpy(p, &v, sizeof v);
}
static void put_u32(uint8_t *p, uint32_t v) {
    memcpy(p, &v, sizeof v);
}

static int write_all(FILE *fp, const void *buf, size_t len) {
    if (len == 0)
        return 0;
    return fwrite(buf, 1, len, fp) == len ? 0 : -EIO;
}

int tk_pcap_open_stream(tk_pcap_writer *w, FILE *fp, bool nanosecond) {
    if (!w || !fp)
        return -EINVAL;
    memset(w, 0, sizeof *w);
    uint8_t hdr[TK_PCAP_FILE_HDR_LEN];
    put_u32(hdr, nanosecond ? TK_PCAP_MAGIC_NS : TK_PCAP_MAGIC_US);
    put_u16(hdr + 4, 2); /* version 2.4 */
    put_u16(hdr + 6, 4);
    put_u32(hdr + 8, 0);  /* thiszone: timestamps are UTC */
    put_u32(hdr + 12, 0); /* sigfigs */
    put_u32(hdr + 16, TK_PCAP_SNAPLEN);
    put_u32(hdr + 20, TK_PCAP_LINKTYPE_ETHERNET);
    if (write_all(fp, hdr, sizeof hdr) != 0 || fflush(fp) != 0)
        return -EIO;
    w->fp = fp;
    w->nanosecond = nanosecond;
    return 0;
}

int tk_pcap_open(tk_pcap_writer *w, const char *path, bool nanosecond) {
    if (!w || !path)
        return -EINVAL;
    if (strcmp(path, "-") == 0)
        return tk_pcap_open_stream(w, stdout, nanosecond);
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return errno ? -errno : -EIO;
    int rc = tk_pcap_open_stream(w, fp, nanosecond);
    if (rc != 0) {
        fclose(fp);
        return rc;
    }
    w->owns_fp = true;
    return 0;
}

int tk_pcap_write(tk_pcap_writer *w, tk_time t_us, const uint8_t *frame, size_t len) {
    if (!w || !w->fp || (!frame && len > 0))
        return -EINVAL;
    size_t caplen = len > TK_PCAP_SNAPLEN ? TK_PCAP_SNAPLEN : len;
    uint64_t frac = t_us % 1000000u;
    uint8_t rec[TK_PCAP_REC_HDR_LEN];
    /* The classic format has 32-bit seconds; virtual time stays far below. */
    put_u32(rec, (uint32_t)(t_us / 1000000u));
    put_u32(rec + 4, (uint32_t)(w->nanosecond ? frac * 1000u : frac));
    put_u32(rec + 8, (uint32_t)caplen);
    put_u32(rec + 12, len > UINT32_MAX ? UINT32_MAX : (uint32_t)len);
    if (write_all(w->fp, rec, sizeof rec) != 0 || write_all(w->fp, frame, caplen) != 0 ||
        fflush(w->fp) != 0)
        return -EIO;
    w->frames++;
    return 0;
}

int tk_pcap_close(tk_pcap_writer *w) {
    if (!w || !w->fp)
        return 0;
    int rc = fflush(w->fp) == 0 ? 0 : -EIO;
    if (w->owns_fp && fclose(w->fp) != 0)
        rc = -EIO;
    w->fp = NULL;
    w->owns_fp = false;
    return rc;
}
