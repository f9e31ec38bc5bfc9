// CPU and wall time of one full GPU collection (every NVML query, metrics
// and the /v1/status detail, rendered every cycle) on a simulated scenario, e.g. the 8-GPU
// scenarios/h100x8.toml. The simulator's own work is included, so this is
// an upper bound on ainode's overhead per GPU. It also counts the NVML
// calls the sampler makes per GPU per cycle (every entry point it calls,
// device enumeration included), the figure a real driver charges for.
//
//   bench_gpu_cycle_cost NVML_LIBRARY SCENARIO [cycles]
#include <stdlib.h>

#include <chrono>
#include <cstdint>
#include <cstdio>

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
  double cpu_before = ainode::bench::process_cpu_seconds();
  auto wall_before = std::chrono::steady_clock::now();
  for (int i = 0; i < cycles; ++i) cycle();
  double cpu = (ainode::bench::process_cpu_seconds() - cpu_before) / cycles;
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_before).count() / cycles;
  auto device_cycles = static_cast<double>(sampler->devices_read() - devices_before);
  double calls_per_gpu = device_cycles > 0 ? static_cast<double>(sampler->calls_made() - calls_before) / device_cycles : 0;
  std::printf(
      "gpus=%zu cycles=%d cpu_seconds_per_cycle=%.6f wall_seconds_per_cycle=%.6f core_share_at_1s=%.4f%% "
      "nvml_calls_per_gpu_cycle=%.2f\n",
      gpus, cycles, cpu, wall, cpu * 100.0, calls_per_gpu);
  return gpus > 0 ? 0 : 1;
}
