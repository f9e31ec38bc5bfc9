#include "app/cycle_history.hpp"

#include <gtest/gtest.h>

#include "collectors/gpu/gpu_metrics.hpp"

using namespace ainode;

namespace {

GpuReading gpu(unsigned index, double utilization, double watts) {
  GpuReading g;
  g.index = index;
  g.uuid = "GPU-" + std::to_string(index);
  g.utilization_ratio = utilization;
  g.power_watts = watts;
  g.temperature_celsius = 60 + index;
  g.clocks_hertz = {{"sm", 1.98e9}, {"memory", 2.6e9}};
  g.memory_used_bytes = 40e9;
  return g;
}

Snapshot snapshot_of(const std::vector<GpuReading>& gpus, std::optional<double> cpu) {
  std::map<NvmlErrorKey, std::uint64_t> errors;
  std::map<NvmlCallKey, std::uint64_t> slow;
  GpuEventLog::Counts events;
  GpuMetricInputs in{gpus, events, errors, slow, "550.54.15", "12.4"};
  MetricSet set;
  add_gpu_metrics(in, set);
  Snapshot snapshot;
  snapshot.families = set.families();
  snapshot.summary.cpu_utilization_ratio = cpu;
  return snapshot;
}

}  // namespace

TEST(CycleHistory, SeriesOldestFirstWithNullsWhereAGpuWasAbsent) {
  CycleHistory history(1.0, 120);
  history.observe(snapshot_of({gpu(0, 0.5, 300)}, 0.25));
  history.observe(snapshot_of({gpu(0, 0.75, 400), gpu(1, 1.0, 700)}, std::nullopt));
  auto json = history.to_json();
  EXPECT_EQ(json["interval_seconds"], 1.0);
  EXPECT_EQ(json["cycles"], 2);
  EXPECT_EQ(json["series"]["0"]["utilization"], nlohmann::json::parse("[0.5, 0.75]"));
  EXPECT_EQ(json["series"]["0"]["power_watts"], nlohmann::json::parse("[300.0, 400.0]"));
  EXPECT_EQ(json["series"]["1"]["power_watts"], nlohmann::json::parse("[null, 700.0]"));
  EXPECT_EQ(json["series"]["1"]["temperature_celsius"], nlohmann::json::parse("[null, 61.0]"));
  EXPECT_FLOAT_EQ(json["series"]["0"]["sm_clock_hertz"][1].get<float>(), 1.98e9f);
  EXPECT_FLOAT_EQ(json["series"]["0"]["memory_used_bytes"][0].get<float>(), 40e9f);
  EXPECT_EQ(json["node"]["cpu_utilization"], nlohmann::json::parse("[0.25, null]"));
  EXPECT_EQ(json["node"]["power_watts"], nlohmann::json::parse("[null, null]"));
}

TEST(CycleHistory, KeepsOnlyTheLastCapacityCycles) {
  CycleHistory history(5.0, 3);
  for (int i = 0; i < 10; ++i) history.observe(snapshot_of({gpu(0, i / 10.0, 100.0 * i)}, std::nullopt));
  auto json = history.to_json();
  EXPECT_EQ(json["cycles"], 3);
  EXPECT_EQ(json["series"]["0"]["power_watts"], nlohmann::json::parse("[700.0, 800.0, 900.0]"));
}

TEST(CycleHistory, EmptyBeforeTheFirstCycle) {
  CycleHistory history(5.0);
  auto json = history.to_json();
  EXPECT_EQ(json["cycles"], 0);
  EXPECT_TRUE(json["series"].empty());
  EXPECT_TRUE(json["node"]["cpu_utilization"].empty());
}
