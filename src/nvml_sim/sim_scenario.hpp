#pragma once
// The simulator's scenario: which GPUs exist and what happens to them over
// simulated time. Loaded from TOML (see scenarios/*.toml).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "twin/causes.hpp"
#include "twin/gpu_physics.hpp"
#include "twin/workload.hpp"

namespace ainode::sim {

struct Model {
  std::string key;   // "H100-SXM5-80GB"
  std::string name;  // what nvmlDeviceGetName says
  unsigned pci_device_id;
  unsigned long long memory_mib, bar1_mib;
  unsigned power_limit_w, power_min_w, power_idle_w;
  unsigned clock_graphics_mhz, clock_sm_mhz, clock_memory_mhz, clock_video_mhz;
  unsigned pcie_generation, pcie_width;
  unsigned nvlinks, sm_count;
  unsigned slowdown_c, shutdown_c, gpu_max_c, memory_max_c;
  bool has_fan;
  // Physics (src/twin/gpu_physics.hpp): power at full demand and maximum
  // clocks, die-over-inlet thermal resistance and time constant, lowest clock.
  double full_load_w, thermal_resistance_c_per_w, thermal_time_constant_s;
  unsigned clock_min_mhz;
};
const Model* find_model(const std::string& key);
twin::GpuPhysicsModel physics_of(const Model& model, double ambient_c);

struct GpuSpec {
  const Model* model = nullptr;
  twin::Workload workload;
  double ambient_c = 25;
  unsigned pcie_width = 0;  // 0 = the model's; less shows a link trained down
  // Driver persistence mode: on, as a datacenter node runs nvidia-persistenced.
  bool persistence_mode = true;
};

struct ProcessSpec {
  unsigned gpu = 0, pid = 0;
  unsigned long long used_memory_mib = 0;
  unsigned sm_utilization = 0;
  std::string type = "compute";
};

struct ThrottleSpec {
  unsigned gpu = 0;
  unsigned long long reasons = 0;  // NVML bit mask
  double from_seconds = 0, to_seconds = 1e18;
};

struct XidSpec {
  unsigned gpu = 0;
  unsigned long long xid = 0;
  double at_seconds = 0;
};

struct EccSpec {
  unsigned gpu = 0;
  double corrected_per_minute = 0;
  std::vector<double> uncorrected_at_seconds;
};

struct FaultSpec {
  unsigned gpu = 0;
  std::string call;        // entry point name, e.g. "nvmlDeviceGetPowerUsage"; "" for lost/removed
  int error = 0;           // NVML error code to return
  double hang_seconds = 0; // block this long before answering
  unsigned count = 0;      // times it applies (0 = always)
  double from_seconds = 0, to_seconds = 1e18;
  bool lost = false;       // GPU_IS_LOST between from and to
  bool removed = false;    // absent from enumeration between from and to
};

struct MigDeviceSpec {
  unsigned gpu = 0, gpu_instance = 0, compute_instance = 0;
  unsigned gpu_instance_profile_id = 0, compute_instance_profile_id = 0;
  unsigned slices = 1, compute_slices = 1, sm_count = 0;
  unsigned long long memory_mib = 0, used_memory_mib = 0;
  unsigned placement_start = 0, placement_size = 1;
};

struct Scenario {
  std::string driver_version = "sim-550.54.15";
  int cuda_version = 12040;
  std::optional<double> frozen_time_seconds;
  std::vector<GpuSpec> gpus;  // expanded: one entry per GPU
  std::vector<ProcessSpec> processes;
  std::vector<ThrottleSpec> throttles;
  std::vector<XidSpec> xids;
  std::vector<EccSpec> ecc;
  std::vector<FaultSpec> faults;
  std::vector<MigDeviceSpec> mig_devices;
  twin::Causes causes;           // [[fault]] and [[label]]
  bool caller_is_root = true;    // [driver] root = false: set calls answer NO_PERMISSION
  std::string set_call_log;      // append every set call as one JSON line
  std::string state_file;        // the physics state of every GPU, rewritten each simulated second
};

// Throws std::runtime_error naming the file, key and line on bad input.
Scenario load_scenario(const std::string& path);

}  // namespace ainode::sim
