// Stream table: publish/unpublish, QSBR-delayed reuse, bulk lookup, 1,000,000 streams.
#include <cstdio>
#include <cstring>

#include <gtest/gtest.h>

#include "eal_env.h"

extern "C" {
#include <rte_errno.h>
#include <rte_rcu_qsbr.h>

#include "session_table.h"
}

namespace {

::testing::Environment *const env = ::testing::AddGlobalTestEnvironment(new EalEnv("1536"));

struct relay_stream mk(uint32_t addr, uint16_t port)
{
	struct relay_stream s = {};
	for (int l = 0; l < 2; l++) {
		s.leg[l].family = RELAY_FAMILY_IPV4;
		s.leg[l].iface = (uint8_t)l;
		s.leg[l].local_addr = addr;
		s.leg[l].local_port = port;
	}
	return s;
}

struct relay_table *mktable(const char *name, uint32_t cap, uint32_t max_addrs = 0)
{
	struct relay_table_params p = {};
	p.name = name;
	p.capacity = cap;
	p.socket_id = SOCKET_ID_ANY;
	p.max_readers = 2;
	p.max_addrs = max_addrs;
	return relay_table_create(&p);
}

TEST(Table, AddFindDelete)
{
	struct relay_table *t = mktable("t1", 64);
	ASSERT_NE(t, nullptr);
	struct relay_stream s = mk(0x01020304, 10000);
	int h = relay_table_add(t, &s);
	ASSERT_GE(h, 0);
	EXPECT_EQ(relay_table_count(t), 1u);
	EXPECT_EQ(relay_table_add(t, &s), -EADDRINUSE);
	struct relay_stream odd = mk(0x01020304, 10001);
	EXPECT_EQ(relay_table_add(t, &odd), -EINVAL); // RTP ports are even

	struct relay_key k;
	unsigned int leg = 9;
	relay_key_of_leg(&k, &s.leg[1]);
	EXPECT_EQ(relay_table_find(t, &k, &leg), h);
	EXPECT_EQ(leg, 1u);
	ASSERT_NE(relay_table_get(t, h), nullptr);
	EXPECT_TRUE(relay_table_get(t, h)->leg[0].flags & RELAY_LEG_ACTIVE);

	EXPECT_EQ(relay_table_del(t, h), 0);
	EXPECT_EQ(relay_table_del(t, h), -ENOENT);
	EXPECT_EQ(relay_table_find(t, &k, nullptr), -ENOENT);
	EXPECT_EQ(relay_table_get(t, h), nullptr);
	EXPECT_EQ(relay_table_count(t), 0u);
	relay_table_free(t);
}

TEST(Table, SlotNotReusedBeforeGracePeriod)
{
	struct relay_table *t = mktable("t2", 2);
	ASSERT_NE(t, nullptr);
	struct rte_rcu_qsbr *q = relay_table_qsbr(t);
	ASSERT_EQ(rte_rcu_qsbr_thread_register(q, 0), 0);
	rte_rcu_qsbr_thread_online(q, 0);

	struct relay_stream a = mk(1, 100), b = mk(1, 102), c = mk(1, 104);
	int ha = relay_table_add(t, &a);
	int hb = relay_table_add(t, &b);
	ASSERT_GE(ha, 0);
	ASSERT_GE(hb, 0);
	EXPECT_EQ(relay_table_add(t, &c), -ENOSPC);
	uint32_t gen = relay_table_get(t, ha)->gen;
	ASSERT_EQ(relay_table_del(t, ha), 0);
	// the reader has not passed a quiescent state: the slot stays reserved
	relay_table_reclaim(t);
	EXPECT_EQ(relay_table_add(t, &c), -ENOSPC);
	rte_rcu_qsbr_quiescent(q, 0);
	int hc = relay_table_add(t, &c);
	EXPECT_EQ(hc, ha);
	EXPECT_EQ(relay_table_get(t, hc)->gen, gen + 1);

	rte_rcu_qsbr_thread_offline(q, 0);
	rte_rcu_qsbr_thread_unregister(q, 0);
	relay_table_free(t);
}

TEST(Table, PortReusedAtOnceStreamSlotAfterGracePeriod)
{
	struct relay_table *t = mktable("t5", 4);
	ASSERT_NE(t, nullptr);
	struct rte_rcu_qsbr *q = relay_table_qsbr(t);
	ASSERT_EQ(rte_rcu_qsbr_thread_register(q, 0), 0);
	rte_rcu_qsbr_thread_online(q, 0);

	struct relay_stream a = mk(0x0a000001, 4000);
	struct relay_key k;
	relay_key_of_leg(&k, &a.leg[0]);
	int h1 = relay_table_add(t, &a);
	ASSERT_GE(h1, 0);
	// a reader holding h1 has not passed a quiescent state
	ASSERT_EQ(relay_table_del(t, h1), 0);
	int h2 = relay_table_add(t, &a); // the ports are free again at once...
	ASSERT_GE(h2, 0);
	EXPECT_NE(h2, h1); // ...but not the stream slot the reader may still read
	EXPECT_EQ(relay_table_find(t, &k, nullptr), h2);
	struct relay_key odd = k;
	odd.port++;
	EXPECT_EQ(relay_table_find(t, &odd, nullptr), -ENOENT); // RTCP port: no key

	rte_rcu_qsbr_thread_offline(q, 0);
	rte_rcu_qsbr_thread_unregister(q, 0);
	relay_table_free(t);
}

TEST(Table, AddressesBoundedAndCounted)
{
	// each local address in use holds one index page: at most max_addrs of them
	struct relay_table *t = mktable("t6", 16, 3);
	ASSERT_NE(t, nullptr);
	size_t empty = relay_table_bytes(t);
	struct relay_stream s = mk(1, 100); // addresses (1, iface 0) and (1, iface 1)
	ASSERT_GE(relay_table_add(t, &s), 0);
	EXPECT_GE(relay_table_bytes(t), empty + 2 * RELAY_PAGE_ENTRIES * sizeof(uint32_t));
	s = mk(1, 102); // same addresses: no new page
	size_t two = relay_table_bytes(t);
	ASSERT_GE(relay_table_add(t, &s), 0);
	EXPECT_EQ(relay_table_bytes(t), two);
	s = mk(2, 104);
	s.leg[1].local_addr = 1; // one new address: fits
	ASSERT_GE(relay_table_add(t, &s), 0);
	s = mk(3, 100);
	EXPECT_EQ(relay_table_add(t, &s), -ENOSPC); // a fourth address does not
	EXPECT_EQ(relay_table_count(t), 3u);
	relay_table_free(t);
}

TEST(Table, BulkLookup)
{
	const int kN = 32; // 16 streams x 2 legs, half at odd ports
	struct relay_table *t = mktable("t3", 100);
	ASSERT_NE(t, nullptr);
	struct relay_key keys[kN];
	const struct relay_key *kp[kN];
	uint64_t vals[kN];
	int h[16];

	for (int i = 0; i < 16; i++) {
		struct relay_stream s = mk(7, (uint16_t)(2000 + 2 * i));
		s.leg[1].local_addr = 8;
		h[i] = relay_table_add(t, &s);
		ASSERT_GE(h[i], 0);
	}
	for (int i = 0; i < kN; i++) {
		keys[i] = {};
		keys[i].family = RELAY_FAMILY_IPV4;
		keys[i].iface = (uint8_t)(i & 1);
		keys[i].addr = (i & 1) ? 8 : 7;
		keys[i].port = (uint16_t)(2000 + 2 * (i / 2) + ((i % 4) == 3 ? 1 : 0));
		kp[i] = &keys[i];
	}
	uint64_t hits = relay_table_lookup(t, kp, kN, vals);
	for (int i = 0; i < kN; i++) {
		bool expect = (i % 4) != 3; // odd ports are not keys
		ASSERT_EQ(!!(hits & (1ull << i)), expect) << i;
		if (expect) {
			EXPECT_EQ(RELAY_VAL_HANDLE(vals[i]), (uint32_t)h[i / 2]);
			EXPECT_EQ(RELAY_VAL_LEG(vals[i]), (unsigned)(i & 1));
		}
	}
	relay_table_free(t);
}

TEST(Table, OneMillionStreamsFit)
{
	const uint32_t n = 1000000;
	struct relay_table *t = mktable("t4", n);
	ASSERT_NE(t, nullptr) << rte_strerror(rte_errno);
	for (uint32_t i = 0; i < n; i++) {
		// 40 addresses x 25,000 even ports, as a media address pool would give
		struct relay_stream s = mk(0xc6124000 + i / 25000, (uint16_t)(10000 + 2 * (i % 25000)));
		ASSERT_GE(relay_table_add(t, &s), 0) << i;
	}
	EXPECT_EQ(relay_table_count(t), n);
	printf("bytes_per_stream=%zu (table %zu bytes, stream %zu)\n",
	       relay_table_bytes(t) / n, relay_table_bytes(t), sizeof(struct relay_stream));
	EXPECT_LT(relay_table_bytes(t) / n, 1024u);
	relay_table_free(t);
}

} // namespace
