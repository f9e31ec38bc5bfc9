#include "efficiency/model_efficiency.hpp"

#include <gtest/gtest.h>

#include "app/family_lookup.hpp"
#include "collectors/app/app_metrics.hpp"

namespace ainode {
namespace {

using Clock = std::chrono::system_clock;

// The GPU collector's families as gpu_views() reads them back (by name).
const MetricDesc kPower{"ainode_gpu_power_watts", MetricType::gauge, "watts", "", {"gpu", "uuid", "namespace", "pod", "container"}};
const MetricDesc kEnergy{"ainode_gpu_energy_joules_total", MetricType::counter, "joules", "", {"gpu", "uuid", "namespace", "pod", "container"}};
const MetricDesc kNodeEnergy{"ainode_node_energy_joules_total", MetricType::counter, "joules", ""};

struct Gpu {
  unsigned index;
  std::string pod;
  double watts;
  double energy = 0;          // the truth
  double counter_read = 0;    // what the collector last read
};

// One node: GPUs drawing constant power, the counter read every 30 s as
// gpu.slow_read_interval does; one vLLM server on GPU 0 and 1 (its pod),
// generating `tokens_per_second`, scraped half a second before each cycle.
struct Node {
  std::vector<Gpu> gpus = {{0, "vllm-0", 300}, {1, "vllm-0", 100}, {2, "trainer", 500}};
  double counter_base = 5e6, node_energy = 0;
  double tokens_per_second = 800;
  bool server_up = true;
  bool listed = true;  // the app collector lists the server (ainode_app_endpoint_up)
  std::string pod = "vllm-0";  // the pod its series name
  double t = 0;
  Clock::time_point start = Clock::now();

