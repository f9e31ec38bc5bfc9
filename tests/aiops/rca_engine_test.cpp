// Root-cause analysis on hand-made snapshots (families with the agent's
// metric names and labels), in virtual time: evidence opens an episode, the
// cause is reported once with its evidence, the episode closes, bus events
// (our own power cap, pod events) change the answer.
#include <gtest/gtest.h>

#include "aiops/rca_engine.hpp"

using namespace ainode;
using namespace ainode::aiops;

namespace {

const MetricDesc kGpuUp{"ainode_gpu_up", MetricType::gauge, "", "t", {"gpu", "uuid"}};
const MetricDesc kUtil{"ainode_gpu_utilization_ratio", MetricType::gauge, "ratio", "t", {"gpu", "uuid"}};
const MetricDesc kTemp{"ainode_gpu_temperature_celsius", MetricType::gauge, "celsius", "t", {"gpu", "uuid"}};
const MetricDesc kThreshold{"ainode_gpu_temperature_threshold_celsius", MetricType::gauge, "celsius", "t",
                            {"gpu", "uuid", "threshold"}};
const MetricDesc kReason{"ainode_gpu_throttle_reason", MetricType::gauge, "", "t", {"gpu", "uuid", "reason"}};
const MetricDesc kLimit{"ainode_gpu_power_limit_watts", MetricType::gauge, "watts", "t", {"gpu", "uuid", "limit"}};
const MetricDesc kXid{"ainode_gpu_xid_errors_total", MetricType::counter, "", "t", {"gpu", "uuid", "xid"}};
const MetricDesc kOom{"ainode_memory_oom_kills_total", MetricType::counter, "", "t"};
const MetricDesc kProcessCpu{"ainode_process_cpu_seconds_total", MetricType::counter, "seconds", "t",
                             {"pid", "name", "namespace", "pod", "container"}};

const std::chrono::system_clock::time_point kStart{std::chrono::seconds(1798761600)};

// One GPU (index 0) and the host counters the tests move.
struct Node {
  double temperature = 60, enforced = 700, oom_kills = 0, process_cpu = 0;
  bool thermal_bit = false, up = true, process_present = true;
  std::map<unsigned, double> xids;

  std::vector<Family> families() const {
    MetricSet set;
    set.add(kGpuUp, {"0", "GPU-a"}, up ? 1 : 0);
    if (up) {
      set.add(kUtil, {"0", "GPU-a"}, 0.9);
      set.add(kTemp, {"0", "GPU-a"}, temperature);
      set.add(kThreshold, {"0", "GPU-a", "slowdown"}, 87);
      set.add(kReason, {"0", "GPU-a", "sw_thermal"}, thermal_bit ? 1 : 0);
      set.add(kLimit, {"0", "GPU-a", "enforced"}, enforced);
      set.add(kLimit, {"0", "GPU-a", "default"}, 700);
      for (const auto& [code, count] : xids) set.add(kXid, {"0", "GPU-a", std::to_string(code)}, count);
    }
    set.add(kOom, oom_kills);
    if (process_present) set.add(kProcessCpu, {"1234", "python", "ml", "trainer-0", "pytorch"}, process_cpu);
    return set.families();
  }
};

class RcaEngineTest : public ::testing::Test {
 protected:
  RcaEngine engine{{}, [this](EventDraft draft) { published.push_back(std::move(draft)); }};
  std::vector<EventDraft> published;
  Node node;
  double t = 0;

  void run(double seconds) {
    for (double end = t + seconds; t < end; t += 1) {
      node.process_cpu += 0.9;
      engine.observe(node.families(), kStart + std::chrono::seconds(static_cast<long>(t)));
    }
  }
  std::vector<Finding> findings() const { return engine.findings(); }
};

}  // namespace

TEST_F(RcaEngineTest, HealthyNodeHasNoFinding) {
  run(120);
  EXPECT_TRUE(findings().empty());
  EXPECT_TRUE(published.empty());
}

TEST_F(RcaEngineTest, ThermalThrottleIsReportedOnceWithItsEvidenceAndClosed) {
  run(30);
  node.thermal_bit = true;
  node.temperature = 86;
  run(20);
  auto open = findings();
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].cause, "thermal");
  EXPECT_EQ(open[0].subject.gpu, 0u);
  EXPECT_TRUE(open[0].open());
  EXPECT_GT(open[0].confidence, 0);
  EXPECT_LE(open[0].confidence, 1);
  bool throttle_evidence = false;
  for (const auto& e : open[0].evidence) throttle_evidence |= e.signal == "gpu.throttle.sw_thermal";
  EXPECT_TRUE(throttle_evidence);
  // Confirmed on the second cycle with evidence: reported at t = 31.
  EXPECT_EQ(open[0].reported_at, kStart + std::chrono::seconds(31));
  EXPECT_EQ(open[0].start, kStart + std::chrono::seconds(30));

  node.thermal_bit = false;
  node.temperature = 60;
  run(30);
  auto closed = findings();
  ASSERT_EQ(closed.size(), 1u) << "one episode, one cause: one finding";
  EXPECT_FALSE(closed[0].open());
  EXPECT_EQ(*closed[0].end, kStart + std::chrono::seconds(49));
  ASSERT_EQ(published.size(), 2u);
  EXPECT_EQ(published[0].type, "rca_finding");
  EXPECT_EQ(published[0].payload["state"], "open");
  EXPECT_EQ(published[1].payload["state"], "closed");
  EXPECT_EQ(published[0].payload["id"], published[1].payload["id"]);
}

