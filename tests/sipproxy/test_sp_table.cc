// The session table (open addressing, backward-shift delete, half-open FIFO) and the
// CPS token bucket, through their private interfaces.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <string>

extern "C" {
#include "sp_internal.h"
}

namespace {

sr_slice sl(const std::string &s)
{
	return sr_slice_make(s.data(), s.size());
}

TEST(SipProxyTable, InsertFindRemoveUnderChurn)
{
	sp_table t;
	ASSERT_EQ(sp_table_init(&t, 64), 0);
	std::map<std::string, sp_session *> live;
	std::string tag = "t";
	srand(7);
	for (int round = 0; round < 20000; round++) {
		std::string cid = "c" + std::to_string(rand() % 200) + "@x";
		uint64_t h = sp_key_hash(sl(cid), sl(tag));
		// a weak hash too, so that runs of collisions exercise the backward shift
		if (round % 2)
			h &= 0x7;
		auto it = live.find(cid);
		sp_session *s = sp_table_find(&t, sl(cid), sl(tag), it != live.end() ? it->second->hash : h);
		if (it != live.end()) {
			ASSERT_EQ(s, it->second) << cid;
			sp_table_remove(&t, s);
			live.erase(it);
		} else {
			ASSERT_EQ(s, nullptr);
			s = sp_table_insert(&t, sl(cid), sl(tag), h);
			if (live.size() == 64) {
				ASSERT_EQ(s, nullptr);
				continue;
			}
			ASSERT_NE(s, nullptr);
			s->state = SP_EARLY;
			live[cid] = s;
		}
		ASSERT_EQ(t.used, live.size());
		for (auto &kv : live)
			ASSERT_EQ(sp_table_find(&t, sl(kv.first), sl(tag), kv.second->hash), kv.second);
	}
	sp_table_fini(&t);
}

TEST(SipProxyTable, LongKeysAreToldApartByLengthAndHash)
{
	sp_table t;
	ASSERT_EQ(sp_table_init(&t, 4), 0);
	std::string a(300, 'a'), b = a;
	b[299] = 'b';
	uint64_t ha = sp_key_hash(sl(a), sl("x")), hb = sp_key_hash(sl(b), sl("x"));
	ASSERT_NE(ha, hb);
	sp_session *sa = sp_table_insert(&t, sl(a), sl("x"), ha);
	ASSERT_NE(sa, nullptr);
	EXPECT_EQ(sp_table_find(&t, sl(b), sl("x"), hb), nullptr);
	EXPECT_EQ(sp_table_find(&t, sl(a), sl("x"), ha), sa);
	sp_table_fini(&t);
}

TEST(SipProxyTable, HalfOpenFifo)
{
	sp_table t;
	ASSERT_EQ(sp_table_init(&t, 8), 0);
	sp_session *s[3];
	for (int i = 0; i < 3; i++) {
		std::string c = "h" + std::to_string(i);
		s[i] = sp_table_insert(&t, sl(c), sl(""), sp_key_hash(sl(c), sl("")));
		sp_ho_push(&t, s[i]);
	}
	EXPECT_EQ(sp_ho_oldest(&t), s[0]);
	sp_ho_unlink(&t, s[0]);
	EXPECT_EQ(sp_ho_oldest(&t), s[1]);
	sp_table_remove(&t, s[1]); // removal unlinks too
	EXPECT_EQ(sp_ho_oldest(&t), s[2]);
	sp_ho_unlink(&t, s[2]);
	EXPECT_EQ(sp_ho_oldest(&t), nullptr);
	sp_table_fini(&t);
}

TEST(SipProxyCps, TokenBucket)
{
	sp_cps c;
	sp_cps_init(&c, 10, 0, 0);
	for (int i = 0; i < 10; i++)
		EXPECT_TRUE(sp_cps_take(&c, 0));
	EXPECT_FALSE(sp_cps_take(&c, 0));
	EXPECT_FALSE(sp_cps_take(&c, 99999));
	EXPECT_TRUE(sp_cps_take(&c, 100000)); // 0.1 s at 10/s
	EXPECT_FALSE(sp_cps_take(&c, 100000));
	// a long idle refills to the burst, not beyond, and does not overflow
	EXPECT_TRUE(sp_cps_take(&c, UINT64_MAX / 2));
	int n = 1;
	while (sp_cps_take(&c, UINT64_MAX / 2))
		n++;
	EXPECT_EQ(n, 10);
	sp_cps_init(&c, 0, 0, 0);
	for (int i = 0; i < 1000; i++)
		EXPECT_TRUE(sp_cps_take(&c, 0));
}

TEST(SipProxyBranch, CancelAndAckShareTheInviteBranch)
{
	const char *inv = "INVITE sip:b@198.18.2.2 SIP/2.0\r\nVia: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bKx\r\n"
			  "Max-Forwards: 70\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: q@x\r\n"
			  "CSeq: 9 INVITE\r\n\r\n";
	const char *ack = "ACK sip:b@198.18.2.2 SIP/2.0\r\nVia: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bKx\r\n"
			  "Max-Forwards: 70\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=99\r\nCall-ID: q@x\r\n"
			  "CSeq: 9 ACK\r\n\r\n";
	const char *bye = "BYE sip:b@198.18.2.2 SIP/2.0\r\nVia: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bKy\r\n"
			  "Max-Forwards: 70\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=99\r\nCall-ID: q@x\r\n"
			  "CSeq: 10 BYE\r\n\r\n";
	static sr_sip_msg m;
	char b1[SP_BRANCH_LEN + 1], b2[SP_BRANCH_LEN + 1], b3[SP_BRANCH_LEN + 1], b4[SP_BRANCH_LEN + 1];
	ASSERT_EQ(sr_sip_parse(&m, inv, strlen(inv), nullptr), 0);
	sp_branch_make(&m, 0, b1);
	sp_branch_make(&m, 1, b4);
	ASSERT_EQ(sr_sip_parse(&m, ack, strlen(ack), nullptr), 0);
	sp_branch_make(&m, 0, b2);
	ASSERT_EQ(sr_sip_parse(&m, bye, strlen(bye), nullptr), 0);
	sp_branch_make(&m, 0, b3);
	EXPECT_STREQ(b1, b2);
	EXPECT_STRNE(b1, b3);
	EXPECT_STRNE(b1, b4);
	EXPECT_EQ(strlen(b1), (size_t)SP_BRANCH_LEN);
	EXPECT_EQ(sp_branch_pos(sr_slice_make(b1, strlen(b1))), 0);
	EXPECT_EQ(sp_branch_pos(sr_slice_make(b4, strlen(b4))), 1);
	EXPECT_EQ(sp_branch_pos(sr_slice_make("z9hG4bKx", 8)), -1);
}

} // namespace
