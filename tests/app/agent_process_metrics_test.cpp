#include "app/agent_process_metrics.hpp"

#include <gtest/gtest.h>

#include "../temp_tree.hpp"

using namespace ainode;

namespace {
double value_of(const MetricSet& set, std::string_view name) {
  const Family* family = set.find(name);
  return family && !family->samples.empty() ? family->samples[0].value : -1;
}
}  // namespace

TEST(AgentProcessMetrics, ReadsThisProcess) {
  MetricSet set;
  add_agent_process_metrics(set);
  EXPECT_GT(value_of(set, "ainode_agent_resident_memory_bytes"), 1024 * 1024);
  EXPECT_GE(value_of(set, "ainode_agent_threads"), 1);
  EXPECT_GE(value_of(set, "ainode_agent_open_fds"), 3);  // stdin, stdout, stderr at least
  EXPECT_GE(value_of(set, "ainode_agent_cpu_seconds_total"), 0);
}

TEST(AgentProcessMetrics, GarbageStatAddsNothing) {
  ainode::testing::TempTree tree;
  tree.write("self/stat", "not a stat line");
  MetricSet set;
  add_agent_process_metrics(set, (tree.path() / "self").string());
  EXPECT_TRUE(set.empty());
}
