/* SPDX-License-Identifier: BSD-3-Clause */
/* pcapng by hand: siprelay-control has no EAL, and the format is a few blocks. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace_writer.h"

#define OPT_ENDOFOPT 0
#define OPT_COMMENT 1
#define SHB_USERAPPL 4
#define IF_NAME 2
#define IF_TSRESOL 9
#define EPB_FLAGS 2
#define NAME_MAX_LEN 64

struct trace_writer {
	int fd;
	int error;                 /* first write error, kept */
	unsigned int n_ifaces;
	char ifname[PCAPNG_MAX_IFACES][NAME_MAX_LEN];
	uint64_t packets;
	uint64_t bytes;            /* of the file */
};

/* A block being built: fixed header fields, options, body, then the length trailer. */
struct block {
	uint8_t *p;
	size_t len;
	size_t cap;
};

static size_t
pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static int
put(struct block *b, const void *data, size_t n)
{
	size_t need = b->len + pad4(n);

	if (need > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		uint8_t *p;

		while (cap < need)
			cap *= 2;
		p = realloc(b->p, cap);
		if (p == NULL)
			return -ENOMEM;
		b->p = p;
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->p + b->len, data, n);
	memset(b->p + b->len + n, 0, pad4(n) - n);
	b->len = need;
	return 0;
}

static int
put32(struct block *b, uint32_t v)
{
	return put(b, &v, 4);
}

static int
put_opt(struct block *b, uint16_t code, const void *val, uint16_t len)
{
	uint16_t h[2] = { code, len };

	return put(b, h, 4) < 0 || put(b, val, len) < 0 ? -ENOMEM : 0;
}

/* Block type and a placeholder for the length; finish() fills in both lengths. */
static int
start(struct block *b, uint32_t type)
{
	b->len = 0;
	return put32(b, type) < 0 || put32(b, 0) < 0 ? -ENOMEM : 0;
}

static int
finish_and_write(struct trace_writer *w, struct block *b)
{
	uint32_t total;
	size_t off = 0;

	if (put32(b, 0) < 0) {
		free(b->p);
		return -ENOMEM;
	}
	total = (uint32_t)b->len;
	memcpy(b->p + 4, &total, 4);
	memcpy(b->p + b->len - 4, &total, 4);
	while (w->error == 0 && off < b->len) {
		ssize_t n = write(w->fd, b->p + off, b->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			w->error = n < 0 ? -errno : -EIO;
		else
			off += (size_t)n;
	}
	free(b->p);
	if (w->error == 0)
		w->bytes += total;
	return w->error;
}

static int
write_shb(struct trace_writer *w, const char *comment)
{
	static const char app[] = "siprelay-control";
	struct block b = { 0 };
	uint16_t ver[2] = { 1, 0 };
	int64_t section_len = -1; /* unknown: the file grows */
	int ret = start(&b, PCAPNG_SHB);

	ret = ret ? ret : put32(&b, PCAPNG_BOM);
	ret = ret ? ret : put(&b, ver, 4);
	ret = ret ? ret : put(&b, &section_len, 8);
	if (ret == 0 && comment != NULL && comment[0] != '\0')
		ret = put_opt(&b, OPT_COMMENT, comment, (uint16_t)strnlen(comment, 1024));
	ret = ret ? ret : put_opt(&b, SHB_USERAPPL, app, sizeof(app) - 1);
	ret = ret ? ret : put_opt(&b, OPT_ENDOFOPT, NULL, 0);
	if (ret < 0) {
		free(b.p);
		return ret;
	}
	return finish_and_write(w, &b);
}

int
trace_writer_open(struct trace_writer **out, const char *path, int overwrite,
		  const char *comment)
{
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW;
	struct trace_writer *w;
	struct stat st;
	int ret;

	*out = NULL;
	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return -ENOMEM;
	flags |= overwrite ? O_TRUNC | O_NONBLOCK : O_EXCL;
	w->fd = open(path, flags, 0640);
	if (w->fd < 0) {
		ret = -errno;
		free(w);
		return ret;
	}
	/* O_NONBLOCK above: opening a FIFO someone put there must not hang the daemon */
	if (fstat(w->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(w->fd);
		free(w);
		return -EINVAL;
	}
	if (overwrite)
		fcntl(w->fd, F_SETFL, 0);
	ret = write_shb(w, comment);
	if (ret < 0) {
		trace_writer_close(w);
		return ret;
	}
	*out = w;
	return 0;
}

int
trace_writer_iface(struct trace_writer *w, const char *name)
{
	struct block b = { 0 };
	uint16_t lt[2] = { PCAPNG_LINKTYPE_ETHERNET, 0 };
	uint8_t tsresol = 9; /* 10^-9 s */
	unsigned int i;
	int ret;

	for (i = 0; i < w->n_ifaces; i++)
		if (strncmp(w->ifname[i], name, NAME_MAX_LEN - 1) == 0)
			return (int)i;
	if (w->n_ifaces == PCAPNG_MAX_IFACES)
		return -ENOSPC;
	ret = start(&b, PCAPNG_IDB);
	ret = ret ? ret : put(&b, lt, 4);
	ret = ret ? ret : put32(&b, PCAPNG_SNAPLEN);
	ret = ret ? ret : put_opt(&b, IF_NAME, name, (uint16_t)strnlen(name, NAME_MAX_LEN - 1));
	ret = ret ? ret : put_opt(&b, IF_TSRESOL, &tsresol, 1);
	ret = ret ? ret : put_opt(&b, OPT_ENDOFOPT, NULL, 0);
	if (ret < 0) {
		free(b.p);
		return ret;
	}
	ret = finish_and_write(w, &b);
	if (ret < 0)
		return ret;
	strncpy(w->ifname[w->n_ifaces], name, NAME_MAX_LEN - 1);
	return (int)w->n_ifaces++;
}

int
trace_writer_packet(struct trace_writer *w, unsigned int iface, uint64_t ts_ns, const void *data,
		    uint32_t cap_len, uint32_t orig_len, enum trace_dir dir)
{
	struct block b = { 0 };
	uint32_t flags = (uint32_t)dir & 3u;
	int ret;

	if (iface >= w->n_ifaces || cap_len > orig_len || cap_len > PCAPNG_SNAPLEN)
		return -EINVAL;
	ret = start(&b, PCAPNG_EPB);
	ret = ret ? ret : put32(&b, iface);
	ret = ret ? ret : put32(&b, (uint32_t)(ts_ns >> 32));
	ret = ret ? ret : put32(&b, (uint32_t)ts_ns);
	ret = ret ? ret : put32(&b, cap_len);
	ret = ret ? ret : put32(&b, orig_len);
	ret = ret ? ret : put(&b, data, cap_len);
	if (ret == 0 && flags != 0)
		ret = put_opt(&b, EPB_FLAGS, &flags, 4);
	ret = ret ? ret : put_opt(&b, OPT_ENDOFOPT, NULL, 0);
	if (ret < 0) {
		free(b.p);
		return ret;
	}
	ret = finish_and_write(w, &b);
	if (ret == 0)
		w->packets++;
	return ret;
}

int
trace_writer_close(struct trace_writer *w)
{
	int ret;

	if (w == NULL)
		return 0;
	ret = w->error;
	if (close(w->fd) < 0 && ret == 0)
		ret = -errno;
	free(w);
	return ret;
}

uint64_t trace_writer_packets(const struct trace_writer *w) { return w->packets; }
uint64_t trace_writer_bytes(const struct trace_writer *w) { return w->bytes; }
