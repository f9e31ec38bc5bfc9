// CPU and wall time of one full GPU collection (every NVML query, metrics
// and the /v1/status detail, rendered every cycle) on a simulated scenario, e.g. the 8-GPU
// scenarios/h100x8.toml. The simulator's own work is included, so this is
// an upper bound on ainode's overhead per GPU. It also counts the NVML
// calls the sampler makes per GPU per cycle (every entry point it calls,
// device enumeration included), the figure a real driver charges for.
// On a real driver (pass the real libnvidia-ml.so.1; the scenario is then
// ignored) the median and 90th percentile wall time per cycle are the
// figures to compare with one `nvidia-smi --query-gpu`, and the per-entry-
// point table says where a cycle's time goes. Cycles that do the slow reads
// (every gpu.slow_read_interval) are in the maximum, not the median.
//
//   bench_gpu_cycle_cost NVML_LIBRARY SCENARIO [cycles]
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "collectors/gpu/gpu_collector.hpp"


#include "bench_support.hpp"

int main(int argc, char** argv) {
  using namespace ainode;
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s NVML_LIBRARY SCENARIO [cycles]\n", argv[0]);
    return 2;
  }
  setenv("AINODE_NVML_SIM_SCENARIO", argv[2], 1);
  int cycles = argc > 3 ? std::atoi(argv[3]) : 500;
  GpuConfig config;
  config.nvml_library = argv[1];
  config.enable_events = false;  // a separate thread, idle between events
  GpuCollector collector(config);
  HostFs fs("/proc", "/sys", "/");
  std::size_t gpus = 0;
  auto cycle = [&] {
    CollectContext context{fs, std::chrono::system_clock::now(), std::chrono::steady_clock::now(), {}, nullptr, {}};
    MetricSet out;
    collector.collect(context, out);
    // The detail is rendered only when /v1/status is read; rendering it every
    // cycle keeps this figure the upper bound (a TUI polling each second).
    if (context.details) context.details->json();
    if (const Family* devices = out.find("ainode_gpu_devices")) gpus = static_cast<std::size_t>(devices->samples[0].value);
  };
  for (int i = 0; i < 5; ++i) cycle();
  const NvmlSampler* sampler = collector.nvml_sampler();
  if (sampler == nullptr) {
    std::fprintf(stderr, "NVML did not load from %s\n", argv[1]);
    return 1;
  }
  std::uint64_t calls_before = sampler->calls_made(), devices_before = sampler->devices_read();
  const std::map<std::string, NvmlCallCost, std::less<>> costs_before = sampler->call_costs();
  std::vector<double> walls;
  walls.reserve(static_cast<std::size_t>(cycles));
  double cpu_before = ainode::bench::process_cpu_seconds();
  auto wall_before = std::chrono::steady_clock::now();
  for (int i = 0; i < cycles; ++i) {
    auto start = std::chrono::steady_clock::now();
    cycle();
    walls.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  double cpu = (ainode::bench::process_cpu_seconds() - cpu_before) / cycles;
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_before).count() / cycles;
  auto device_cycles = static_cast<double>(sampler->devices_read() - devices_before);
  double calls_per_gpu = device_cycles > 0 ? static_cast<double>(sampler->calls_made() - calls_before) / device_cycles : 0;
  std::sort(walls.begin(), walls.end());
  auto percentile = [&](double p) { return walls[static_cast<std::size_t>(p * static_cast<double>(walls.size() - 1))]; };
  std::printf(
      "gpus=%zu cycles=%d cpu_seconds_per_cycle=%.6f wall_seconds_per_cycle=%.6f core_share_at_1s=%.4f%% "
      "nvml_calls_per_gpu_cycle=%.2f wall_median=%.6f wall_p90=%.6f wall_max=%.6f\n",
      gpus, cycles, cpu, wall, cpu * 100.0, calls_per_gpu, percentile(0.5), percentile(0.9), walls.back());
  // Where the time went, per entry point, most expensive first.
  std::vector<std::pair<double, std::string>> order;
  std::map<std::string, NvmlCallCost> spent;
  for (const auto& [name, cost] : sampler->call_costs()) {
    NvmlCallCost delta = cost;
    if (auto it = costs_before.find(name); it != costs_before.end()) {
      delta.calls -= it->second.calls;
      delta.total_seconds -= it->second.total_seconds;
    }
    if (delta.calls == 0) continue;
    spent[name] = delta;
    order.emplace_back(delta.total_seconds, name);
  }
  std::sort(order.rbegin(), order.rend());
  for (const auto& [seconds, name] : order) {
    const NvmlCallCost& c = spent[name];
    std::printf("  %-52s calls_per_gpu_cycle=%6.2f mean_us=%9.1f us_per_gpu_cycle=%9.1f\n", name.c_str(),
                device_cycles > 0 ? static_cast<double>(c.calls) / device_cycles : 0,
                1e6 * seconds / static_cast<double>(c.calls), device_cycles > 0 ? 1e6 * seconds / device_cycles : 0);
  }
  return gpus > 0 ? 0 : 1;
}
