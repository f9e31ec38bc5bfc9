#include "events/snapshot_events.hpp"

#include <gtest/gtest.h>

using namespace ainode;

namespace {

const MetricDesc kThrottle{"ainode_gpu_throttle_reason", MetricType::gauge, "", "t", {"gpu", "uuid", "vendor", "reason"}};
const MetricDesc kUp{"ainode_gpu_up", MetricType::gauge, "", "u", {"gpu", "uuid", "vendor"}};
const MetricDesc kXid{"ainode_gpu_xid_errors_total", MetricType::counter, "", "x", {"gpu", "uuid", "vendor", "xid"}};
const MetricDesc kEcc{"ainode_gpu_ecc_errors_total", MetricType::counter, "", "e",
                      {"gpu", "uuid", "vendor", "type", "scope"}};
const MetricDesc kPending{"ainode_gpu_remapped_rows_pending", MetricType::gauge, "", "p", {"gpu", "uuid", "vendor"}};
const MetricDesc kFailure{"ainode_gpu_remapped_rows_failure", MetricType::gauge, "", "f", {"gpu", "uuid", "vendor"}};
const MetricDesc kWidth{"ainode_gpu_pcie_link_width", MetricType::gauge, "", "w", {"gpu", "uuid", "vendor"}};
const MetricDesc kWidthMax{"ainode_gpu_pcie_link_width_max", MetricType::gauge, "", "m", {"gpu", "uuid", "vendor"}};
const MetricDesc kEnvelope{"ainode_node_power_envelope_exceeded", MetricType::gauge, "", "n"};
const MetricDesc kScore{"ainode_degradation_score", MetricType::gauge, "", "d"};

struct GpuState {
  double sw_power_cap = 0, hw_thermal = 0, idle = 0, up = 1, xid79 = 0, xid13 = 0;
  double corrected = 10, uncorrected = 0, pending = 0, failure = 0, width = 16;
};

Snapshot snapshot(const GpuState& g, std::vector<CollectorStatus> collectors = {}, std::optional<double> envelope = {},
                  std::optional<double> score = {}) {
  MetricSet set;
  auto gpu = [](std::initializer_list<std::string_view> extra) {
    std::vector<std::string> labels{"0", "GPU-aaaa", "nvidia"};
    for (auto e : extra) labels.emplace_back(e);
    return labels;
  };
  set.add(kThrottle, gpu({"sw_power_cap"}), g.sw_power_cap);
  set.add(kThrottle, gpu({"hw_thermal"}), g.hw_thermal);
  set.add(kThrottle, gpu({"idle"}), g.idle);
  set.add(kUp, gpu({}), g.up);
  if (g.xid79 > 0) set.add(kXid, gpu({"79"}), g.xid79);
  if (g.xid13 > 0) set.add(kXid, gpu({"13"}), g.xid13);
  set.add(kEcc, gpu({"corrected", "aggregate"}), g.corrected);
  set.add(kEcc, gpu({"uncorrected", "aggregate"}), g.uncorrected);
  set.add(kEcc, gpu({"uncorrected", "volatile"}), g.uncorrected);
  set.add(kPending, gpu({}), g.pending);
  set.add(kFailure, gpu({}), g.failure);
  set.add(kWidth, gpu({}), g.width);
  set.add(kWidthMax, gpu({}), 16);
  if (envelope) set.add(kEnvelope, *envelope);
  if (score) set.add(kScore, *score);
  Snapshot s;
  s.families = std::move(set.families());
  s.collectors = std::move(collectors);
  return s;
}

std::vector<std::string> types(const std::vector<EventDraft>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.type);
  return out;
}

CollectorStatus collector(std::string name, bool success, std::string error = "") {
  CollectorStatus c;
  c.name = std::move(name);
  c.success = success;
  c.last_error = std::move(error);
  return c;
}

}  // namespace

TEST(SnapshotEvents, AHealthyGpuYieldsNothingAndNothingIsResent) {
  SnapshotEventDeriver deriver;
  EXPECT_TRUE(deriver.derive(snapshot({})).empty());
  EXPECT_TRUE(deriver.derive(snapshot({})).empty());
}

TEST(SnapshotEvents, ThrottleStartAndEndOnceEach) {
  SnapshotEventDeriver deriver;
  deriver.derive(snapshot({}));
  GpuState hot;
  hot.hw_thermal = 1;
  auto started = deriver.derive(snapshot(hot));
  ASSERT_EQ(types(started), (std::vector<std::string>{"gpu_throttle_start"}));
  EXPECT_EQ(started[0].payload["reason"], "hw_thermal");
  EXPECT_EQ(started[0].severity, Severity::warning);
  EXPECT_EQ(started[0].subject.gpu, 0u);
  EXPECT_EQ(started[0].subject.uuid, "GPU-aaaa");
  EXPECT_TRUE(deriver.derive(snapshot(hot)).empty()) << "a throttle that goes on is not re-sent";
  auto ended = deriver.derive(snapshot({}));
  ASSERT_EQ(types(ended), (std::vector<std::string>{"gpu_throttle_end"}));
}

TEST(SnapshotEvents, IdleIsNotAThrottle) {
  SnapshotEventDeriver deriver;
  GpuState idle;
  idle.idle = 1;
  EXPECT_TRUE(deriver.derive(snapshot(idle)).empty());
}

TEST(SnapshotEvents, AThrottleAlreadyOnAtStartIsReported) {
  SnapshotEventDeriver deriver;
  GpuState capped;
  capped.sw_power_cap = 1;
  EXPECT_EQ(types(deriver.derive(snapshot(capped))), (std::vector<std::string>{"gpu_throttle_start"}));
}

