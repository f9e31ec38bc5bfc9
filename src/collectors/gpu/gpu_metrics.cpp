#include "collectors/gpu/gpu_metrics.hpp"

#include <functional>

namespace ainode {

namespace {

using Labels = std::vector<std::string_view>;
const Labels kGpu = {"gpu", "uuid"};
Labels with(std::initializer_list<std::string_view> extra) {
  Labels labels = kGpu;
  labels.insert(labels.end(), extra);
  return labels;
}
// Series of one GPU (or MIG device) also name the Kubernetes container it is
// allocated to; the labels are empty, so not written, when there is none.
// They also carry the vendor ("nvidia", "amd"): one view of every GPU.
Labels owned(std::initializer_list<std::string_view> extra = {}) {
  Labels labels = with({"vendor"});
  labels.insert(labels.end(), extra);
  labels.insert(labels.end(), {"namespace", "pod", "container"});
  return labels;
}
const Labels kGpuOwned = owned();
// The vendor label of series only NVML produces (events, XIDs, call errors).
const std::string kNvmlVendor = "nvidia";

const MetricDesc kInfo{"ainode_gpu_info", MetricType::gauge, "", "GPU identity; value is always 1.",
                       owned({"name", "pci_bus_id", "serial", "vbios", "driver_version", "cuda_version", "numa_node"})};
const MetricDesc kUp{"ainode_gpu_up", MetricType::gauge, "", "1 while the GPU answers, 0 once it is lost.", kGpuOwned};
const MetricDesc kUtilization{"ainode_gpu_utilization_ratio", MetricType::gauge, "ratio",
                              "Share of the last sample period a kernel was running.", kGpuOwned};
const MetricDesc kMemoryUtilization{"ainode_gpu_memory_utilization_ratio", MetricType::gauge, "ratio",
                                    "Share of the last sample period device memory was read or written.", kGpuOwned};
const MetricDesc kEncoder{"ainode_gpu_encoder_utilization_ratio", MetricType::gauge, "ratio", "Video encoder busy share.", kGpuOwned};
const MetricDesc kDecoder{"ainode_gpu_decoder_utilization_ratio", MetricType::gauge, "ratio", "Video decoder busy share.", kGpuOwned};
const MetricDesc kMemoryTotal{"ainode_gpu_memory_total_bytes", MetricType::gauge, "bytes", "Device memory.", kGpuOwned};
const MetricDesc kMemoryUsed{"ainode_gpu_memory_used_bytes", MetricType::gauge, "bytes", "Device memory allocated.", kGpuOwned};
const MetricDesc kMemoryFree{"ainode_gpu_memory_free_bytes", MetricType::gauge, "bytes", "Device memory free.", kGpuOwned};
const MetricDesc kMemoryReserved{"ainode_gpu_memory_reserved_bytes", MetricType::gauge, "bytes",
                                 "Device memory reserved by the driver and firmware.", kGpuOwned};
const MetricDesc kBar1Total{"ainode_gpu_bar1_memory_total_bytes", MetricType::gauge, "bytes", "BAR1 aperture size.", kGpuOwned};
const MetricDesc kBar1Used{"ainode_gpu_bar1_memory_used_bytes", MetricType::gauge, "bytes", "BAR1 aperture in use.", kGpuOwned};
const MetricDesc kVisibleTotal{"ainode_gpu_memory_visible_total_bytes", MetricType::gauge, "bytes",
                              "CPU-visible part of device memory (amdgpu vis_vram).", kGpuOwned};
const MetricDesc kVisibleUsed{"ainode_gpu_memory_visible_used_bytes", MetricType::gauge, "bytes",
                             "CPU-visible device memory in use (amdgpu vis_vram).", kGpuOwned};
const MetricDesc kGttTotal{"ainode_gpu_gtt_memory_total_bytes", MetricType::gauge, "bytes",
                           "System memory the GPU can map (amdgpu GTT).", kGpuOwned};
const MetricDesc kGttUsed{"ainode_gpu_gtt_memory_used_bytes", MetricType::gauge, "bytes",
                          "System memory mapped by the GPU (amdgpu GTT).", kGpuOwned};
const MetricDesc kJunction{"ainode_gpu_junction_temperature_celsius", MetricType::gauge, "celsius",
                           "Hotspot (junction) temperature (amdgpu).", kGpuOwned};
const MetricDesc kRasErrors{"ainode_gpu_ras_errors_total", MetricType::counter, "",
                            "RAS errors since boot per hardware block (amdgpu: umc, gfx, sdma, ...), by type "
                            "(corrected, uncorrected).",
                            owned({"block", "type"})};
const MetricDesc kTemperature{"ainode_gpu_temperature_celsius", MetricType::gauge, "celsius", "GPU core temperature.", kGpuOwned};
const MetricDesc kMemoryTemperature{"ainode_gpu_memory_temperature_celsius", MetricType::gauge, "celsius",
                                    "GPU memory (HBM) temperature.", kGpuOwned};
const MetricDesc kThreshold{"ainode_gpu_temperature_threshold_celsius", MetricType::gauge, "celsius",
                            "Temperature thresholds (slowdown, shutdown, gpu_max, memory_max).", owned({"threshold"})};
const MetricDesc kFan{"ainode_gpu_fan_speed_ratio", MetricType::gauge, "ratio", "Fan speed as a share of its maximum.", kGpuOwned};
const MetricDesc kPower{"ainode_gpu_power_watts", MetricType::gauge, "watts", "Power draw.", kGpuOwned};
const MetricDesc kPowerLimit{"ainode_gpu_power_limit_watts", MetricType::gauge, "watts",
                             "Power limits: current (management), enforced, default, min and max settable.",
                             owned({"limit"})};
const MetricDesc kEnergy{"ainode_gpu_energy_joules_total", MetricType::counter, "joules",
                         "Energy consumed since the driver loaded (NVML's own counter).", kGpuOwned};
const MetricDesc kClock{"ainode_gpu_clock_hertz", MetricType::gauge, "hertz", "Current clock per domain.", owned({"clock"})};
const MetricDesc kClockMax{"ainode_gpu_clock_max_hertz", MetricType::gauge, "hertz", "Maximum clock per domain.",
                           owned({"clock"})};
const MetricDesc kPstate{"ainode_gpu_pstate", MetricType::gauge, "", "Performance state (0 = fastest, 15 = slowest).", kGpuOwned};
const MetricDesc kThrottle{"ainode_gpu_throttle_reason", MetricType::gauge, "",
                           "1 while the clocks are held down for this reason (NVML clock event reasons).",
                           owned({"reason"})};
const MetricDesc kEccMode{"ainode_gpu_ecc_mode", MetricType::gauge, "", "1 if ECC is enabled.", kGpuOwned};
const MetricDesc kEccModePending{"ainode_gpu_ecc_mode_pending", MetricType::gauge, "",
                                 "1 if ECC will be enabled after the next reset.", kGpuOwned};
const MetricDesc kEccErrors{"ainode_gpu_ecc_errors_total", MetricType::counter, "",
                            "ECC errors (volatile: since the last driver load; aggregate: lifetime).",
                            owned({"type", "scope"})};
const MetricDesc kRetiredPages{"ainode_gpu_retired_pages", MetricType::gauge, "", "Retired memory pages by cause.",
                               owned({"cause"})};
const MetricDesc kRetiredPending{"ainode_gpu_retired_pages_pending", MetricType::gauge, "",
                                 "1 if pages are waiting to be retired at the next reset.", kGpuOwned};
const MetricDesc kRemappedRows{"ainode_gpu_remapped_rows", MetricType::gauge, "", "Memory rows remapped, by error kind.",
                               owned({"type"})};
const MetricDesc kRemapPending{"ainode_gpu_remapped_rows_pending", MetricType::gauge, "",
                               "1 if a row remap is waiting for a reset.", kGpuOwned};
const MetricDesc kRemapFailure{"ainode_gpu_remapped_rows_failure", MetricType::gauge, "",
                               "1 if a row remap has failed (the GPU should be serviced).", kGpuOwned};
const MetricDesc kRemapBanks{"ainode_gpu_row_remap_bank_availability", MetricType::gauge, "",
                             "Memory banks by the spare rows they have left for row remapping (max: all, high, "
                             "partial, low, none: no spare row left); NVML's row remapper histogram.",
                             owned({"availability"})};
const MetricDesc kPersistence{"ainode_gpu_persistence_mode", MetricType::gauge, "",
                              "1 if driver persistence mode is enabled (the driver keeps its state with no client).",
                              kGpuOwned};
const MetricDesc kPcieGeneration{"ainode_gpu_pcie_link_generation", MetricType::gauge, "", "Current PCIe generation.", kGpuOwned};
const MetricDesc kPcieGenerationMax{"ainode_gpu_pcie_link_generation_max", MetricType::gauge, "",
                                    "Maximum PCIe generation of the GPU and system.", kGpuOwned};
const MetricDesc kPcieWidth{"ainode_gpu_pcie_link_width", MetricType::gauge, "", "Current PCIe lanes.", kGpuOwned};
const MetricDesc kPcieWidthMax{"ainode_gpu_pcie_link_width_max", MetricType::gauge, "", "Maximum PCIe lanes.", kGpuOwned};
const MetricDesc kPcieThroughput{"ainode_gpu_pcie_throughput_bytes", MetricType::gauge, "bytes",
                                 "PCIe throughput in bytes per second over NVML's 20 ms sample.", owned({"direction"})};
const MetricDesc kPcieReplays{"ainode_gpu_pcie_replays_total", MetricType::counter, "", "PCIe replay events.", kGpuOwned};
const MetricDesc kNvlinkUp{"ainode_gpu_nvlink_up", MetricType::gauge, "", "1 if the NVLink is active.", owned({"link"})};
const MetricDesc kNvlinkErrors{"ainode_gpu_nvlink_errors_total", MetricType::counter, "",
                               "NVLink data-link errors by counter (replay, recovery, crc_flit, crc_data).",
                               owned({"link", "counter"})};
const MetricDesc kNvlinkData{"ainode_gpu_nvlink_data_bytes_total", MetricType::counter, "bytes",
                             "NVLink payload bytes over all links since the driver loaded, by direction (tx, rx).",
                             owned({"direction"})};
const MetricDesc kProcessMemory{"ainode_gpu_process_memory_bytes", MetricType::gauge, "bytes",
                                "Device memory of a process (compute and graphics); at most gpu.max_processes per GPU.",
                                with({"vendor", "pid", "process", "namespace", "pod", "container"})};
const MetricDesc kProcessSm{"ainode_gpu_process_sm_utilization_ratio", MetricType::gauge, "ratio",
                            "SM utilization of a process over NVML's last samples.",
                            with({"vendor", "pid", "process", "namespace", "pod", "container"})};
const MetricDesc kMigMode{"ainode_gpu_mig_mode", MetricType::gauge, "", "1 if MIG is enabled.", kGpuOwned};
const MetricDesc kMigModePending{"ainode_gpu_mig_mode_pending", MetricType::gauge, "",
                                 "1 if MIG will be enabled after the next reset.", kGpuOwned};
const MetricDesc kMigMaxDevices{"ainode_gpu_mig_max_devices", MetricType::gauge, "",
                                "MIG devices the GPU can hold at most (NVML's maximum MIG device count): its compute "
                                "slices, the whole MIG energy shares are taken of.",
                                kGpuOwned};
const Labels kMig = owned({"mig_uuid", "gpu_instance", "compute_instance"});
const MetricDesc kMigInfo{"ainode_gpu_mig_device_info", MetricType::gauge, "",
                          "A MIG device: profile and placement; value is always 1.",
                          owned({"mig_uuid", "gpu_instance", "compute_instance", "profile", "gpu_instance_profile_id",
                                "placement_start", "placement_size"})};
const MetricDesc kMigSm{"ainode_gpu_mig_device_multiprocessors", MetricType::gauge, "", "Streaming multiprocessors (SMs) of the MIG device.", kMig};
const MetricDesc kMigSlices{"ainode_gpu_mig_device_slices", MetricType::gauge, "",
                            "GPU instance slices of the MIG device.", kMig};
const MetricDesc kMigMemoryTotal{"ainode_gpu_mig_device_memory_total_bytes", MetricType::gauge, "bytes",
                                 "Memory of the MIG device.", kMig};
const MetricDesc kMigMemoryUsed{"ainode_gpu_mig_device_memory_used_bytes", MetricType::gauge, "bytes",
                                "Memory in use on the MIG device.", kMig};
const MetricDesc kXids{"ainode_gpu_xid_errors_total", MetricType::counter, "", "XID errors seen by the event thread.",
                       with({"vendor", "xid"})};
const MetricDesc kLastXid{"ainode_gpu_last_xid", MetricType::gauge, "", "The most recent XID of the GPU.",
                          with({"vendor"})};
const MetricDesc kLastXidTime{"ainode_gpu_last_xid_timestamp_seconds", MetricType::gauge, "seconds",
                              "Unix time of the most recent XID.", with({"vendor"})};
const MetricDesc kEvents{"ainode_gpu_events_total", MetricType::counter, "", "GPU events by type.", with({"vendor", "type"})};
const MetricDesc kNvmlErrors{"ainode_gpu_nvml_errors_total", MetricType::counter, "",
                             "NVML calls that failed, by call and NVML error (NOT_SUPPORTED is not counted).",
                             with({"vendor", "call", "error"})};
const MetricDesc kNvmlSlowCalls{"ainode_gpu_nvml_slow_calls_total", MetricType::counter, "",
                                "NVML calls that took 1 s or more (a hung driver call shows here once it returns).",
                                with({"vendor", "call"})};
const MetricDesc kDevices{"ainode_gpu_devices", MetricType::gauge, "", "GPUs visible to ainode, all vendors."};
const Labels kCompat = {"gpu"};
const MetricDesc kCompatUtilization{"ainode_gpu_utilization_ratio_compat", MetricType::gauge, "",
                                    "k8s_mode: GPU utilization labelled by CDI device name.", kCompat};
const MetricDesc kCompatMemoryUsed{"ainode_gpu_memory_used_bytes_compat", MetricType::gauge, "",
                                   "k8s_mode: memory used in bytes, by CDI device name (GPUs and MIG devices).", kCompat};
const MetricDesc kCompatMemoryTotal{"ainode_gpu_memory_total_bytes_compat", MetricType::gauge, "",
                                    "k8s_mode: memory in bytes, by CDI device name (GPUs and MIG devices).", kCompat};
const MetricDesc kCompatPower{"ainode_gpu_power_watts_compat", MetricType::gauge, "",
                              "k8s_mode: power draw in watts by CDI device name.", kCompat};
const MetricDesc kCompatTemperature{"ainode_gpu_temperature_celsius_compat", MetricType::gauge, "",
                                    "k8s_mode: core temperature in Celsius by CDI device name.", kCompat};

double unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

std::vector<std::string> gpu_values(const GpuReading& g, std::initializer_list<std::string> extra = {}) {
  std::vector<std::string> values{std::to_string(g.index), g.uuid, g.vendor};
  values.insert(values.end(), extra);
  values.insert(values.end(), {g.owner.namespace_name, g.owner.pod, g.owner.container});
  return values;
}

std::vector<std::string> mig_values(const GpuReading& g, const MigDeviceReading& m, std::initializer_list<std::string> extra) {
  std::vector<std::string> values{std::to_string(g.index), g.uuid, g.vendor};
  values.insert(values.end(), extra);
  values.insert(values.end(), {m.owner.namespace_name, m.owner.pod, m.owner.container});
  return values;
}

std::vector<std::string> process_labels(const GpuReading& g, const GpuProcessReading& p) {
  return {std::to_string(g.index), g.uuid, g.vendor, std::to_string(p.pid), p.name, p.namespace_name, p.pod, p.container};
}

}  // namespace

std::vector<const MetricDesc*> gpu_metric_descriptors() {
  return {&kDevices,      &kInfo,          &kUp,           &kUtilization,    &kMemoryUtilization, &kEncoder,
          &kDecoder,      &kMemoryTotal,   &kMemoryUsed,   &kMemoryFree,     &kMemoryReserved,    &kBar1Total,
          &kBar1Used,     &kVisibleTotal,  &kVisibleUsed,  &kGttTotal,       &kGttUsed,           &kJunction,
          &kRasErrors,    &kTemperature,   &kMemoryTemperature, &kThreshold, &kFan,               &kPower,
          &kPowerLimit,   &kEnergy,        &kClock,        &kClockMax,       &kPstate,            &kThrottle,
          &kEccMode,      &kEccModePending, &kEccErrors,   &kRetiredPages,   &kRetiredPending,    &kRemappedRows,
          &kRemapPending, &kRemapFailure,  &kRemapBanks,   &kPersistence,   &kPcieGeneration, &kPcieGenerationMax, &kPcieWidth,    &kPcieWidthMax,
          &kPcieThroughput, &kPcieReplays, &kNvlinkUp,     &kNvlinkErrors,   &kNvlinkData,   &kProcessMemory,     &kProcessSm,
          &kMigMode,      &kMigModePending, &kMigMaxDevices, &kMigInfo,     &kMigSm,          &kMigSlices,         &kMigMemoryTotal,
          &kMigMemoryUsed, &kXids,         &kLastXid,      &kLastXidTime,    &kEvents,            &kNvmlErrors,   &kNvmlSlowCalls,
          &kCompatUtilization, &kCompatMemoryUsed, &kCompatMemoryTotal, &kCompatPower, &kCompatTemperature};
}

void add_gpu_metrics(const GpuMetricInputs& in, MetricSet& out) {
  out.add(kDevices, static_cast<double>(in.gpus.size()));
  auto per_gpu = [&](const MetricDesc& desc, const std::function<std::optional<double>(const GpuReading&)>& value) {
    for (const auto& g : in.gpus) {
      if (auto v = value(g)) out.add(desc, gpu_values(g), *v);
    }
  };
  auto per_gpu_map = [&](const MetricDesc& desc, const std::function<const std::map<std::string, double>&(const GpuReading&)>& map) {
    for (const auto& g : in.gpus) {
      for (const auto& [key, value] : map(g)) out.add(desc, gpu_values(g, {key}), value);
    }
  };
  auto flag = [](const std::optional<bool>& b) -> std::optional<double> {
    return b ? std::optional<double>(*b ? 1.0 : 0.0) : std::nullopt;
  };
  auto count = [](const std::optional<unsigned>& u) -> std::optional<double> {
    return u ? std::optional<double>(*u) : std::nullopt;
  };

  for (const auto& g : in.gpus) {
    out.add(kInfo,
            gpu_values(g, {g.name, g.pci_bus_id, g.serial, g.vbios,
                           g.driver_version.empty() ? std::string(in.driver_version) : g.driver_version,
                           g.vendor == "nvidia" ? std::string(in.cuda_version) : std::string(),
                           g.numa_node ? std::to_string(*g.numa_node) : std::string()}),
            1);
  }
  per_gpu(kUp, [](const GpuReading& g) { return g.up ? 1.0 : 0.0; });
  per_gpu(kUtilization, [](const GpuReading& g) { return g.utilization_ratio; });
  per_gpu(kMemoryUtilization, [](const GpuReading& g) { return g.memory_utilization_ratio; });
  per_gpu(kEncoder, [](const GpuReading& g) { return g.encoder_utilization_ratio; });
  per_gpu(kDecoder, [](const GpuReading& g) { return g.decoder_utilization_ratio; });
  per_gpu(kMemoryTotal, [](const GpuReading& g) { return g.memory_total_bytes; });
  per_gpu(kMemoryUsed, [](const GpuReading& g) { return g.memory_used_bytes; });
  per_gpu(kMemoryFree, [](const GpuReading& g) { return g.memory_free_bytes; });
  per_gpu(kMemoryReserved, [](const GpuReading& g) { return g.memory_reserved_bytes; });
  per_gpu(kBar1Total, [](const GpuReading& g) { return g.bar1_total_bytes; });
  per_gpu(kBar1Used, [](const GpuReading& g) { return g.bar1_used_bytes; });
  per_gpu(kTemperature, [](const GpuReading& g) { return g.temperature_celsius; });
  per_gpu(kMemoryTemperature, [](const GpuReading& g) { return g.memory_temperature_celsius; });
  per_gpu(kJunction, [](const GpuReading& g) { return g.junction_temperature_celsius; });
  per_gpu(kVisibleTotal, [](const GpuReading& g) { return g.visible_memory_total_bytes; });
  per_gpu(kVisibleUsed, [](const GpuReading& g) { return g.visible_memory_used_bytes; });
  per_gpu(kGttTotal, [](const GpuReading& g) { return g.gtt_total_bytes; });
  per_gpu(kGttUsed, [](const GpuReading& g) { return g.gtt_used_bytes; });
  for (const auto& g : in.gpus) {
    for (const auto& [key, value] : g.ras_errors) out.add(kRasErrors, gpu_values(g, {key.first, key.second}), value);
  }
  per_gpu_map(kThreshold, [](const GpuReading& g) -> const auto& { return g.temperature_thresholds_celsius; });
  per_gpu(kFan, [](const GpuReading& g) { return g.fan_speed_ratio; });
  per_gpu(kPower, [](const GpuReading& g) { return g.power_watts; });
  per_gpu_map(kPowerLimit, [](const GpuReading& g) -> const auto& { return g.power_limits_watts; });
  per_gpu(kEnergy, [](const GpuReading& g) { return g.energy_joules; });
  per_gpu_map(kClock, [](const GpuReading& g) -> const auto& { return g.clocks_hertz; });
  per_gpu_map(kClockMax, [](const GpuReading& g) -> const auto& { return g.max_clocks_hertz; });
  per_gpu(kPstate, [](const GpuReading& g) -> std::optional<double> {
    return g.pstate ? std::optional<double>(*g.pstate) : std::nullopt;
  });
  for (const auto& g : in.gpus) {
    if (!g.clock_event_reasons) continue;
    for (const auto& reason : kThrottleReasons) {
      out.add(kThrottle, gpu_values(g, {reason.name}), (*g.clock_event_reasons & reason.bit) ? 1 : 0);
    }
  }
  per_gpu(kEccMode, [&](const GpuReading& g) { return flag(g.ecc_enabled); });
  per_gpu(kEccModePending, [&](const GpuReading& g) { return flag(g.ecc_enabled_pending); });
  for (const auto& g : in.gpus) {
    for (const auto& [key, value] : g.ecc_errors) {
      out.add(kEccErrors, gpu_values(g, {key.first, key.second}), value);
    }
  }
  per_gpu_map(kRetiredPages, [](const GpuReading& g) -> const auto& { return g.retired_pages; });
  per_gpu(kRetiredPending, [&](const GpuReading& g) { return flag(g.retired_pages_pending); });
  for (const auto& g : in.gpus) {
    if (g.remapped_rows_correctable) out.add(kRemappedRows, gpu_values(g, {"correctable"}), *g.remapped_rows_correctable);
    if (g.remapped_rows_uncorrectable) {
      out.add(kRemappedRows, gpu_values(g, {"uncorrectable"}), *g.remapped_rows_uncorrectable);
    }
  }
  per_gpu(kRemapPending, [&](const GpuReading& g) { return flag(g.remapped_rows_pending); });
  per_gpu(kRemapFailure, [&](const GpuReading& g) { return flag(g.remapped_rows_failure); });
  // In NVML's order, most spare rows first.
  for (const auto& g : in.gpus) {
    for (const char* level : {"max", "high", "partial", "low", "none"}) {
      auto banks = g.row_remap_bank_availability.find(level);
      if (banks != g.row_remap_bank_availability.end()) out.add(kRemapBanks, gpu_values(g, {level}), banks->second);
    }
  }
  per_gpu(kPersistence, [&](const GpuReading& g) { return flag(g.persistence_mode); });
  per_gpu(kPcieGeneration, [&](const GpuReading& g) { return count(g.pcie_generation); });
  per_gpu(kPcieGenerationMax, [&](const GpuReading& g) { return count(g.pcie_generation_max); });
  per_gpu(kPcieWidth, [&](const GpuReading& g) { return count(g.pcie_width); });
  per_gpu(kPcieWidthMax, [&](const GpuReading& g) { return count(g.pcie_width_max); });
  for (const auto& g : in.gpus) {
    if (g.pcie_transmit_bytes_per_second) out.add(kPcieThroughput, gpu_values(g, {"tx"}), *g.pcie_transmit_bytes_per_second);
    if (g.pcie_receive_bytes_per_second) out.add(kPcieThroughput, gpu_values(g, {"rx"}), *g.pcie_receive_bytes_per_second);
  }
  per_gpu(kPcieReplays, [](const GpuReading& g) { return g.pcie_replays; });
  for (const auto& g : in.gpus) {
    for (const auto& link : g.nvlinks) out.add(kNvlinkUp, gpu_values(g, {std::to_string(link.link)}), link.up ? 1 : 0);
  }
  for (const auto& g : in.gpus) {
    for (const auto& link : g.nvlinks) {
      for (const auto& [counter, value] : link.errors) {
        out.add(kNvlinkErrors, gpu_values(g, {std::to_string(link.link), counter}), value);
      }
    }
  }
  for (const auto& g : in.gpus) {
    if (g.nvlink_transmit_bytes) out.add(kNvlinkData, gpu_values(g, {"tx"}), *g.nvlink_transmit_bytes);
    if (g.nvlink_receive_bytes) out.add(kNvlinkData, gpu_values(g, {"rx"}), *g.nvlink_receive_bytes);
  }
  for (const auto& g : in.gpus) {
    for (const auto& p : g.processes) {
      if (p.memory_bytes) out.add(kProcessMemory, process_labels(g, p), *p.memory_bytes);
    }
  }
  for (const auto& g : in.gpus) {
    for (const auto& p : g.processes) {
      if (p.sm_utilization_ratio) {
        out.add(kProcessSm, process_labels(g, p), *p.sm_utilization_ratio);
      }
    }
  }
  per_gpu(kMigMode, [&](const GpuReading& g) { return flag(g.mig_enabled); });
  per_gpu(kMigModePending, [&](const GpuReading& g) { return flag(g.mig_enabled_pending); });
  per_gpu(kMigMaxDevices, [&](const GpuReading& g) { return count(g.mig_max_devices); });
  auto opt = [](const std::optional<unsigned>& v) { return v ? std::to_string(*v) : std::string(); };
  for (const auto& g : in.gpus) {
    for (const auto& m : g.mig_devices) {
      out.add(kMigInfo,
              mig_values(g, m, {m.uuid, std::to_string(m.gpu_instance), std::to_string(m.compute_instance),
               m.profile, opt(m.gpu_instance_profile_id), opt(m.placement_start), opt(m.placement_size)}),
              1);
    }
  }
  auto per_mig = [&](const MetricDesc& desc, const std::function<std::optional<double>(const MigDeviceReading&)>& value) {
    for (const auto& g : in.gpus) {
      for (const auto& m : g.mig_devices) {
        if (auto v = value(m)) {
          out.add(desc, mig_values(g, m, {m.uuid, std::to_string(m.gpu_instance), std::to_string(m.compute_instance)}), *v);
        }
      }
    }
  };
  per_mig(kMigSm, [&](const MigDeviceReading& m) { return count(m.sm_count); });
  per_mig(kMigSlices, [&](const MigDeviceReading& m) { return count(m.gpu_instance_slices); });
  per_mig(kMigMemoryTotal, [](const MigDeviceReading& m) { return m.memory_total_bytes; });
  per_mig(kMigMemoryUsed, [](const MigDeviceReading& m) { return m.memory_used_bytes; });

  // Event counters are labelled with the index the UUID has now. Events,
  // XIDs and NVML call errors come from NVML only: their vendor is NVIDIA's.
  std::map<std::string, unsigned> index_of;
  for (const auto& g : in.gpus) index_of[g.uuid] = g.index;
  auto index_label = [&](const std::string& uuid) {
    auto found = index_of.find(uuid);
    return found != index_of.end() ? std::to_string(found->second) : std::string();
  };
  for (const auto& [key, n] : in.events.xids) {
    out.add(kXids, {index_label(key.first), key.first, kNvmlVendor, std::to_string(key.second)}, static_cast<double>(n));
  }
  for (const auto& [uuid, event] : in.events.last_xid) {
    out.add(kLastXid, {index_label(uuid), uuid, kNvmlVendor}, static_cast<double>(event.data));
  }
  for (const auto& [uuid, event] : in.events.last_xid) {
    out.add(kLastXidTime, {index_label(uuid), uuid, kNvmlVendor}, unix_seconds(event.time));
  }
  for (const auto& [key, n] : in.events.by_type) {
    out.add(kEvents, {index_label(key.first), key.first, kNvmlVendor, key.second}, static_cast<double>(n));
  }
  for (const auto& [key, n] : in.errors) {
    out.add(kNvmlErrors, {key.uuid.empty() ? "" : std::to_string(key.index), key.uuid, kNvmlVendor, key.call, key.error},
            static_cast<double>(n));
  }

  for (const auto& [key, n] : in.slow_calls) {
    out.add(kNvmlSlowCalls, {key.uuid.empty() ? "" : std::to_string(key.index), key.uuid, kNvmlVendor, key.call},
            static_cast<double>(n));
  }

  if (!in.k8s_mode) return;
  auto cdi = [](const GpuReading& g) { return "nvidia.com/gpu=" + std::to_string(g.index); };
  for (const auto& g : in.gpus) {
    if (g.utilization_ratio) out.add(kCompatUtilization, {cdi(g)}, *g.utilization_ratio);
  }
  for (const auto& g : in.gpus) {
    if (g.memory_used_bytes) out.add(kCompatMemoryUsed, {cdi(g)}, *g.memory_used_bytes);
    for (std::size_t i = 0; i < g.mig_devices.size(); ++i) {
      const auto& m = g.mig_devices[i];
      std::string name = "nvidia.com/mig-" + m.profile + "=" + std::to_string(g.index) + ":" + std::to_string(i);
      if (m.memory_used_bytes) out.add(kCompatMemoryUsed, {name}, *m.memory_used_bytes);
    }
  }
  for (const auto& g : in.gpus) {
    if (g.memory_total_bytes) out.add(kCompatMemoryTotal, {cdi(g)}, *g.memory_total_bytes);
    for (std::size_t i = 0; i < g.mig_devices.size(); ++i) {
      const auto& m = g.mig_devices[i];
      std::string name = "nvidia.com/mig-" + m.profile + "=" + std::to_string(g.index) + ":" + std::to_string(i);
      if (m.memory_total_bytes) out.add(kCompatMemoryTotal, {name}, *m.memory_total_bytes);
    }
  }
  for (const auto& g : in.gpus) {
    if (g.power_watts) out.add(kCompatPower, {cdi(g)}, *g.power_watts);
  }
  for (const auto& g : in.gpus) {
    if (g.temperature_celsius) out.add(kCompatTemperature, {cdi(g)}, *g.temperature_celsius);
  }
}

}  // namespace ainode
