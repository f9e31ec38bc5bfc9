#include "core/label_values.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "core/metric.hpp"

namespace ainode {
namespace {

TEST(LabelValues, EmptyHoldsNothing) {
  LabelValues none;
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.size(), 0u);
  EXPECT_EQ(none.begin(), none.end());
  EXPECT_TRUE(none.to_strings().empty());
  EXPECT_EQ(none, LabelValues{});
  EXPECT_THROW((void)none.at(0), std::out_of_range);
}

TEST(LabelValues, KeepsEveryValueInOrderIncludingEmptyOnes) {
  LabelValues values{"0", "", "GPU-6e8a0f4c-2a3c-4b7e-9d1f-0c1b2a3d4e5f", "NVIDIA H100 80GB HBM3", ""};
  ASSERT_EQ(values.size(), 5u);
  EXPECT_EQ(values[0], "0");
  EXPECT_EQ(values[1], "");
  EXPECT_EQ(values[2], "GPU-6e8a0f4c-2a3c-4b7e-9d1f-0c1b2a3d4e5f");
  EXPECT_EQ(values[3], "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(values.at(4), "");
  EXPECT_THROW((void)values.at(5), std::out_of_range);
  EXPECT_EQ(values.to_strings(),
            (std::vector<std::string>{"0", "", "GPU-6e8a0f4c-2a3c-4b7e-9d1f-0c1b2a3d4e5f", "NVIDIA H100 80GB HBM3", ""}));
  std::vector<std::string> iterated;
  for (auto value : values) iterated.emplace_back(value);
  EXPECT_EQ(iterated, values.to_strings());
}

TEST(LabelValues, ValuesWithQuotesNewlinesAndNulBytesSurvive) {
  const std::string with_nul("a\0b", 3);
  const std::vector<std::string> source{"say \"hi\"\n", with_nul, std::string(70'000, 'x')};
  LabelValues values{std::span<const std::string>(source)};
  EXPECT_EQ(values.to_strings(), source);
  EXPECT_EQ(values[1].size(), 3u);
}

TEST(LabelValues, CopiesAreDeepAndEqualityComparesContent) {
  auto original = std::make_unique<LabelValues>(LabelValues{"eth0", "up"});
  LabelValues copy = *original;
  LabelValues assigned;
  assigned = copy;
  original.reset();  // the copies own their bytes
  EXPECT_EQ(copy, (LabelValues{"eth0", "up"}));
  EXPECT_EQ(assigned, copy);
  EXPECT_NE(copy, (LabelValues{"eth0", "down"}));
  EXPECT_NE(copy, (LabelValues{"eth0up"}));  // same characters, different split
  EXPECT_NE(copy, (LabelValues{"eth0", "up", ""}));
  LabelValues moved = std::move(copy);
  EXPECT_EQ(moved[0], "eth0");
}

TEST(LabelValues, MetricSetStoresSamplesFromEitherKindOfLabelList) {
  static const MetricDesc desc{"test_up", MetricType::gauge, "", "help", {"device", "state"}};
  MetricSet set;
  set.add(desc, {"eth0", "up"}, 1);
  const std::vector<std::string> owned{"eth1", "down"};
  set.add(desc, std::span<const std::string>(owned), 0);
  const Family* family = set.find("test_up");
  ASSERT_NE(family, nullptr);
  ASSERT_EQ(family->samples.size(), 2u);
  EXPECT_EQ(family->samples[0].label_values.to_strings(), (std::vector<std::string>{"eth0", "up"}));
  EXPECT_EQ(family->samples[1].label_values.to_strings(), owned);
  EXPECT_EQ(sizeof(Sample), 16u) << "one pointer and the value";
}

}  // namespace
}  // namespace ainode
