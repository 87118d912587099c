/* tcpi_* names (Linux's struct tcp_info) -> the fields of tk_tcp_info, for
 * getsockopt(TCP_INFO) structs and %{ assert tcpi_X == N }% blocks. */
#include <stddef.h>
#include <string.h>

#include "runner.h"

#define F(name)                                                                                    \
    { #name, offsetof(tk_tcp_info, name), sizeof(((tk_tcp_info *)0)->name) }

typedef struct tcpi_field {
    const char *name;
    size_t off, size;
} tcpi_field;

static const tcpi_field fields[] = {
    F(tcpi_state),
    F(tcpi_ca_state),
    F(tcpi_retransmits),
    F(tcpi_probes),
    F(tcpi_backoff),
    F(tcpi_options),
    F(tcpi_snd_wscale),
    F(tcpi_rcv_wscale),
    F(tcpi_rto),
    F(tcpi_ato),
    F(tcpi_snd_mss),
    F(tcpi_advmss),
    F(tcpi_pmtu),
    F(tcpi_rtt),
    F(tcpi_rttvar),
    F(tcpi_snd_ssthresh),
    F(tcpi_snd_cwnd),
    F(tcpi_reordering),
    F(tcpi_rack_reo_wnd),
    F(tcpi_last_data_sent),
    F(tcpi_last_data_recv),
    F(tcpi_bytes_acked),
    F(tcpi_bytes_received),
    F(tcpi_notsent_bytes),
    F(tcpi_snd_wnd),
    F(tcpi_rcv_wnd),
    F(tcpi_unacked_bytes),
    F(tcpi_pacing_rate),
};

bool tk_run_tcpi_field(const tk_tcp_info *ti, const char *name, uint64_t *out) {
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (strcmp(fields[i].name, name))
            continue;
        const unsigned char *p = (const unsigned char *)ti + fields[i].off;
        uint32_t u32;
        if (fields[i].size == 1) {
            *out = *p;
        } else if (fields[i].size == 4) {
            memcpy(&u32, p, 4);
            *out = u32;
        } else {
            memcpy(out, p, 8);
        }
        return true;
    }
    return false;
}
