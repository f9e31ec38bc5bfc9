#pragma once
// Vendor-neutral plain readings of one GPU, filled by a backend (NVML now,
// amdgpu later) and turned into metrics and /v1/status by the GPU collector.
// Every field is optional: unsupported or failed means absent, never zero.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ainode {

struct GpuProcessReading {
  std::uint32_t pid = 0;
  std::string name;  // from /proc/<pid>/comm, "" if unknown
  std::string type;  // "compute", "graphics" or "compute+graphics"
  std::optional<double> memory_bytes;
  std::optional<double> sm_utilization_ratio;
  std::optional<unsigned> gpu_instance, compute_instance;  // MIG placement of the process
  // Kubernetes owner from the process's cgroup ("" outside a pod); exact even
  // when several pods share the GPU by time-slicing.
  std::string namespace_name, pod, container;
};

// The one Kubernetes container a device is allocated to (PodResources);
// empty when none, or when several share it by time-slicing.
struct PodOwner {
  std::string namespace_name, pod, container;
};

struct MigDeviceReading {
  std::string uuid;
  unsigned gpu_instance = 0, compute_instance = 0;
  std::string profile;  // "1g.10gb", from slice count and memory as nvidia-smi names it
  std::optional<unsigned> gpu_instance_profile_id, placement_start, placement_size;
  std::optional<unsigned> compute_instance_profile_id;
  std::optional<unsigned> sm_count, gpu_instance_slices, compute_instance_slices;
  std::optional<double> memory_total_bytes, memory_used_bytes;
  PodOwner owner;
};

struct NvLinkReading {
  unsigned link = 0;
  bool up = false;
  std::map<std::string, double> errors;  // counter name -> count
};

struct GpuReading {
  unsigned index = 0;
  std::string uuid;
  std::string vendor = "nvidia";  // "nvidia" (NVML) or "amd" (amdgpu sysfs)
  std::string driver_version;     // amdgpu module version; for NVIDIA the NVML driver's, set by the collector
  bool up = true;  // false once the device reports itself lost
  std::string name, pci_bus_id, serial, vbios;
  std::optional<int> numa_node;
  PodOwner owner;  // filled by the collector from the kubelet's allocations

  std::optional<double> utilization_ratio, memory_utilization_ratio, encoder_utilization_ratio,
      decoder_utilization_ratio;
  std::optional<double> memory_total_bytes, memory_used_bytes, memory_free_bytes, memory_reserved_bytes;
  std::optional<double> bar1_total_bytes, bar1_used_bytes;
  // amdgpu: the CPU-visible part of VRAM, and GTT (system memory the GPU maps).
  std::optional<double> visible_memory_total_bytes, visible_memory_used_bytes;
  std::optional<double> gtt_total_bytes, gtt_used_bytes;
  std::optional<double> temperature_celsius, memory_temperature_celsius;
  std::optional<double> junction_temperature_celsius;  // amdgpu's hotspot sensor
  std::map<std::string, double> temperature_thresholds_celsius;  // slowdown, shutdown, gpu_max, memory_max
  std::optional<double> fan_speed_ratio;
  std::optional<double> power_watts;
  std::map<std::string, double> power_limits_watts;  // current, enforced, default, min, max
  std::optional<double> energy_joules;
  std::map<std::string, double> clocks_hertz, max_clocks_hertz;  // graphics, sm, memory, video
  std::optional<int> pstate;
  std::optional<std::uint64_t> clock_event_reasons;  // NVML bit mask
  std::optional<bool> ecc_enabled, ecc_enabled_pending;
  std::map<std::pair<std::string, std::string>, double> ecc_errors;  // (type, scope) -> count
  // amdgpu RAS: (block, "uncorrected"|"corrected") -> errors since boot.
  std::map<std::pair<std::string, std::string>, double> ras_errors;
  std::map<std::string, double> retired_pages;                       // cause -> pages
  std::optional<bool> retired_pages_pending;
  std::optional<double> remapped_rows_correctable, remapped_rows_uncorrectable;
  std::optional<bool> remapped_rows_pending, remapped_rows_failure;
  // The row remapper's histogram: banks by spare rows left (max, high, partial, low, none).
  std::map<std::string, double> row_remap_bank_availability;
  // Driver persistence mode (Linux): off, the driver's state is torn down when its last client exits.
  std::optional<bool> persistence_mode;
  std::optional<unsigned> pcie_generation, pcie_generation_max, pcie_width, pcie_width_max;
  std::optional<double> pcie_transmit_bytes_per_second, pcie_receive_bytes_per_second, pcie_replays;
  std::vector<NvLinkReading> nvlinks;
  std::optional<double> nvlink_transmit_bytes, nvlink_receive_bytes;  // all links, since the driver loaded
  std::vector<GpuProcessReading> processes;
  std::optional<bool> mig_enabled, mig_enabled_pending;
  // NVML's maximum MIG device count: one MIG device per compute slice at
  // most, so the GPU's compute slices (7 on A100/H100/H200, 4 on A30), the
  // whole that MIG energy shares are taken of (efficiency/mig_shares.hpp).
  std::optional<unsigned> mig_max_devices;
  std::vector<MigDeviceReading> mig_devices;
};

// Clock event reasons by the names ainode exports, with their NVML bits.
struct ThrottleReason {
  const char* name;
  std::uint64_t bit;
};
inline constexpr ThrottleReason kThrottleReasons[] = {
    {"idle", 0x1},           {"applications_clocks_setting", 0x2}, {"sw_power_cap", 0x4},
    {"hw_slowdown", 0x8},    {"sync_boost", 0x10},                 {"sw_thermal", 0x20},
    {"hw_thermal", 0x40},    {"hw_power_brake", 0x80},             {"display_clock_setting", 0x100},
};

}  // namespace ainode
