/* SPDX-License-Identifier: BSD-3-Clause */
/* The public Unix sockets: bound with mode 0660, removed on exit. */
#ifndef SIPRELAY_CONTROL_UNIX_LISTEN_H
#define SIPRELAY_CONTROL_UNIX_LISTEN_H

/* Bind (and listen, for SOCK_STREAM) a non-blocking socket at path. A stale socket
 * file that nobody answers on is replaced; a live one is -EADDRINUSE. fd or -errno. */
int unix_listen(const char *path, int type);

#endif
