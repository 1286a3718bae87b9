/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which data plane interface faces the caller ("access") and which the callee
 * ("core") for sessions made through rtpproxy.sock. dataplane.sock's hello carries
 * only the number of interfaces, so the names come from the data plane's config file
 * (--config): an interface with "role = access|core" wins, otherwise the first
 * [interface NAME] section is the access side and the second the core side. Without
 * a config the names are "access" and "core" (the lab's and the example's).
 */
#ifndef SIPRELAY_CONTROL_IFACES_H
#define SIPRELAY_CONTROL_IFACES_H

#define IFACE_NAME_MAX 32

struct ifaces {
	char access[IFACE_NAME_MAX];
	char core[IFACE_NAME_MAX];
};

void ifaces_default(struct ifaces *ifs);
/* 0, or -errno with a message in err */
int ifaces_from_config(struct ifaces *ifs, const char *path, char *err, unsigned int len);

#endif