TEST(SnapshotEvents, XidCarriesItsMeaningAndAction) {
  SnapshotEventDeriver deriver;
  deriver.derive(snapshot({}));
  GpuState xid;
  xid.xid79 = 1;
  auto events = deriver.derive(snapshot(xid));
  ASSERT_EQ(types(events), (std::vector<std::string>{"gpu_xid"}));
  EXPECT_EQ(events[0].payload["xid"], 79);
  EXPECT_EQ(events[0].payload["meaning"], "GPU has fallen off the bus");
  EXPECT_EQ(events[0].payload["action"], "reboot_node");
  EXPECT_EQ(events[0].severity, Severity::critical);
  EXPECT_TRUE(deriver.derive(snapshot(xid)).empty());
  xid.xid79 = 3;
  events = deriver.derive(snapshot(xid));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].payload["count"], 2);
}

TEST(SnapshotEvents, EccDeltaAfterTheBaseline) {
  SnapshotEventDeriver deriver;
  GpuState g;
  g.corrected = 100;
  EXPECT_TRUE(deriver.derive(snapshot(g)).empty()) << "lifetime counts at start are the baseline";
  g.corrected = 105;
  g.uncorrected = 1;
  auto events = deriver.derive(snapshot(g));
  ASSERT_EQ(types(events), (std::vector<std::string>{"gpu_ecc_errors"}));
  EXPECT_EQ(events[0].payload["corrected"], 5);
  EXPECT_EQ(events[0].payload["uncorrected"], 1);
  EXPECT_EQ(events[0].severity, Severity::critical);
}

TEST(SnapshotEvents, RowRemapPendingAndFailure) {
  SnapshotEventDeriver deriver;
  deriver.derive(snapshot({}));
  GpuState g;
  g.pending = 1;
  auto pending = deriver.derive(snapshot(g));
  ASSERT_EQ(types(pending), (std::vector<std::string>{"gpu_row_remap"}));
  EXPECT_EQ(pending[0].payload["kind"], "pending");
  g.failure = 1;
  auto failure = deriver.derive(snapshot(g));
  ASSERT_EQ(types(failure), (std::vector<std::string>{"gpu_row_remap"}));
  EXPECT_EQ(failure[0].payload["kind"], "failure");
  EXPECT_EQ(failure[0].severity, Severity::critical);
}

TEST(SnapshotEvents, GpuLostAndRecovered) {
  SnapshotEventDeriver deriver;
  deriver.derive(snapshot({}));
  GpuState lost;
  lost.up = 0;
  EXPECT_EQ(types(deriver.derive(snapshot(lost))), (std::vector<std::string>{"gpu_lost"}));
  EXPECT_EQ(types(deriver.derive(snapshot({}))), (std::vector<std::string>{"gpu_recovered"}));
}

TEST(SnapshotEvents, PcieWidthDegradedAndRestored) {
  SnapshotEventDeriver deriver;
  deriver.derive(snapshot({}));
  GpuState narrow;
  narrow.width = 8;
  auto degraded = deriver.derive(snapshot(narrow));
  ASSERT_EQ(types(degraded), (std::vector<std::string>{"gpu_pcie_link_degraded"}));
  EXPECT_EQ(degraded[0].payload["width"], 8);
  EXPECT_EQ(types(deriver.derive(snapshot({}))), (std::vector<std::string>{"gpu_pcie_link_restored"}));
}

TEST(SnapshotEvents, CollectorFailedThenRecovered) {
  SnapshotEventDeriver deriver;
  EXPECT_TRUE(deriver.derive(snapshot({}, {collector("cpu", true)})).empty());
  auto failed = deriver.derive(snapshot({}, {collector("cpu", false, "/proc/stat: gone")}));
  ASSERT_EQ(types(failed), (std::vector<std::string>{"collector_failed"}));
  EXPECT_EQ(failed[0].subject.collector, "cpu");
  EXPECT_EQ(failed[0].payload["error"], "/proc/stat: gone");
  EXPECT_TRUE(deriver.derive(snapshot({}, {collector("cpu", false, "/proc/stat: gone")})).empty());
  EXPECT_EQ(types(deriver.derive(snapshot({}, {collector("cpu", true)}))),
            (std::vector<std::string>{"collector_recovered"}));
}

TEST(SnapshotEvents, PowerEnvelopeExceededAndCleared) {
  SnapshotEventDeriver deriver;
  deriver.derive(snapshot({}, {}, 0.0));
  EXPECT_EQ(types(deriver.derive(snapshot({}, {}, 1.0))), (std::vector<std::string>{"power_envelope_exceeded"}));
  EXPECT_EQ(types(deriver.derive(snapshot({}, {}, 0.0))), (std::vector<std::string>{"power_envelope_cleared"}));
}

TEST(SnapshotEvents, DegradationOnlyWhenTheBandChanges) {
  SnapshotEventDeriver deriver;
  EXPECT_TRUE(deriver.derive(snapshot({}, {}, {}, 0.9)).empty()) << "the first snapshot's score is partial";
  auto severe = deriver.derive(snapshot({}, {}, {}, 0.6));
  ASSERT_EQ(types(severe), (std::vector<std::string>{"degradation_changed"}));
  EXPECT_EQ(severe[0].payload["band"], "severe");
  EXPECT_TRUE(deriver.derive(snapshot({}, {}, {}, 0.7)).empty());
  auto ok = deriver.derive(snapshot({}, {}, {}, 0.0));
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_EQ(ok[0].payload["band"], "ok");
  EXPECT_EQ(ok[0].payload["previous_band"], "severe");
}
