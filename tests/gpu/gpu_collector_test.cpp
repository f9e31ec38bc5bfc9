// The GPU collector against the simulated NVML (a real shared library with
// NVML's symbols and layouts, loaded with dlopen exactly like the driver).
#include <gtest/gtest.h>

#include <algorithm>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "collector_test_support.hpp"
#include "collectors/gpu/gpu_collector.hpp"
#include "collectors/gpu/gpu_status.hpp"
#include "core/scheduler.hpp"

using namespace ainode;
using namespace ainode::testing;
using namespace std::chrono_literals;

namespace {

class SimulatedNvml : public ::testing::Test {
 protected:
  void use_scenario(const std::string& name) {
    setenv("AINODE_NVML_SIM_SCENARIO", fixture_path("nvml/" + name).c_str(), 1);
  }
  void set_time(double seconds) {
    std::ofstream(clock_file_) << seconds;
    setenv("AINODE_NVML_SIM_CLOCK_FILE", clock_file_.c_str(), 1);
  }
  void TearDown() override {
    unsetenv("AINODE_NVML_SIM_CLOCK_FILE");
    std::filesystem::remove(clock_file_);
  }
  GpuConfig config(const char* library = AINODE_NVML_SIM_PATH) {
    GpuConfig c;
    c.nvml_library = library;
    c.enable_events = false;
    c.enable_amd = false;  // the fixture tree's AMD card has tests of its own (amdgpu_test.cpp)
    return c;
  }
  std::string clock_file_ = (std::filesystem::temp_directory_path() / ("ainode-sim-clock-" + std::to_string(getpid()))).string();
};

std::optional<double> gpu_value(const Collected& c, std::string_view name, const std::string& gpu,
                                std::initializer_list<LabelMatch> more = {}) {
  const Family* family = c.metrics.find(name);
  if (family == nullptr) return std::nullopt;
  for (const auto& s : family->samples) {
    if (s.label_values[0] != gpu) continue;
    bool ok = true;
    for (const auto& [label, value] : more) {
      for (std::size_t i = 0; i < family->desc->labels.size(); ++i) {
        if (family->desc->labels[i] == label && s.label_values[i] != value) ok = false;
      }
    }
    if (ok) return s.value;
  }
  return std::nullopt;
}

}  // namespace

