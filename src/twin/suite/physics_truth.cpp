#include "physics_truth.hpp"

#include <stdlib.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <stdexcept>

#include "gpu/nvml/nvml_library.hpp"
#include "twin/scenario_file.hpp"

namespace fs = std::filesystem;

namespace ainode::twin {

std::vector<Label> labels_from_physics(const fs::path& scenario, const fs::path& nvml_sim, const fs::path& work_dir) {
  Causes causes = load_causes(scenario.string());
  double duration = parse_scenario_file(scenario.string())["scenario"]["duration_seconds"].value_or(300.0);
  std::set<unsigned> gpus;
  for (const auto& f : causes.faults) {
    if (is_throttle_cause(f.kind)) gpus.insert(*f.subject.gpu);
  }
  std::map<unsigned, std::vector<ThrottleReading>> readings;
  if (!gpus.empty()) {
    fs::create_directories(work_dir);
    fs::path clock = work_dir / "physics-clock";
    std::ofstream(clock) << 0;
    setenv("AINODE_NVML_SIM_SCENARIO", fs::absolute(scenario).c_str(), 1);
    setenv("AINODE_NVML_SIM_CLOCK_FILE", clock.c_str(), 1);
    NvmlLibrary library(nvml_sim.string());
    const NvmlApi& api = library.api();
    if (!library.loaded() || api.init() != NVML_SUCCESS) throw std::runtime_error("cannot load " + nvml_sim.string() + " on " + scenario.string());
    for (double t = 0; t <= duration; t += 1) {
      std::ofstream(clock) << t;
      for (unsigned index : gpus) {
        nvmlDevice_t device = nullptr;
        if (api.device_by_index(index, &device) != NVML_SUCCESS) continue;
        ThrottleReading r;
        r.t = t;
        unsigned enforced = 0, fallback = 0;
        nvmlReturn_t up = api.enforced_power_limit(device, &enforced);
        r.lost = up == NVML_ERROR_GPU_IS_LOST;
        if (!r.lost) {
          api.default_power_limit(device, &fallback);
          api.clock_event_reasons(device, &r.reasons);
          r.enforced_limit_w = enforced / 1000.0;
          r.default_limit_w = fallback / 1000.0;
        }
        readings[index].push_back(r);
      }
    }
    api.shutdown();
    fs::remove(clock);
  }
  return physics_labels(causes, readings, duration);
}

std::string labels_toml(const std::vector<Label>& labels) {
  std::string out;
  for (const auto& l : labels) {
    out += "\n[[label]]\ncause = \"" + std::string(cause_name(l.cause)) + "\"\n";
    if (l.subject.gpu) out += "gpu = " + std::to_string(*l.subject.gpu) + "\n";
    if (!l.subject.device.empty()) out += "device = \"" + l.subject.device + "\"\n";
    if (!l.subject.pod.empty()) out += "pod = \"" + l.subject.pod + "\"\n";
    char window[96];
    std::snprintf(window, sizeof window, "from_seconds = %g\nto_seconds = %g\n", l.from_seconds, l.to_seconds);
    out += window;
  }
  return out;
}

}  // namespace ainode::twin
