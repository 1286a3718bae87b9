/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Who may use siprelay's Unix sockets (dataplane.sock, control.sock, rtpproxy.sock):
 * root, the serving process's own user, and members of the socket group (a named group,
 * else the process's own). The socket file gets mode 0660 and that group; the peer of
 * every connection (or every datagram) is checked again from its kernel credentials, so
 * that a socket reachable by mistake (a chmod, a copied fd) still refuses strangers.
 */
#ifndef SIPRELAY_SOCK_PERM_H
#define SIPRELAY_SOCK_PERM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SOCK_PERM_GROUP_MAX 64

struct sock_perm {
	uid_t owner;                       /* the serving process's effective uid */
	gid_t gid;                         /* socket group */
	bool named;                        /* gid came from a group name */
	char group[SOCK_PERM_GROUP_MAX];   /* its name, for messages */
};

/* group NULL or "": the process's effective group. -ENOENT when the group does not
 * exist, -EINVAL for a bad name; err says which. */
int sock_perm_init(struct sock_perm *p, const char *group, char *err, size_t len);

/* The rule: root, the owner, or gid / a supplementary group equal to the socket group. */
bool sock_perm_allows(const struct sock_perm *p, uid_t uid, gid_t gid, const gid_t *groups,
		      size_t n_groups);

/*
 * Binds fd to sa's path with the file never more open than mode (the umask covers the
 * bind), then gives it the socket group. Nothing can connect before the caller listens,
 * and until the group is set only the owner could. 0 or -errno (-EPERM: the process
 * may not give files that group).
 */
int sock_perm_bind(const struct sock_perm *p, int fd, const struct sockaddr_un *sa,
		   mode_t mode);

/* A socket file bound already with mode 0660 or tighter gets the socket group. 0 or
 * -errno (-EPERM: the process may not give files that group). */
int sock_perm_chgrp(const struct sock_perm *p, const char *path);

/* The connected peer of fd (stream or seqpacket, from SO_PEERCRED and SO_PEERGROUPS):
 * 0 allowed, -EACCES refused, other -errno. who gets "uid U gid G pid P" either way. */
int sock_perm_check_peer(const struct sock_perm *p, int fd, char *who, size_t len);

/* A SOCK_DGRAM socket: every datagram carries its sender's credentials (SO_PASSCRED). */
int sock_perm_passcred(int fd);

/*
 * recvfrom() (flags as there, plus MSG_DONTWAIT) on a socket set up with
 * sock_perm_passcred(): the length, -EACCES when the sender is refused (the datagram is
 * consumed; who says who sent it), -EAGAIN when nothing was waiting, other -errno.
 * p NULL: a plain recvfrom() for sockets that carry no credentials (UDP).
 */
ssize_t sock_perm_recvfrom(const struct sock_perm *p, int fd, void *buf, size_t len, int flags,
			   struct sockaddr *from, socklen_t *fromlen, char *who, size_t wholen);

#ifdef __cplusplus
}
#endif

#endif