TEST_F(SimulatedNvml, FrozenScenarioValues) {
  use_scenario("golden.toml");
  GpuCollector collector(config());
  auto out = collect_once(collector);
  EXPECT_EQ(out.value("ainode_gpu_devices"), 3.0);
  // t = 30 s, base 0.6, amplitude 0.2, period 120 s, phase 0: u = 0.8.
  EXPECT_DOUBLE_EQ(*gpu_value(out, "ainode_gpu_utilization_ratio", "0"), 0.8);
  // Under its limit at full clocks: idle + (full load - idle) * u = 70 + 665 * 0.8.
  EXPECT_DOUBLE_EQ(*gpu_value(out, "ainode_gpu_power_watts", "0"), 602.0);
  EXPECT_EQ(gpu_value(out, "ainode_gpu_memory_total_bytes", "0"), 81559.0 * 1024 * 1024);
  EXPECT_EQ(gpu_value(out, "ainode_gpu_memory_used_bytes", "0"), (512.0 + 40960) * 1024 * 1024);
  EXPECT_EQ(gpu_value(out, "ainode_gpu_memory_reserved_bytes", "0"), 512.0 * 1024 * 1024);
  EXPECT_EQ(gpu_value(out, "ainode_gpu_clock_hertz", "0", {{"clock", "sm"}}), 1980e6);
  EXPECT_EQ(gpu_value(out, "ainode_gpu_temperature_threshold_celsius", "0", {{"threshold", "slowdown"}}), 87.0);
  EXPECT_EQ(gpu_value(out, "ainode_gpu_power_limit_watts", "0", {{"limit", "min"}}), 200.0);
  EXPECT_EQ(gpu_value(out, "ainode_gpu_process_memory_bytes", "0", {{"pid", "1234"}}), 40960.0 * 1024 * 1024);
  EXPECT_EQ(gpu_value(out, "ainode_gpu_process_sm_utilization_ratio", "0", {{"pid", "1234"}}), 0.77);
  EXPECT_EQ(out.count("ainode_gpu_nvlink_up"), 18u + 12u);  // H100 + A100; L40S has none
  // NVLink payload: NVML counts KiB (21.82 s of full-rate work at 40 GiB/s by t = 30 s, the
  // integral of u; the physics sums it in 0.1 s steps, within 0.1%), exported in bytes.
  EXPECT_NEAR(*gpu_value(out, "ainode_gpu_nvlink_data_bytes_total", "0", {{"direction", "tx"}}), 915185331.0 * 1024,
              915185331.0 * 1024 * 1e-3);
  EXPECT_FALSE(gpu_value(out, "ainode_gpu_nvlink_data_bytes_total", "2")) << "the L40S has no NVLink";
  // The die lags its power: from 55.0 C (steady at t = 0, u = 0.6: 25 + 0.064 * 469) towards
  // 63.5 C (u = 0.8) with a 30 s time constant, 59 C at t = 30 s. Memory temperature from
  // field 82 (an unsigned int in the value union): core + 5.
  EXPECT_EQ(gpu_value(out, "ainode_gpu_temperature_celsius", "0"), 59.0);
  EXPECT_EQ(gpu_value(out, "ainode_gpu_memory_temperature_celsius", "0"), 64.0);
  // A100: power-capped, link trained down, one uncorrected ECC error with its consequences.
  EXPECT_EQ(gpu_value(out, "ainode_gpu_throttle_reason", "1", {{"reason", "sw_power_cap"}}), 1.0);
  EXPECT_EQ(gpu_value(out, "ainode_gpu_throttle_reason", "1", {{"reason", "hw_thermal"}}), 0.0);
  EXPECT_EQ(gpu_value(out, "ainode_gpu_pcie_link_width", "1"), 8.0);
  EXPECT_EQ(gpu_value(out, "ainode_gpu_pcie_link_width_max", "1"), 16.0);
  EXPECT_EQ(gpu_value(out, "ainode_gpu_ecc_errors_total", "1", {{"type", "corrected"}, {"scope", "volatile"}}), 2.0);
  EXPECT_EQ(gpu_value(out, "ainode_gpu_retired_pages", "1", {{"cause", "double_bit"}}), 1.0);
  EXPECT_EQ(gpu_value(out, "ainode_gpu_remapped_rows_pending", "1"), 1.0);
  // Unsupported means absent: SXM boards have no fan, the L40S has one.
  EXPECT_FALSE(gpu_value(out, "ainode_gpu_fan_speed_ratio", "0"));
  EXPECT_TRUE(gpu_value(out, "ainode_gpu_fan_speed_ratio", "2"));
  // The MIG tree, in metrics and in /v1/status.
  EXPECT_EQ(gpu_value(out, "ainode_gpu_mig_mode", "1"), 1.0);
  EXPECT_EQ(gpu_value(out, "ainode_gpu_mig_device_info", "1", {{"profile", "2g.20gb"}, {"placement_size", "2"}}), 1.0);
  EXPECT_EQ(gpu_value(out, "ainode_gpu_mig_device_multiprocessors", "1"), 28.0);
  ASSERT_TRUE(out.details);
  const auto& gpus = (*out.details)["gpus"];
  ASSERT_EQ(gpus.size(), 3u);
  EXPECT_EQ(gpus[1]["mig"]["instances"][0]["gpu_instance"], 1);
  EXPECT_EQ(gpus[1]["mig"]["instances"][0]["compute_instances"][0]["sm_count"], 28);
  EXPECT_EQ(gpus[1]["health"]["throttle_reasons"][0], "sw_power_cap");
  EXPECT_EQ((*out.details)["nvml"]["driver_version"], "sim-550.54.15");
  EXPECT_TRUE(out.warnings.empty());
}

