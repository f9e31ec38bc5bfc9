// /stats/summary parsed on strings: a real-shaped answer, missing parts,
// and text that is not the Summary API.
#include "k8s/kubelet_summary_parser.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "collector_test_support.hpp"
#include "core/text.hpp"

using namespace ainode;

TEST(KubeletSummary, RealShapedAnswer) {
  std::ifstream file(ainode::testing::fixture_path("kubelet/summary.json"));
  std::stringstream text;
  text << file.rdbuf();
  auto summary = parse_kubelet_summary(text.str());
  EXPECT_EQ(summary.node_name, "gpu-node-01");
  EXPECT_EQ(summary.node_fs.capacity_bytes, 1919413953331.0);
  EXPECT_EQ(summary.node_fs.available_bytes, 1319413953331.0);
  EXPECT_EQ(summary.node_fs.used_bytes, 600000000000.0);
  EXPECT_EQ(summary.image_fs.used_bytes, 82000000000.0);
  ASSERT_EQ(summary.pods.size(), 2u) << "the pod without ephemeral-storage stats is left out";
  EXPECT_EQ(summary.pods[0].namespace_name, "ml-team");
  EXPECT_EQ(summary.pods[0].pod, "trainer-0");
  EXPECT_EQ(summary.pods[0].uid, "3f2b8c1e-5d4a-4b6c-9e8f-0a1b2c3d4e5f");
  EXPECT_EQ(summary.pods[0].used_bytes, 21528313856.0);
  EXPECT_EQ(summary.pods[1].used_bytes, 4096.0);
}

TEST(KubeletSummary, MissingPartsAreAbsent) {
  auto summary = parse_kubelet_summary(R"({"node": {"fs": {"capacityBytes": 100}}, "pods": "not a list"})");
  EXPECT_EQ(summary.node_fs.capacity_bytes, 100.0);
  EXPECT_FALSE(summary.node_fs.used_bytes.has_value());
  EXPECT_FALSE(summary.image_fs.capacity_bytes.has_value());
  EXPECT_TRUE(summary.pods.empty());
  auto empty = parse_kubelet_summary("{}");
  EXPECT_FALSE(empty.node_fs.capacity_bytes.has_value());
  auto wrong_types = parse_kubelet_summary(R"({"node": {"fs": {"capacityBytes": "100"}}, "pods": [{"podRef": 3}, 7]})");
  EXPECT_FALSE(wrong_types.node_fs.capacity_bytes.has_value());
  EXPECT_TRUE(wrong_types.pods.empty());
}

TEST(KubeletSummary, NotTheSummaryApi) {
  EXPECT_THROW(parse_kubelet_summary(""), ParseError);
  EXPECT_THROW(parse_kubelet_summary("<html>401 Unauthorized</html>"), ParseError);
  EXPECT_THROW(parse_kubelet_summary("{\"node\": {"), ParseError);
  EXPECT_THROW(parse_kubelet_summary("[1, 2]"), ParseError);
  EXPECT_THROW(parse_kubelet_summary("null"), ParseError);
}
