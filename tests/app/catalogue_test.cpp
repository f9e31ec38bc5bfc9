#include "app/catalogue.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace ainode;

TEST(Catalogue, EveryMetricFollowsTheNamingRules) {
  auto entries = metric_catalogue();
  EXPECT_GT(entries.size(), 5u);
  for (const auto& problem : catalogue_problems(entries)) ADD_FAILURE() << problem;
}

TEST(Catalogue, ChecksCatchViolations) {
  const MetricDesc bad_counter{"ainode_things", MetricType::counter, "", "Things.", {}};
  const MetricDesc bad_unit{"ainode_size", MetricType::gauge, "bytes", "Size.", {}};
  const MetricDesc bad_prefix{"node_load1", MetricType::gauge, "", "", {"a", "a"}};
  const MetricDesc bad_word{"ainode_hw_counter_total", MetricType::counter, "", "Words.", {}};
  const MetricDesc bad_suffix{"ainode_cpu_count", MetricType::gauge, "", "Suffix.", {}};
  auto problems = catalogue_problems(
      {{"t", &bad_counter}, {"t", &bad_unit}, {"t", &bad_prefix}, {"t", &bad_unit}, {"t", &bad_word}, {"t", &bad_suffix}});
  std::string all;
  for (const auto& p : problems) all += p + "\n";
  EXPECT_NE(all.find("ainode_things: counter without _total suffix"), std::string::npos) << all;
  EXPECT_NE(all.find("ainode_size: name does not end with its unit _bytes"), std::string::npos) << all;
  EXPECT_NE(all.find("node_load1: missing ainode_ prefix"), std::string::npos) << all;
  EXPECT_NE(all.find("node_load1: no help text"), std::string::npos) << all;
  EXPECT_NE(all.find("node_load1: duplicate label a"), std::string::npos) << all;
  EXPECT_NE(all.find("ainode_size: defined twice"), std::string::npos) << all;
  EXPECT_NE(all.find("ainode_hw_counter_total: name includes the type word counter"), std::string::npos) << all;
  EXPECT_NE(all.find("ainode_cpu_count: reserved suffix _count"), std::string::npos) << all;
}

TEST(Catalogue, DocsAreGeneratedFromIt) {
  std::ifstream file(std::string(AINODE_SOURCE_DIR) + "/docs/metrics.md");
  std::stringstream committed;
  committed << file.rdbuf();
  EXPECT_EQ(committed.str(), catalogue_markdown(metric_catalogue()))
      << "docs/metrics.md is stale: run `make docs` and commit the result";
}