TEST_F(SimulatedNvml, NoNvmlIsHealthyAndSaidOnce) {
  GpuCollector collector(config("/nonexistent/libnvidia-ml.so.1"));
  auto first = collect_once(collector);
  EXPECT_EQ(first.value("ainode_gpu_devices"), 0) << "no GPU seen: a count of zero";
  EXPECT_EQ(first.metrics.families().size(), 1u) << "and no other GPU series";
  ASSERT_EQ(first.warnings.size(), 1u);
  EXPECT_NE(first.warnings[0].find("NVML not available"), std::string::npos);
  EXPECT_EQ((*first.details)["nvml"]["available"], false);
  auto second = collect_once(collector);
  EXPECT_TRUE(second.warnings.empty()) << "said once, not every cycle";
  EXPECT_EQ(second.metrics.families().size(), 1u);
}

TEST_F(SimulatedNvml, OlderDriverMissingSymbolsDisablesOnlyThoseFields) {
  use_scenario("golden.toml");
  GpuCollector collector(config(AINODE_NVML_SIM_OLD_DRIVER_PATH));
  auto out = collect_once(collector);
  EXPECT_EQ(out.value("ainode_gpu_devices"), 3.0);
  // No nvmlDeviceGetTotalEnergyConsumption: energy absent.
  EXPECT_FALSE(gpu_value(out, "ainode_gpu_energy_joules_total", "0"));
  // No nvmlDeviceGetMemoryInfo_v2: memory from the v1 call, no reserved figure.
  EXPECT_TRUE(gpu_value(out, "ainode_gpu_memory_total_bytes", "0"));
  EXPECT_FALSE(gpu_value(out, "ainode_gpu_memory_reserved_bytes", "0"));
  // Older names found instead: throttle reasons, processes and PCI info still there.
  EXPECT_EQ(gpu_value(out, "ainode_gpu_throttle_reason", "1", {{"reason", "sw_power_cap"}}), 1.0);
  EXPECT_TRUE(gpu_value(out, "ainode_gpu_process_memory_bytes", "0"));
  std::string fallbacks = (*out.details)["nvml"]["symbol_fallbacks"];
  EXPECT_NE(fallbacks.find("nvmlDeviceGetCurrentClocksThrottleReasons"), std::string::npos) << fallbacks;
  EXPECT_NE(fallbacks.find("nvmlDeviceGetPciInfo_v2"), std::string::npos) << fallbacks;
  EXPECT_EQ(out.count("ainode_gpu_nvml_errors_total"), 0u);
}

TEST_F(SimulatedNvml, ErrorsAreCountedPerDeviceAndCall) {
  use_scenario("faults.toml");
  set_time(0);
  GpuCollector collector(config());
  auto first = collect_once(collector);
  EXPECT_FALSE(gpu_value(first, "ainode_gpu_power_watts", "0"));
  EXPECT_TRUE(gpu_value(first, "ainode_gpu_power_watts", "1"));
  auto second = collect_once(collector);
  EXPECT_EQ(gpu_value(second, "ainode_gpu_nvml_errors_total", "0",
                      {{"call", "nvmlDeviceGetPowerUsage"}, {"error", "NVML_ERROR_UNKNOWN"}}),
            2.0);
  EXPECT_TRUE(gpu_value(second, "ainode_gpu_temperature_celsius", "0")) << "one failing call disables nothing else";
}

