#include "gpu/gpu_view.hpp"

#include <gtest/gtest.h>

#include "collectors/gpu/gpu_metrics.hpp"

using namespace ainode;

namespace {

GpuReading busy_gpu() {
  GpuReading g;
  g.index = 1;
  g.uuid = "GPU-b";
  g.name = "NVIDIA H100 80GB HBM3";
  g.pci_bus_id = "00000000:19:00.0";
  g.owner = {"ml", "trainer-0", "main"};
  g.utilization_ratio = 0.93;
  g.memory_used_bytes = 40e9;
  g.memory_total_bytes = 80e9;
  g.temperature_celsius = 71;
  g.temperature_thresholds_celsius = {{"slowdown", 87}, {"shutdown", 92}};
  g.power_watts = 612;
  g.power_limits_watts = {{"enforced", 700}, {"default", 700}, {"min", 200}, {"max", 700}};
  g.clocks_hertz = {{"sm", 1.755e9}, {"memory", 2.6e9}};
  g.max_clocks_hertz = {{"sm", 1.98e9}};
  g.clock_event_reasons = 0x4 | 0x20;  // sw_power_cap + sw_thermal
  g.ecc_errors = {{{"uncorrected", "volatile"}, 2}};
  g.remapped_rows_uncorrectable = 1;
  g.remapped_rows_failure = false;
  g.pcie_width = 8;
  g.pcie_width_max = 16;
  g.nvlinks = {NvLinkReading{0, true, {{"replay", 3}}}, NvLinkReading{1, false, {}}};
  GpuProcessReading p;
  p.pid = 4242;
  p.name = "python";
  p.memory_bytes = 1e9;
  p.namespace_name = "other";
  p.pod = "notebook";
  g.processes = {p};
  return g;
}

std::vector<Family> families_of(const std::vector<GpuReading>& gpus, const GpuEventLog::Counts& events = {}) {
  std::map<NvmlErrorKey, std::uint64_t> errors;
  std::map<NvmlCallKey, std::uint64_t> slow;
  GpuMetricInputs in{gpus, events, errors, slow, "550.54.15", "12.4"};
  MetricSet set;
  add_gpu_metrics(in, set);
  return set.families();
}

}  // namespace

TEST(GpuView, ReadsBackWhatTheCollectorExported) {
  GpuReading idle;
  idle.index = 0;
  idle.uuid = "GPU-a";
  idle.utilization_ratio = 0;
  auto views = gpu_views(families_of({busy_gpu(), idle}));
  ASSERT_EQ(views.size(), 2u);
  EXPECT_EQ(views[0].reading.uuid, "GPU-a");
  const GpuView* g = find_gpu(views, 1);
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->reading.name, "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(g->reading.driver_version, "550.54.15");
  EXPECT_EQ(g->reading.owner.pod, "trainer-0");  // the GPU's owner, not the process's pod
  EXPECT_DOUBLE_EQ(*g->reading.utilization_ratio, 0.93);
  EXPECT_DOUBLE_EQ(*g->reading.power_watts, 612);
  EXPECT_DOUBLE_EQ(g->reading.power_limits_watts.at("min"), 200);
  EXPECT_DOUBLE_EQ(g->reading.temperature_thresholds_celsius.at("slowdown"), 87);
  EXPECT_DOUBLE_EQ(g->reading.clocks_hertz.at("sm"), 1.755e9);
  EXPECT_TRUE(g->throttled_by("sw_power_cap"));
  EXPECT_TRUE(g->throttled_by("sw_thermal"));
  EXPECT_FALSE(g->throttled_by("hw_slowdown"));
  EXPECT_EQ(*g->reading.clock_event_reasons, 0x24u);
  EXPECT_DOUBLE_EQ((g->reading.ecc_errors.at({"uncorrected", "volatile"})), 2);
  EXPECT_DOUBLE_EQ(*g->reading.remapped_rows_uncorrectable, 1);
  EXPECT_FALSE(*g->reading.remapped_rows_failure);
  EXPECT_EQ(*g->reading.pcie_width, 8u);
  ASSERT_EQ(g->reading.nvlinks.size(), 2u);
  EXPECT_TRUE(g->reading.nvlinks[0].up);
  EXPECT_DOUBLE_EQ(g->reading.nvlinks[0].errors.at("replay"), 3);
  ASSERT_EQ(g->reading.processes.size(), 1u);
  EXPECT_EQ(g->reading.processes[0].pid, 4242u);
  EXPECT_EQ(g->reading.processes[0].pod, "notebook");
}

