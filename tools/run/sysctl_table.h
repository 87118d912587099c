/* The runner's table of sysctl names, FreeBSD's and Linux's, each mapped
 * onto a tcpkit setting (tk_config) or a fixed tcpkit behaviour
 * (docs/conformance.md lists them). */
#ifndef TK_TOOLS_RUN_SYSCTL_TABLE_H
#define TK_TOOLS_RUN_SYSCTL_TABLE_H

#include <stdint.h>

#include "tcpkit/config.h"

typedef enum sysctl_kind {
    SET_FIELD, /* setter applies the value to the configuration */
    FIXED,     /* tcpkit has one behaviour: accept only values in `ok` */
} sysctl_kind;

typedef struct sysctl_entry {
    const char *name;
    sysctl_kind kind;
    void (*set)(tk_config *cfg, uint64_t v);
    int64_t ok[2];      /* FIXED: accepted values (ok[1] = -1: only one); SET_FIELD: the
                         * range ok[0]..ok[1] when ok[1] > 0 (FreeBSD: EINVAL outside) */
    const char *reason; /* FIXED: why other values are refused */
} sysctl_entry;

/* The entry for a sysctl name (FreeBSD's or Linux's), or NULL. */
const sysctl_entry *tk_run_sysctl_find(const char *name);
const sysctl_entry *tk_run_sysctl_freebsd(const char *name);
const sysctl_entry *tk_run_sysctl_linux(const char *name);
/* NAME=VALUE assignments upstream packetdrill's defaults.sh makes that
 * tcpkit has settings for; NULL-terminated. */
extern const char *const tk_run_linux_defaults[];

#endif