TEST_F(SimulatedNvml, LostGpuGoesDownAndComesBackWithoutRestart) {
  use_scenario("faults.toml");
  set_time(0);
  GpuCollector collector(config());
  EXPECT_EQ(gpu_value(collect_once(collector), "ainode_gpu_up", "1"), 1.0);
  set_time(60);
  auto lost = collect_once(collector);
  EXPECT_EQ(gpu_value(lost, "ainode_gpu_up", "1"), 0.0);
  EXPECT_FALSE(gpu_value(lost, "ainode_gpu_utilization_ratio", "1")) << "no stale readings for a lost GPU";
  EXPECT_EQ(gpu_value(lost, "ainode_gpu_up", "0"), 1.0);
  EXPECT_EQ(gpu_value(lost, "ainode_gpu_events_total", "1", {{"type", "gpu_lost"}}), 1.0);
  EXPECT_EQ(gpu_value(lost, "ainode_gpu_nvml_errors_total", "1", {{"error", "NVML_ERROR_GPU_IS_LOST"}}), 1.0);
  set_time(120);
  auto back = collect_once(collector);
  EXPECT_EQ(gpu_value(back, "ainode_gpu_up", "1"), 1.0);
  EXPECT_TRUE(gpu_value(back, "ainode_gpu_utilization_ratio", "1"));
  EXPECT_EQ(gpu_value(back, "ainode_gpu_events_total", "1", {{"type", "gpu_recovered"}}), 1.0);
}

// /v1/status's GPU section is rendered when first read, maybe after later
// cycles have run: it must show its own cycle's readings, not the collector's
// state by then.
TEST_F(SimulatedNvml, StatusDetailsRenderedLaterShowTheirOwnCycle) {
  use_scenario("faults.toml");
  set_time(0);
  GpuCollector collector(config());
  auto collect_unrendered = [&] {
    CollectContext context{fixture_fs(), std::chrono::system_clock::now(), std::chrono::steady_clock::now(), {}, nullptr, {}};
    MetricSet out;
    collector.collect(context, out);
    return context.details;
  };
  auto healthy = collect_unrendered();
  set_time(60);
  auto lost = collect_unrendered();
  ASSERT_TRUE(healthy && lost);
  EXPECT_EQ(lost->json()["gpus"][1]["up"], false);
  EXPECT_EQ(healthy->json()["gpus"][1]["up"], true) << "rendered after the GPU was lost, still its own cycle's";
  EXPECT_EQ(&healthy->json(), &healthy->json()) << "rendered once";
}

TEST_F(SimulatedNvml, VanishingGpuIsDroppedAndReturns) {
  use_scenario("faults.toml");
  set_time(160);
  GpuCollector collector(config());
  auto gone = collect_once(collector);
  EXPECT_EQ(gone.value("ainode_gpu_devices"), 2.0);
  EXPECT_EQ(gone.count("ainode_gpu_up"), 2u);
  set_time(210);
  auto back = collect_once(collector);
  EXPECT_EQ(back.value("ainode_gpu_devices"), 3.0);
  EXPECT_EQ(gpu_value(back, "ainode_gpu_up", "2"), 1.0);
}

