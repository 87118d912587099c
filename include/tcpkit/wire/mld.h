/* MLDv2 reports (RFC 3810 5.2): what a host sends so that snooping
 * switches deliver its multicast groups (here: the solicited-node groups
 * of its addresses, RFC 4861 7.2.1). */
#ifndef TCPKIT_WIRE_MLD_H
#define TCPKIT_WIRE_MLD_H

#include <stddef.h>
#include <stdint.h>

#define TK_MLD2_IS_EXCLUDE 2 /* current-state record: listening (answer to a query) */
#define TK_MLD2_TO_EXCLUDE 4 /* state-change record: joined */
#define TK_MLD_QUERY       130
#define TK_MLD_HBH_LEN     8 /* the hop-by-hop header with the router alert */

/* The 8-byte hop-by-hop header every MLD message carries (RFC 3810 5: a
 * Router Alert, RFC 2711, value 0), next header ICMPv6. */
int tk_wire_mld_hbh_emit(uint8_t *buf, size_t cap);
/* A report with one record of record_type and no sources per group (n
 * groups of 16 bytes, one after the other), from
 * src to ff02::16, as a complete ICMPv6 message with its checksum. Returns
 * the length, TK_WIRE_NOSPACE or TK_WIRE_INVAL (no group, or more than
 * 64). */
int tk_wire_mld2_report_emit(const uint8_t *groups, size_t n, uint8_t record_type,
                             const uint8_t src[16], uint8_t *buf, size_t cap);

#endif
