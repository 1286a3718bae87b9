/* SPDX-License-Identifier: BSD-3-Clause */
/* Interface MAC, next hop and neighbour lookups from the namespace's kernel (neigh.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "neigh.h"
#include "spec.h"

#define ARP_F_COMPLETE 0x2 /* ATF_COM */
#define ROUTE_F_UP 0x1     /* RTF_UP */

int
neigh_if_mac(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr = {0};
	int fd, err = 0;

	if (strlen(ifname) >= sizeof(ifr.ifr_name))
		return -ENODEV;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	strcpy(ifr.ifr_name, ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		err = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
	return err;
}

int
neigh_route_parse(FILE *route, const char *ifname, uint32_t dst, uint32_t *hop)
{
	char line[512], dev[IF_NAMESIZE + 1];
	unsigned int d, gw, flags, mask;
	int best = -1;

	/* the table prints each address as the hex of its network-order 32-bit word */
	while (fgets(line, sizeof(line), route) != NULL) {
		if (sscanf(line, "%16s %x %x %x %*d %*u %*d %x", dev, &d, &gw, &flags, &mask) != 5)
			continue; /* the header line */
		if (strcmp(dev, ifname) != 0 || !(flags & ROUTE_F_UP) || (dst & mask) != d)
			continue;
		int len = __builtin_popcount(mask);

		if (len > best) {
			best = len;
			*hop = gw != 0 ? gw : dst;
		}
	}
	return best < 0 ? -ENETUNREACH : 0;
}

int
neigh_arp_parse(FILE *arp, const char *ifname, uint32_t ip, uint8_t mac[6])
{
	char line[512], addr[INET_ADDRSTRLEN + 1], hw[32], dev[IF_NAMESIZE + 1];
	unsigned int flags;
	uint32_t a;

	while (fgets(line, sizeof(line), arp) != NULL) {
		if (sscanf(line, "%16s %*x %x %31s %*s %16s", addr, &flags, hw, dev) != 4)
			continue; /* the header line */
		if (inet_pton(AF_INET, addr, &a) != 1 || a != ip || strcmp(dev, ifname) != 0 ||
		    !(flags & ARP_F_COMPLETE))
			continue;
		return spec_mac(hw, mac) < 0 ? -EINVAL : 0;
	}
	return -ENOENT;
}

static int
parse_file(const char *path, const char *ifname, uint32_t key, void *out,
	   int (*parse)(FILE *, const char *, uint32_t, void *))
{
	FILE *f = fopen(path, "re");
	int err;

	if (f == NULL)
		return -errno;
	err = parse(f, ifname, key, out);
	fclose(f);
	return err;
}

static int
route_cb(FILE *f, const char *ifname, uint32_t dst, void *hop)
{
	return neigh_route_parse(f, ifname, dst, hop);
}

static int
arp_cb(FILE *f, const char *ifname, uint32_t ip, void *mac)
{
	return neigh_arp_parse(f, ifname, ip, mac);
}

/* One empty datagram to hop:9 out of ifname: the kernel resolves the hop to send it. */
static void
poke(const char *ifname, uint32_t hop)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(9)};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return;
	sa.sin_addr.s_addr = hop;
	/* failures show up as a missing neighbour entry below */
	(void)setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname));
	(void)sendto(fd, "", 0, MSG_DONTWAIT, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
}

int
neigh_resolve(const char *ifname, uint32_t dst, uint8_t mac[6], unsigned wait_ms)
{
	const struct timespec tick = {0, 10 * 1000 * 1000};
	uint32_t hop;
	int err;

	err = parse_file("/proc/net/route", ifname, dst, &hop, route_cb);
	if (err < 0)
		return err;
	if (parse_file("/proc/net/arp", ifname, hop, mac, arp_cb) == 0)
		return 0;
	poke(ifname, hop);
	for (unsigned t = 0; t < wait_ms; t += 10) {
		nanosleep(&tick, NULL);
		if (parse_file("/proc/net/arp", ifname, hop, mac, arp_cb) == 0)
			return 0;
	}
	return -EHOSTUNREACH;
}