TEST_F(SimulatedNvml, HangingCallTimesOutUnderTheSchedulerAndRecovers) {
  use_scenario("faults.toml");
  set_time(350);
  std::vector<std::unique_ptr<Collector>> collectors;
  collectors.push_back(std::make_unique<GpuCollector>(config()));
  std::vector<CycleResult> cycles;
  Scheduler scheduler(std::move(collectors), fixture_fs(), SchedulerOptions{1000ms, 300ms},
                      [&](CycleResult&& c) { cycles.push_back(std::move(c)); });
  scheduler.run_once();
  ASSERT_EQ(cycles.size(), 1u);
  EXPECT_TRUE(cycles[0].collectors[0].timed_out) << "the 1 s hang exceeds the 300 ms deadline";
  for (int i = 0; i < 10 && !cycles.back().collectors[0].success; ++i) {
    std::this_thread::sleep_for(200ms);
    scheduler.run_once();
  }
  EXPECT_TRUE(cycles.back().collectors[0].success) << "recovers once the call returns";
  EXPECT_GE(cycles.back().collectors[0].timeouts_total, 1u);
  // Which GPU and call hung is counted once the call has returned.
  bool counted = false;
  for (const auto& family : cycles.back().families) {
    if (family.desc->name != "ainode_gpu_nvml_slow_calls_total") continue;
    // By label name: the label set may grow (vendor was added).
    const auto& names = family.desc->labels;
    auto at = [&](std::string_view name) {
      return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
    };
    ASSERT_LT(at("call"), names.size());
    for (const auto& s : family.samples) {
      counted |= s.label_values[at("gpu")] == "0" && s.label_values[at("call")] == "nvmlDeviceGetTemperature" &&
                 s.value == 1;
    }
  }
  EXPECT_TRUE(counted) << "ainode_gpu_nvml_slow_calls_total{gpu=\"0\",call=\"nvmlDeviceGetTemperature\"} 1";
  const auto& slow = cycles.back().collectors[0].details->json()["nvml"]["last_slow_call"];
  EXPECT_EQ(slow["call"], "nvmlDeviceGetTemperature");
  EXPECT_GE(slow["seconds"].get<double>(), 1.0);
  // The hung call is also the costliest entry point in /v1/status.
  const auto& costliest = cycles.back().collectors[0].details->json()["nvml"]["costliest_calls"];
  ASSERT_FALSE(costliest.empty());
  EXPECT_EQ(costliest[0]["call"], "nvmlDeviceGetTemperature");
  EXPECT_GE(costliest[0]["max_seconds"].get<double>(), 1.0);
}

TEST(CostliestCalls, RankedByTotalTimeAndLimited) {
  std::map<std::string, NvmlCallCost, std::less<>> costs{
      {"nvmlDeviceGetName", {10, 0.001, 0.0002}},
      {"nvmlDeviceGetPcieThroughput/tx", {10, 0.2, 0.021}},
      {"nvmlDeviceGetPowerUsage", {10, 0.01, 0.002}}};
  auto ranked = costliest_calls_json(costs, 2);
  ASSERT_EQ(ranked.size(), 2u);
  EXPECT_EQ(ranked[0]["call"], "nvmlDeviceGetPcieThroughput/tx");
  EXPECT_DOUBLE_EQ(ranked[0]["mean_seconds"].get<double>(), 0.02);
  EXPECT_DOUBLE_EQ(ranked[0]["max_seconds"].get<double>(), 0.021);
  EXPECT_EQ(ranked[0]["calls"], 10);
  EXPECT_EQ(ranked[1]["call"], "nvmlDeviceGetPowerUsage");
}

TEST_F(SimulatedNvml, FiltersAndKubernetesCompatibility) {
  use_scenario("golden.toml");
  GpuConfig c = config();
  c.visible_devices = "0,GPU-5a1d0001-0000-4000-8000-000000001000";
  c.mig_config_devices = "0";
  c.k8s_mode = true;
  GpuCollector collector(c);
  auto out = collect_once(collector);
  EXPECT_EQ(out.count("ainode_gpu_up"), 2u);
  EXPECT_FALSE(gpu_value(out, "ainode_gpu_up", "2"));
  EXPECT_EQ(out.count("ainode_gpu_mig_device_info"), 0u) << "GPU 1 is not in mig_config_devices";
  EXPECT_EQ(out.value("ainode_gpu_utilization_ratio_compat", {{"gpu", "nvidia.com/gpu=0"}}), 0.8);
  EXPECT_TRUE(out.value("ainode_gpu_memory_used_bytes_compat", {{"gpu", "nvidia.com/gpu=1"}}));

  GpuConfig with_mig = config();
  with_mig.k8s_mode = true;
  GpuCollector all(with_mig);
  auto mig = collect_once(all);
  EXPECT_EQ(mig.value("ainode_gpu_memory_total_bytes_compat", {{"gpu", "nvidia.com/mig-2g.20gb=1:0"}}),
            19968.0 * 1024 * 1024);

  GpuConfig none = config();
  none.visible_devices = "none";
  GpuCollector nothing(none);
  EXPECT_EQ(collect_once(nothing).count("ainode_gpu_up"), 0u);
}

