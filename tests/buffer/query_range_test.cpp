#include "buffer/query_range.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "prometheus/remote.pb.h"
#include "remote_write/snappy_block.hpp"
#include "remote_write/write_request.hpp"

namespace ainode {
namespace {

const MetricDesc kPower{"ainode_gpu_power_watts", MetricType::gauge, "watts", "Power.", {"gpu", "uuid"}};
const MetricDesc kOther{"ainode_other", MetricType::gauge, "", "Other.", {}};

StoredCycle cycle(std::uint64_t seq, std::int64_t ms, double watts) {
  MetricSet set;
  set.add(kPower, {"0", "GPU-a"}, watts);
  set.add(kPower, {"1", "GPU-b"}, watts * 2);
  set.add(kOther, 7);
  auto encoded = encode_cycle(set.families(), ms);
  return StoredCycle{seq, ms, encoded.samples, snappy_block_compress(encoded.bytes)};
}

QueryRange parse(const QueryParameters& parameters, std::int64_t now_ms = 100'000) {
  auto parsed = parse_query_range(parameters, now_ms);
  EXPECT_TRUE(std::holds_alternative<QueryRange>(parsed)) << std::get<std::string>(parsed);
  return std::get<QueryRange>(parsed);
}

std::string error_of(const QueryParameters& parameters) {
  auto parsed = parse_query_range(parameters, 100'000);
  return std::holds_alternative<std::string>(parsed) ? std::get<std::string>(parsed) : "";
}

TEST(QueryRange, ParsesSecondsDurationsAndMatchers) {
  auto query = parse({{"metric", "m"}, {"gpu", "0"}, {"start", "10.5"}, {"end", "20"}, {"step", "2s"}});
  EXPECT_EQ(query.metric, "m");
  EXPECT_EQ(query.matchers, (std::map<std::string, std::string>{{"gpu", "0"}}));
  EXPECT_EQ(query.start_ms, 10'500);
  EXPECT_EQ(query.end_ms, 20'000);
  EXPECT_EQ(query.step_ms, 2'000);
  EXPECT_EQ(parse({{"metric", "m"}, {"step", "0.5"}}).step_ms, 500);
  auto defaults = parse({{"metric", "m"}}, 3'700'000);
  EXPECT_EQ(defaults.end_ms, 3'700'000);
  EXPECT_EQ(defaults.start_ms, 100'000);
}

TEST(QueryRange, RejectsWhatItCannotAnswer) {
  EXPECT_EQ(error_of({}), "metric is required");
  EXPECT_NE(error_of({{"metric", "m"}, {"start", "yesterday"}}).find("start"), std::string::npos);
  EXPECT_EQ(error_of({{"metric", "m"}, {"start", "20"}, {"end", "10"}}), "start is after end");
  EXPECT_NE(error_of({{"metric", "m"}, {"step", "-1"}}), "");
  EXPECT_NE(error_of({{"metric", "m"}, {"start", "0"}, {"end", "100000"}, {"step", "1"}}).find("raise step"),
            std::string::npos);
}

TEST(QueryRange, StepsTakeTheNewestSampleAtOrBeforeEachStepWithMatchers) {
  std::vector<StoredCycle> cycles = {cycle(2, 12'000, 20), cycle(1, 10'000, 10), cycle(3, 14'000, 30)};
  auto query = parse({{"metric", "ainode_gpu_power_watts"}, {"gpu", "1"}, {"start", "10"}, {"end", "15"}, {"step", "1"}});
  auto answer = evaluate_query_range(query, cycles);
  EXPECT_EQ(answer["status"], "success");
  EXPECT_EQ(answer["data"]["resultType"], "matrix");
  const auto& result = answer["data"]["result"];
  ASSERT_EQ(result.size(), 1u);
  EXPECT_EQ(result[0]["metric"]["uuid"], "GPU-b");
  EXPECT_EQ(result[0]["metric"]["__name__"], "ainode_gpu_power_watts");
  EXPECT_EQ(result[0]["values"].dump(),
            R"([[10.0,"20"],[11.0,"20"],[12.0,"40"],[13.0,"40"],[14.0,"60"],[15.0,"60"]])");
}

TEST(QueryRange, NoMatchersMeansEverySeriesAndOldSamplesExpire) {
  std::vector<StoredCycle> cycles = {cycle(1, 0, 1)};
  auto query = parse({{"metric", "ainode_gpu_power_watts"}, {"start", "0"}, {"end", "600"}, {"step", "100"}});
  auto result = evaluate_query_range(query, cycles)["data"]["result"];
  ASSERT_EQ(result.size(), 2u);
  // Only the steps within the 5 min lookback of the one sample: 0, 100, 200.
  EXPECT_EQ(result[0]["values"].size(), 3u);
  auto none = parse({{"metric", "ainode_gpu_power_watts"}, {"gpu", "9"}, {"start", "0"}, {"end", "1"}});
  EXPECT_TRUE(evaluate_query_range(none, cycles)["data"]["result"].empty());
}

}  // namespace
}  // namespace ainode
