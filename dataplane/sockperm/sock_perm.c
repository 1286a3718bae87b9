/* SPDX-License-Identifier: BSD-3-Clause */
#define _GNU_SOURCE /* struct ucred, SO_PEERGROUPS, getgrouplist */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <siprelay/sock_perm.h>

#define GROUPS_MAX 1024     /* of a datagram sender's user, from the group database */
#define NGROUPS_KERNEL 65536 /* Linux's limit of supplementary groups of a process */

int
sock_perm_init(struct sock_perm *p, const char *group, char *err, size_t len)
{
	struct group gr, *res = NULL;
	char buf[4096];
	int ret;

	memset(p, 0, sizeof(*p));
	p->owner = geteuid();
	p->gid = getegid();
	if (group == NULL || group[0] == '\0') {
		snprintf(p->group, sizeof(p->group), "%u", (unsigned int)p->gid);
		return 0;
	}
	if (strlen(group) >= sizeof(p->group)) {
		snprintf(err, len, "socket group '%.40s...' is too long", group);
		return -EINVAL;
	}
	ret = getgrnam_r(group, &gr, buf, sizeof(buf), &res);
	if (res == NULL) {
		if (ret != 0 && ret != ENOENT && ret != ESRCH)
			snprintf(err, len, "socket group '%s': %s", group, strerror(ret));
		else
			snprintf(err, len, "socket group '%s' does not exist (see getent group)",
				 group);
		return ret != 0 && ret != ENOENT && ret != ESRCH ? -ret : -ENOENT;
	}
	p->gid = gr.gr_gid;
	p->named = true;
	snprintf(p->group, sizeof(p->group), "%s", group);
	return 0;
}

bool
sock_perm_allows(const struct sock_perm *p, uid_t uid, gid_t gid, const gid_t *groups,
		 size_t n_groups)
{
	if (uid == 0 || uid == p->owner || gid == p->gid)
		return true;
	for (size_t i = 0; i < n_groups; i++)
		if (groups[i] == p->gid)
			return true;
	return false;
}

int
sock_perm_bind(const struct sock_perm *p, int fd, const struct sockaddr_un *sa, mode_t mode)
{
	mode_t old;
	int ret;

	/* the file is created as 0777 & ~umask: never more open than mode, not even briefly */
	old = umask(~mode & 0777);
	ret = bind(fd, (const struct sockaddr *)sa, sizeof(*sa));
	umask(old);
	if (ret < 0)
		return -errno;
	ret = sock_perm_chgrp(p, sa->sun_path);
	if (ret < 0)
		unlink(sa->sun_path);
	return ret;
}

int
sock_perm_chgrp(const struct sock_perm *p, const char *path)
{
	/* lchown: a symlink put at path meanwhile is not followed */
	if (p->gid != getegid() && lchown(path, (uid_t)-1, p->gid) < 0)
		return -errno;
	return 0;
}

static void
describe(char *who, size_t len, pid_t pid, uid_t uid, gid_t gid)
{
	if (who != NULL && len > 0)
		snprintf(who, len, "uid %u gid %u pid %d", (unsigned int)uid, (unsigned int)gid,
			 (int)pid);
}

int
sock_perm_check_peer(const struct sock_perm *p, int fd, char *who, size_t len)
{
	struct ucred cr;
	socklen_t cl = sizeof(cr);
	gid_t few[64], *groups = few;
	socklen_t gl = sizeof(few);
	int ret;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &cl) < 0)
		return -errno;
	describe(who, len, cr.pid, cr.uid, cr.gid);
	if (sock_perm_allows(p, cr.uid, cr.gid, NULL, 0))
		return 0;
	ret = getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &gl);
	if (ret < 0 && errno == ERANGE && gl <= NGROUPS_KERNEL * sizeof(gid_t)) {
		/* more groups than fit: gl says how many bytes they take */
		groups = malloc(gl);
		if (groups == NULL)
			return -ENOMEM;
		ret = getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &gl);
	}
	ret = ret == 0 && sock_perm_allows(p, cr.uid, cr.gid, groups, gl / sizeof(gid_t)) ?
		0 : -EACCES;
	if (groups != few)
		free(groups);
	return ret;
}

int
sock_perm_passcred(int fd)
{
	int on = 1;

	return setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) < 0 ? -errno : 0;
}

/* A datagram's sender has no SO_PEERGROUPS: its user's groups from the group database. */
static bool
member_by_name(const struct sock_perm *p, uid_t uid, gid_t gid)
{
	struct passwd pw, *res = NULL;
	char buf[4096];
	gid_t groups[GROUPS_MAX];
	int n = GROUPS_MAX;

	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) != 0 || res == NULL)
		return false;
	if (getgrouplist(pw.pw_name, gid, groups, &n) < 0)
		n = GROUPS_MAX;
	return sock_perm_allows(p, uid, gid, groups, (size_t)n);
}

ssize_t
sock_perm_recvfrom(const struct sock_perm *p, int fd, void *buf, size_t len, int flags,
		   struct sockaddr *from, socklen_t *fromlen, char *who, size_t wholen)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = {
		.msg_name = from,
		.msg_namelen = *fromlen,
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	struct ucred cr;
	bool have = false;
	ssize_t n;

	if (p == NULL) {
		n = recvfrom(fd, buf, len, flags | MSG_DONTWAIT, from, fromlen);
		return n < 0 ? -errno : n;
	}
	n = recvmsg(fd, &msg, flags | MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n < 0)
		return -errno;
	*fromlen = msg.msg_namelen;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
			memcpy(&cr, CMSG_DATA(c), sizeof(cr));
			have = true;
		}
	if (!have) {
		describe(who, wholen, 0, (uid_t)-1, (gid_t)-1);
		return -EACCES; /* SO_PASSCRED is off: nothing to judge by */
	}
	describe(who, wholen, cr.pid, cr.uid, cr.gid);
	if (sock_perm_allows(p, cr.uid, cr.gid, NULL, 0) || member_by_name(p, cr.uid, cr.gid))
		return n;
	return -EACCES;
}
