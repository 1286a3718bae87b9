/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A pcapng file (draft-ietf-opsawg-pcapng) written block by block: one section header,
 * one Ethernet interface description per interface name, an enhanced packet block per
 * frame with nanosecond timestamps and its direction. Every block goes out in one
 * write(), so a file cut short by a crash still ends on a block boundary that tshark
 * and sngrep read.
 */
#ifndef SIPRELAY_CONTROL_TRACE_WRITER_H
#define SIPRELAY_CONTROL_TRACE_WRITER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PCAPNG_SHB 0x0A0D0D0Au
#define PCAPNG_IDB 0x00000001u
#define PCAPNG_EPB 0x00000006u
#define PCAPNG_BOM 0x1A2B3C4Du
#define PCAPNG_LINKTYPE_ETHERNET 1
#define PCAPNG_SNAPLEN 262144u
#define PCAPNG_MAX_IFACES 16

/* Direction of an EPB (epb_flags bits 0-1). */
enum trace_dir {
	TRACE_DIR_UNKNOWN = 0,
	TRACE_DIR_IN = 1,
	TRACE_DIR_OUT = 2,
};

struct trace_writer;

/*
 * Creates path (mode 0640) and writes the section header; comment (may be NULL) goes
 * into it. An existing file is refused (-EEXIST) unless overwrite, and then only a
 * regular file; a symbolic link as the last component is always refused (-ELOOP).
 */
int trace_writer_open(struct trace_writer **out, const char *path, int overwrite,
		      const char *comment);
/* The index of interface name, described on first use; -errno on a write error or
 * when PCAPNG_MAX_IFACES are in use (-ENOSPC). */
int trace_writer_iface(struct trace_writer *w, const char *name);
/* One frame: cap_len bytes of data, orig_len its length on the wire (>= cap_len). */
int trace_writer_packet(struct trace_writer *w, unsigned int iface, uint64_t ts_ns,
			const void *data, uint32_t cap_len, uint32_t orig_len, enum trace_dir dir);
/* Closes the file (NULL is fine); 0 or the first write error. */
int trace_writer_close(struct trace_writer *w);

uint64_t trace_writer_packets(const struct trace_writer *w);
uint64_t trace_writer_bytes(const struct trace_writer *w);

#ifdef __cplusplus
}
#endif

#endif