TEST_F(RcaEngineTest, FindingJsonHasTheContractsFields) {
  run(30);
  node.thermal_bit = true;
  run(5);
  auto json = engine.to_json();
  ASSERT_EQ(json["findings"].size(), 1u);
  const auto& f = json["findings"][0];
  for (const char* key : {"id", "cause", "confidence", "gpu", "uuid", "namespace", "pod", "start", "end", "evidence",
                          "alternatives", "action", "state"}) {
    EXPECT_TRUE(f.contains(key)) << key;
  }
  EXPECT_EQ(f.size(), 13u);
  EXPECT_TRUE(f["end"].is_null());
  EXPECT_EQ(f["uuid"], "GPU-a");
  EXPECT_EQ(f["start"], "2027-01-01T00:00:30.000Z");
  for (const char* key : {"signal", "value", "baseline", "threshold", "at"}) EXPECT_TRUE(f["evidence"][0].contains(key)) << key;
}

TEST_F(RcaEngineTest, ExternalPowerCapIsNamedAsSuch) {
  run(30);
  node.enforced = 400;
  run(5);
  auto f = findings();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].cause, "power_cap");
  EXPECT_EQ(f[0].evidence[0].signal, "gpu.power_limit_watts.enforced");
  EXPECT_NE(f[0].action.find("external"), std::string::npos);
}

TEST_F(RcaEngineTest, OurOwnPolicysCapIsToldApartFromAnExternalOne) {
  run(30);
  EventDraft applied;
  applied.type = "policy_action";
  applied.payload = {{"profile", "inference-efficiency"}, {"gpu", 0}, {"uuid", "GPU-a"}, {"action", "power_limit"},
                           {"mode", "enforce"}, {"before", 700}, {"after", 400}, {"result", "applied"}, {"reason", "r"}};
  engine.on_event(applied);
  node.enforced = 400;
  run(5);
  auto f = findings();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].cause, "power_cap");
  EXPECT_EQ(f[0].evidence[0].signal, "gpu.power_limit_watts.own_policy");
  EXPECT_NE(f[0].action.find("own efficiency policy"), std::string::npos);
}

TEST_F(RcaEngineTest, XidIsReportedWithNvidiasAction) {
  run(30);
  node.xids[13] = 1;
  run(5);
  auto f = findings();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].cause, "xid");
  EXPECT_NE(f[0].action.find("XID 13"), std::string::npos);
}

TEST_F(RcaEngineTest, Xid79IsALostGpuAndALostGpuAfterOverheatingIsThermal) {
  run(30);
  node.xids[79] = 1;
  node.up = false;
  run(5);
  auto f = findings();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].cause, "gpu_lost");

  RcaEngine other;
  Node hot;
  for (int s = 0; s < 30; ++s) {
    hot.temperature = s < 20 ? 60 : 91;
    hot.thermal_bit = s >= 20;
    if (s >= 25) hot.up = false;
    other.observe(hot.families(), kStart + std::chrono::seconds(s));
  }
  auto g = other.findings();
  ASSERT_FALSE(g.empty());
  EXPECT_EQ(g[0].cause, "thermal");
}

TEST_F(RcaEngineTest, OomKillOnTheNodeAndPodEventsFromTheBus) {
  run(30);
  node.oom_kills = 1;
  run(3);
  auto f = findings();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].cause, "oom_kill");
  EXPECT_FALSE(f[0].subject.gpu);

  EventDraft evicted;
  evicted.type = "pod_evicted";
  evicted.payload = {{"namespace", "ml"}, {"pod", "trainer-0"}, {"uid", "u"}, {"reason", "Evicted"}};
  engine.on_event(evicted);
  run(3);
  f = findings();
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].cause, "pod_eviction");
  EXPECT_EQ(f[0].subject.pod, "trainer-0");
  EXPECT_EQ(f[0].subject.namespace_name, "ml");
}

TEST_F(RcaEngineTest, PodProcessesStartingOverIsARestart) {
  run(30);
  node.process_cpu = 0;
  run(3);
  auto f = findings();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].cause, "pod_restart");
  EXPECT_EQ(f[0].subject.pod, "trainer-0");
}

TEST_F(RcaEngineTest, MetricsCountFindingsByCauseAndOpenOnesByGpu) {
  run(30);
  node.thermal_bit = true;
  run(5);
  MetricSet out;
  engine.add_metrics(out);
  const Family* total = out.find("ainode_rca_findings_total");
  ASSERT_NE(total, nullptr);
  EXPECT_EQ(total->samples.size(), rca_causes().size()) << "every cause from 0";
  double thermal = -1;
  for (const auto& s : total->samples) {
    if (s.label_values[0] == "thermal") thermal = s.value;
  }
  EXPECT_EQ(thermal, 1);
  const Family* open = out.find("ainode_rca_open_findings");
  ASSERT_NE(open, nullptr);
  ASSERT_EQ(open->samples.size(), 1u);
  EXPECT_EQ(open->samples[0].label_values.to_strings(), (std::vector<std::string>{"thermal", "0"}));
}