TEST_F(SimulatedNvml, EventThreadCountsXids) {
  use_scenario("golden.toml");  // XID 79 on GPU 0 at t = 10 s; time is frozen at 30 s
  GpuConfig c = config();
  c.enable_events = true;
  GpuCollector collector(c);
  std::optional<double> xids;
  for (int i = 0; i < 50 && !xids; ++i) {
    xids = gpu_value(collect_once(collector), "ainode_gpu_xid_errors_total", "0", {{"xid", "79"}});
    if (!xids) std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(xids, 1.0);
  auto out = collect_once(collector);
  EXPECT_EQ(gpu_value(out, "ainode_gpu_last_xid", "0"), 79.0);
  EXPECT_EQ(gpu_value(out, "ainode_gpu_events_total", "1", {{"type", "double_bit_ecc"}}), 1.0);
  EXPECT_EQ((*out.details)["gpu_events"][0]["type"], "xid");
}

TEST_F(SimulatedNvml, EventThreadRegistersGpusThatAppearLater) {
  use_scenario("events.toml");
  set_time(0);
  GpuConfig c = config();
  c.enable_events = true;
  GpuCollector collector(c);
  auto start = collect_once(collector);
  EXPECT_EQ(start.value("ainode_gpu_devices"), 1.0);
  EXPECT_EQ((*start.details)["nvml"]["events"], "watching 1 GPUs");
  set_time(120);  // GPU 1 appears; the event thread notices the new count within one wait
  std::string events;
  for (int i = 0; i < 50 && events != "watching 2 GPUs"; ++i) {
    std::this_thread::sleep_for(50ms);
    events = (*collect_once(collector).details)["nvml"]["events"];
  }
  ASSERT_EQ(events, "watching 2 GPUs");
  set_time(200);  // past the XID on GPU 1
  std::optional<double> xids;
  for (int i = 0; i < 50 && !xids; ++i) {
    xids = gpu_value(collect_once(collector), "ainode_gpu_xid_errors_total", "1", {{"xid", "48"}});
    if (!xids) std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(xids, 1.0);
}

TEST_F(SimulatedNvml, HiddenGpusAreNotReadAtAll) {
  use_scenario("faults.toml");  // GPU 0's power call always fails
  set_time(0);
  GpuConfig c = config();
  c.visible_devices = "1,2";
  GpuCollector collector(c);
  collect_once(collector);
  auto out = collect_once(collector);
  EXPECT_EQ(out.count("ainode_gpu_up"), 2u);
  EXPECT_EQ(out.count("ainode_gpu_nvml_errors_total"), 0u) << "GPU 0 is filtered out, so its failing call is never made";
}

TEST_F(SimulatedNvml, EventsOfHiddenGpusAreLeftOut) {
  use_scenario("golden.toml");  // XID 79 on GPU 0, a double-bit ECC error on GPU 1
  GpuConfig c = config();
  c.enable_events = true;
  c.visible_devices = "1";
  GpuCollector collector(c);
  std::optional<double> double_bit;
  Collected out;
  for (int i = 0; i < 50 && !double_bit; ++i) {
    out = collect_once(collector);
    double_bit = gpu_value(out, "ainode_gpu_events_total", "1", {{"type", "double_bit_ecc"}});
    if (!double_bit) std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(double_bit, 1.0);
  // The XID came first (t = 10 s before 20 s), so it has been seen and dropped.
  EXPECT_EQ(out.count("ainode_gpu_xid_errors_total"), 0u);
  EXPECT_EQ(out.count("ainode_gpu_last_xid"), 0u);
  for (const auto& event : (*out.details)["gpu_events"]) EXPECT_NE(event["type"], "xid");
}
