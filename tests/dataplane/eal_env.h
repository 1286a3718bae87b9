// EAL for a test process: no hugepages (so no --in-memory: EAL refuses both), --no-shconf, unique prefix, so that the
// test runs next to any other test (and under ASan).
#pragma once
#include <string>
#include <vector>

#include <unistd.h>

#include <gtest/gtest.h>
#include <rte_eal.h>

class EalEnv : public ::testing::Environment {
public:
	explicit EalEnv(const char *mem_mb = "512", const char *lcores = "0",
			std::vector<std::string> extra = {})
		: mem_(mem_mb), lcores_(lcores), extra_(std::move(extra)) {}
	void SetUp() override
	{
		std::string prefix = "srtest" + std::to_string(getpid());
		std::vector<std::string> a = {"test", "--no-huge", "-m", mem_, "--no-shconf",
			"--no-pci", "-l", lcores_, "--file-prefix", prefix, "--log-level", "lib.*:error",
			"--no-telemetry"};
		a.insert(a.end(), extra_.begin(), extra_.end());
		std::vector<char *> argv;
		for (auto &s : a)
			argv.push_back(&s[0]);
		ASSERT_GE(rte_eal_init((int)argv.size(), argv.data()), 0);
	}
	void TearDown() override { rte_eal_cleanup(); }

private:
	std::string mem_;
	std::string lcores_;
	std::vector<std::string> extra_;
};
