#include "aiops/risk_tracker.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "collectors/gpu/gpu_metrics.hpp"
#include "events/xid_event.hpp"
#include "temp_tree.hpp"

using namespace ainode;
using namespace std::chrono_literals;

namespace {

const auto t0 = std::chrono::system_clock::time_point(std::chrono::hours(500000));

Snapshot snapshot_of(bool remap_pending, bool up = true) {
  GpuReading g;
  g.index = 0;
  g.uuid = "GPU-a";
  g.up = up;
  g.remapped_rows_pending = remap_pending;
  g.remapped_rows_failure = false;
  std::vector<GpuReading> gpus{g};
  GpuEventLog::Counts events;
  std::map<NvmlErrorKey, std::uint64_t> errors;
  std::map<NvmlCallKey, std::uint64_t> slow;
  MetricSet set;
  add_gpu_metrics(GpuMetricInputs{gpus, events, errors, slow, "550.54.15", "12.4"}, set);
  Snapshot s;
  s.families = std::move(set.families());
  return s;
}

std::vector<EventPtr> of_type(const EventBus& bus, const std::string& type) {
  std::vector<EventPtr> out;
  for (const auto& e : bus.recent(100)) {
    if (e->type() == type) out.push_back(e);
  }
  return out;
}

}  // namespace

TEST(RiskTracker, AnnouncesAChangedActionOnce) {
  EventBus bus;
  RiskTracker risk(bus, "");
  risk.observe_at(snapshot_of(false), t0);
  EXPECT_TRUE(of_type(bus, "gpu_risk_changed").empty());  // none at first sight is no news
  risk.observe_at(snapshot_of(true), t0 + 5s);
  risk.observe_at(snapshot_of(true), t0 + 10s);
  auto changes = of_type(bus, "gpu_risk_changed");
  ASSERT_EQ(changes.size(), 1u);
  const auto payload = nlohmann::json::parse(changes[0]->json())["payload"];
  EXPECT_EQ(payload["action"], "reset");
  EXPECT_EQ(payload["previous_action"], "none");
  EXPECT_EQ(payload["uuid"], "GPU-a");
  EXPECT_EQ(payload["reasons"][0]["reason"], "row_remap_pending");
  risk.observe_at(snapshot_of(false), t0 + 15s);
  EXPECT_EQ(of_type(bus, "gpu_risk_changed").size(), 2u);
}

TEST(RiskTracker, ExportsMetricsAndTheRiskOfV1Gpus) {
  EventBus bus;
  RiskTracker risk(bus, "");
  risk.observe_at(snapshot_of(true), t0);
  MetricSet set;
  risk.add_metrics(set);
  const Family* value = set.find("ainode_gpu_failure_risk");
  ASSERT_NE(value, nullptr);
  EXPECT_EQ(value->samples[0].label_values.to_strings(), (std::vector<std::string>{"0", "GPU-a"}));
  EXPECT_DOUBLE_EQ(value->samples[0].value, 0.5);
  const Family* reason = set.find("ainode_gpu_failure_risk_reason");
  ASSERT_NE(reason, nullptr);
  EXPECT_EQ(reason->samples[0].label_values[2], "row_remap_pending");
  const Family* action = set.find("ainode_gpu_failure_risk_action");
  ASSERT_NE(action, nullptr);
  EXPECT_EQ(action->samples.size(), 5u);
  nlohmann::json gpu{{"uuid", "GPU-a"}};
  risk.annotate_gpu(gpu);
  EXPECT_EQ(gpu["risk"]["action"], "reset");
  EXPECT_DOUBLE_EQ(gpu["risk"]["value"].get<double>(), 0.5);
  EXPECT_EQ(gpu["risk"]["reasons"][0]["reason"], "row_remap_pending");
  nlohmann::json other{{"uuid", "GPU-z"}};
  risk.annotate_gpu(other);
  EXPECT_FALSE(other.contains("risk"));
}

TEST(RiskTracker, CountsXidsFromTheBusWhicheverSource) {
  EventBus bus;
  RiskTracker risk(bus, "");
  EventSubject subject;
  subject.gpu = 0;
  subject.uuid = "GPU-a";
  bus.publish(xid_event(subject, 79, 1, "kmsg"));  // stamped now by the bus
  risk.observe_at(snapshot_of(false), std::chrono::system_clock::now());
  nlohmann::json gpu{{"uuid", "GPU-a"}};
  risk.annotate_gpu(gpu);
  EXPECT_EQ(gpu["risk"]["action"], "reset");
  EXPECT_EQ(gpu["risk"]["reasons"][0]["reason"], "xid_reboot_node");
  EXPECT_EQ(of_type(bus, "gpu_risk_changed").size(), 1u);
}

TEST(RiskTracker, HistorySurvivesARestart) {
  ainode::testing::TempTree tree;
  std::string file = (tree.path() / "risk.json").string();
  EventSubject subject;
  subject.gpu = 0;
  subject.uuid = "GPU-a";
  {
    EventBus bus;
    RiskTracker risk(bus, file);
    bus.publish(xid_event(subject, 79, 1, "kmsg"));
    risk.observe_at(snapshot_of(false), std::chrono::system_clock::now());
    EXPECT_EQ(risk.state_problem(), "");
  }
  ASSERT_TRUE(std::filesystem::exists(file));
  EventBus bus;
  RiskTracker risk(bus, file);
  risk.observe_at(snapshot_of(false), std::chrono::system_clock::now());
  nlohmann::json gpu{{"uuid", "GPU-a"}};
  risk.annotate_gpu(gpu);
  EXPECT_EQ(gpu["risk"]["action"], "reset");  // the XID 79 from before the restart
  // Already announced before the restart: not news again.
  EXPECT_TRUE(of_type(bus, "gpu_risk_changed").empty());
}

TEST(RiskTracker, ACorruptHistoryIsSetAsideNotFatal) {
  ainode::testing::TempTree tree;
  std::string file = (tree.path() / "risk.json").string();
  std::ofstream(file) << "{\"version\": 1, \"gpus\": [{\"uuid\": 3";
  EventBus bus;
  RiskTracker risk(bus, file);
  EXPECT_NE(risk.state_problem().find("set aside"), std::string::npos) << risk.state_problem();
  EXPECT_FALSE(std::filesystem::exists(file));
  bool aside = false;
  for (const auto& entry : std::filesystem::directory_iterator(tree.path())) {
    aside = aside || entry.path().filename().string().starts_with("risk.json.corrupt-");
  }
  EXPECT_TRUE(aside);
  risk.observe_at(snapshot_of(true), std::chrono::system_clock::now());
  EXPECT_TRUE(std::filesystem::exists(file));  // written afresh
}