TEST(GpuView, AbsentStaysAbsent) {
  GpuReading bare;
  bare.index = 3;
  bare.uuid = "GPU-d";
  auto views = gpu_views(families_of({bare}));
  ASSERT_EQ(views.size(), 1u);
  EXPECT_FALSE(views[0].reading.utilization_ratio);
  EXPECT_FALSE(views[0].reading.power_watts);
  EXPECT_FALSE(views[0].throttle_reasons_known());
  EXPECT_FALSE(views[0].throttled_by("sw_power_cap"));
  EXPECT_TRUE(views[0].reading.up);
}

TEST(GpuView, XidCountsAndLastXid) {
  GpuReading g;
  g.index = 0;
  g.uuid = "GPU-a";
  GpuEventLog::Counts events;
  events.xids[{"GPU-a", 79}] = 1;
  events.xids[{"GPU-a", 48}] = 2;
  events.last_xid["GPU-a"] = GpuEvent{std::chrono::system_clock::time_point(std::chrono::seconds(1700000000)), "GPU-a", "xid", 79};
  auto views = gpu_views(families_of({g}, events));
  ASSERT_EQ(views.size(), 1u);
  EXPECT_DOUBLE_EQ(views[0].xid_errors.at(79), 1);
  EXPECT_DOUBLE_EQ(views[0].xid_errors.at(48), 2);
  EXPECT_DOUBLE_EQ(*views[0].last_xid, 79);
  EXPECT_DOUBLE_EQ(*views[0].last_xid_unix_seconds, 1700000000);
}

TEST(GpuView, ProcessesSmShareForTimeSlicedGpus) {
  GpuReading g = busy_gpu();
  g.owner = {};  // time-sliced: no single owner
  g.processes[0].sm_utilization_ratio = 0.4;
  GpuProcessReading only_sm;  // NVML sampled its SM use but not its memory
  only_sm.pid = 77;
  only_sm.namespace_name = "ml";
  only_sm.pod = "vllm-0";
  only_sm.sm_utilization_ratio = 0.5;
  g.processes.push_back(only_sm);
  auto views = gpu_views(families_of({g}));
  ASSERT_EQ(views.size(), 1u);
  const auto& processes = views[0].reading.processes;
  ASSERT_EQ(processes.size(), 2u);
  EXPECT_DOUBLE_EQ(*processes[0].sm_utilization_ratio, 0.4);
  EXPECT_EQ(processes[1].pid, 77u);
  EXPECT_EQ(processes[1].pod, "vllm-0");
  EXPECT_DOUBLE_EQ(*processes[1].sm_utilization_ratio, 0.5);
  EXPECT_TRUE(views[0].reading.owner.pod.empty());  // a process's pod is not the GPU's owner
}

// The tokens-per-joule join apportions MIG GPUs by what the view reads back:
// the GPU's slices and each MIG device's slices, SMs and own owner.
TEST(GpuView, MigDevicesAndTheGpusSlices) {
  GpuReading g;
  g.index = 0;
  g.uuid = "GPU-a";
  g.mig_enabled = true;
  g.mig_max_devices = 7;
  MigDeviceReading small;
  small.uuid = "MIG-1";
  small.gpu_instance = 9;
  small.compute_instance = 0;
  small.gpu_instance_slices = 1;
  small.sm_count = 16;
  small.owner = {"serving", "vllm-small", "vllm"};
  MigDeviceReading large = small;
  large.uuid = "MIG-2";
  large.gpu_instance = 1;
  large.gpu_instance_slices = 4;
  large.sm_count = 64;
  large.owner = {};
  g.mig_devices = {small, large};
  auto views = gpu_views(families_of({g}));
  ASSERT_EQ(views.size(), 1u);
  const GpuReading& r = views[0].reading;
  EXPECT_EQ(r.mig_max_devices, 7u);
  EXPECT_TRUE(r.owner.pod.empty()) << "a MIG device's pod is not the GPU's";
  ASSERT_EQ(r.mig_devices.size(), 2u);
  const auto& first = r.mig_devices[0].uuid == "MIG-1" ? r.mig_devices[0] : r.mig_devices[1];
  const auto& second = r.mig_devices[0].uuid == "MIG-1" ? r.mig_devices[1] : r.mig_devices[0];
  EXPECT_EQ(first.gpu_instance, 9u);
  EXPECT_EQ(first.gpu_instance_slices, 1u);
  EXPECT_EQ(first.sm_count, 16u);
  EXPECT_EQ(first.owner.pod, "vllm-small");
  EXPECT_EQ(second.gpu_instance_slices, 4u);
  EXPECT_TRUE(second.owner.pod.empty());
}