  Clock::time_point when(double seconds) const {
    return start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  }
  Snapshot step(double seconds, ModelTotalsAccumulator& totals) {
    t += seconds;
    MetricSet out;
    for (auto& g : gpus) {
      g.energy += g.watts * seconds;
      if (static_cast<long>(t) % 30 == 1) g.counter_read = g.energy;  // read on the first cycle, then every 30 s
      std::string index = std::to_string(g.index);
      out.add(kPower, {index, "GPU-" + index, "ml", g.pod, "main"}, g.watts);
      out.add(kEnergy, {index, "GPU-" + index, "ml", g.pod, "main"}, 1e6 + g.counter_read);
    }
    node_energy += 1200 * seconds;
    out.add(kNodeEnergy, node_energy);
    double scraped_at = t - 0.5;
    double raw = counter_base + tokens_per_second * scraped_at;  // the server's own counter
    if (listed) out.add(kAppEndpointUp, {"http://10.0.0.7:8000/metrics"}, server_up ? 1 : 0);
    if (server_up) {
      std::string endpoint = "http://10.0.0.7:8000/metrics";
      auto series = totals.observe(endpoint, {ModelCounters{"vllm", "llama", std::nullopt, raw, std::nullopt}});
      out.add(kAppScrapeTimestamp, {endpoint},
              std::chrono::duration<double>(when(scraped_at).time_since_epoch()).count());
      out.add(kModelTokens, {"llama", "vllm", "ml", pod, endpoint, "generation"}, *series[0].second.generation_tokens);
    }
    Snapshot snapshot;
    snapshot.taken_at = when(t);
    snapshot.families = std::move(out.families());
    return snapshot;
  }
};

std::vector<AppEndpoint> vllm_endpoint() {
  AppEndpoint e;
  e.url = "http://10.0.0.7:8000/metrics";
  e.namespace_name = "ml";
  e.pod = "vllm-0";
  return {e};
}

TEST(ModelEfficiency, TokensPerJouleOfThePodsGpus) {
  Node node;
  ModelTotalsAccumulator totals;
  ModelEfficiency efficiency(vllm_endpoint(), std::chrono::seconds(60));
  MetricSet out;
  for (int i = 0; i < 100; ++i) {
    efficiency.observe(node.step(1, totals));
    out = MetricSet();
    efficiency.contribute(out);
    if (i == 20) {
      EXPECT_EQ(find_value(out.families(), "ainode_model_tokens_per_joule"), std::nullopt);  // < half a window
    }
  }
  // 800 tokens/s on 300 W + 100 W (GPU 2 belongs to another pod): 2 tokens per joule.
  auto tpj = find_value(out.families(), "ainode_model_tokens_per_joule",
                        {{"model", "llama"}, {"pod", "vllm-0"}, {"energy_source", "gpu"}});
  ASSERT_TRUE(tpj.has_value());
  EXPECT_NEAR(*tpj, 2.0, 1e-6);
  // Energy from the first scrape inside the energy timelines (t = 1.5: the first
  // cycle is at t = 1) to the last (t = 99.5), at 400 W.
  EXPECT_NEAR(*find_value(out.families(), "ainode_model_energy_joules_total"), 98 * 400, 1e-6);
  EXPECT_EQ(find_value(out.families(), "ainode_model_gpu_energy_share_ratio", {{"gpu", "1"}, {"uuid", "GPU-1"}}), 1.0);
  EXPECT_EQ(find_value(out.families(), "ainode_model_gpu_energy_share_ratio", {{"gpu", "2"}}), std::nullopt);
  EXPECT_EQ(find_value(out.families(), "ainode_model_requests_per_joule"), std::nullopt);  // vLLM's requests not given
}

TEST(ModelEfficiency, AServerDownHasNoSeriesAndItsOutageIsMatchedOnReturn) {
  Node node;
  ModelTotalsAccumulator totals;
  ModelEfficiency efficiency(vllm_endpoint(), std::chrono::seconds(60));
  for (int i = 0; i < 40; ++i) efficiency.observe(node.step(1, totals));
  node.server_up = false;
  MetricSet out;
  for (int i = 0; i < 20; ++i) efficiency.observe(node.step(1, totals));
  efficiency.contribute(out);
  EXPECT_EQ(find_value(out.families(), "ainode_model_energy_joules_total"), std::nullopt);
  EXPECT_EQ(find_value(out.families(), "ainode_model_tokens_per_joule"), std::nullopt);
  node.server_up = true;
  for (int i = 0; i < 5; ++i) efficiency.observe(node.step(1, totals));
  out = MetricSet();
  efficiency.contribute(out);
  EXPECT_NEAR(*find_value(out.families(), "ainode_model_energy_joules_total"), 63 * 400, 1e-6);  // 1.5 .. 64.5
  EXPECT_NEAR(*find_value(out.families(), "ainode_model_tokens_per_joule"), 2.0, 1e-6);
}

TEST(ModelEfficiency, WithoutGpusTheNodePowerIsUsedAndSaidSo) {
  Node node;
  ModelTotalsAccumulator totals;
  auto endpoints = vllm_endpoint();
  endpoints[0].pod = "somewhere-else";  // no GPU of that pod: the node's energy
  ModelEfficiency efficiency(endpoints, std::chrono::seconds(60));
  MetricSet out;
  for (int i = 0; i < 80; ++i) efficiency.observe(node.step(1, totals));
  efficiency.contribute(out);
  EXPECT_NEAR(*find_value(out.families(), "ainode_model_tokens_per_joule", {{"energy_source", "node"}}), 800.0 / 1200,
              1e-6);
  EXPECT_EQ(find_value(out.families(), "ainode_model_gpu_energy_share_ratio"), std::nullopt);
}

TEST(ModelEfficiency, ServerRestartGivesNoNegativeRate) {
  Node node;
  ModelTotalsAccumulator totals;
  ModelEfficiency efficiency(vllm_endpoint(), std::chrono::seconds(60));
  for (int i = 0; i < 50; ++i) efficiency.observe(node.step(1, totals));
  // The server restarts: its counter starts again from zero.
  node.counter_base = -node.tokens_per_second * (node.t + 0.5);
  MetricSet out;
  for (int i = 0; i < 50; ++i) {
    efficiency.observe(node.step(1, totals));
    out = MetricSet();
    efficiency.contribute(out);
    auto tpj = find_value(out.families(), "ainode_model_tokens_per_joule");
    ASSERT_TRUE(tpj.has_value());
    EXPECT_NEAR(*tpj, 2.0, 0.05);  // the second lost at the restart is all it costs, never a negative rate
  }
}

TEST(ModelEfficiency, ADiscoveredServerIsChargedItsPodsGpus) {
  Node node;
  ModelTotalsAccumulator totals;
  ModelEfficiency efficiency({}, std::chrono::seconds(60), /*discover=*/true);  // nothing configured
  MetricSet out;
  for (int i = 0; i < 100; ++i) efficiency.observe(node.step(1, totals));
  efficiency.contribute(out);
  auto tpj = find_value(out.families(), "ainode_model_tokens_per_joule", {{"pod", "vllm-0"}, {"energy_source", "gpu"}});
  ASSERT_TRUE(tpj.has_value());
  EXPECT_NEAR(*tpj, 2.0, 1e-6) << "the pod named by its series holds GPUs 0 and 1 (400 W), as if configured";
  EXPECT_EQ(find_value(out.families(), "ainode_model_gpu_energy_share_ratio", {{"gpu", "2"}}), std::nullopt);
}

TEST(ModelEfficiency, ADiscoveredServerThatGoesIsForgotten) {
  Node node;
  ModelTotalsAccumulator totals;
  ModelEfficiency efficiency({}, std::chrono::seconds(60), true);
  for (int i = 0; i < 50; ++i) efficiency.observe(node.step(1, totals));
  // Down but still listed: kept, as a configured server would be.
  node.server_up = false;
  for (int i = 0; i < 5; ++i) efficiency.observe(node.step(1, totals));
  node.server_up = true;
  efficiency.observe(node.step(1, totals));
  MetricSet out;
  efficiency.contribute(out);
  EXPECT_NEAR(*find_value(out.families(), "ainode_model_energy_joules_total"), 54 * 400, 1e-6);  // 1.5 .. 55.5, the outage included
  // Its pod deleted: no longer listed, its energy is gone with it.
  node.server_up = false;
  node.listed = false;
  efficiency.observe(node.step(1, totals));
  out = MetricSet();
  efficiency.contribute(out);
  EXPECT_TRUE(out.empty());
  // A new pod at the same URL starts from nothing, not from the last pod's energy.
  node.server_up = node.listed = true;
  node.pod = "vllm-1";
  for (int i = 0; i < 3; ++i) efficiency.observe(node.step(1, totals));
  out = MetricSet();
  efficiency.contribute(out);
  EXPECT_EQ(find_value(out.families(), "ainode_model_energy_joules_total", {{"pod", "vllm-0"}}), std::nullopt);
  auto energy = find_value(out.families(), "ainode_model_energy_joules_total", {{"pod", "vllm-1"}});
  ASSERT_TRUE(energy.has_value());
  EXPECT_LT(*energy, 3 * 1200.0 + 1e-6) << "at most the 2 s since its first scrape, on the node (vllm-1 holds no GPU)";
}

TEST(ModelEfficiency, AnotherPodAtTheSameUrlIsAnotherServer) {
  Node node;
  ModelTotalsAccumulator totals;
  ModelEfficiency efficiency({}, std::chrono::seconds(60), true);
  for (int i = 0; i < 50; ++i) efficiency.observe(node.step(1, totals));
  node.pod = "vllm-1";  // the pod IP reused at once: listed all along
  for (int i = 0; i < 3; ++i) efficiency.observe(node.step(1, totals));
  MetricSet out;
  efficiency.contribute(out);
  EXPECT_EQ(find_value(out.families(), "ainode_model_energy_joules_total", {{"pod", "vllm-0"}}), std::nullopt);
  auto energy = find_value(out.families(), "ainode_model_energy_joules_total", {{"pod", "vllm-1"}});
  ASSERT_TRUE(energy.has_value());
  EXPECT_LT(*energy, 3 * 1200.0 + 1e-6);
}

TEST(ModelEfficiency, NoEndpointsNoWork) {
  Node node;
  ModelTotalsAccumulator totals;
  ModelEfficiency efficiency({}, std::chrono::seconds(60));
  for (int i = 0; i < 5; ++i) efficiency.observe(node.step(1, totals));
  MetricSet out;
  efficiency.contribute(out);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace ainode
