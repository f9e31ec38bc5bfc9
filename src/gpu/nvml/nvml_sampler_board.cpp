// The part of NvmlSampler that reads what a board is rather than what it
// does: identity (name, serial, VBIOS, PCI address and NUMA node), the
// temperature thresholds, the default power limit and its bounds, and the
// maximum PCIe link. None changes while the GPU is up, so they are read on
// the slow cycles (gpu.slow_read_interval) and kept in between: 12 NVML
// calls per GPU that every other cycle does not make. A read that failed
// (other than NOT_SUPPORTED, which is remembered) is tried again next cycle.
#include <algorithm>
#include <cctype>

#include "gpu/nvml/nvml_sampler.hpp"

namespace ainode {

namespace {

constexpr double kMilliwatt = 1e-3;

// "00000000:17:00.0" (NVML) -> "0000:17:00.0" (sysfs), lower case.
std::string sysfs_pci_address(std::string_view bus_id) {
  std::string out(bus_id);
  if (auto colon = out.find(':'); colon == 8) out = out.substr(4);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

void NvmlSampler::read_board(nvmlDevice_t device, GpuReading& r, DeviceState& s, const HostFs& fs) {
  if (s.board && !s.slow_read_this_cycle) {
    copy_board(*s.board, r);
    return;
  }
  const std::uint64_t errors_before = errors_counted_;
  read_identity(device, r, s, fs);
  read_board_limits(device, r, s);
  BoardProperties board{r.name,
                        r.pci_bus_id,
                        r.serial,
                        r.vbios,
                        r.numa_node,
                        r.temperature_thresholds_celsius,
                        {},
                        r.pcie_generation_max,
                        r.pcie_width_max};
  for (const char* limit : {"default", "min", "max"}) {
    if (auto it = r.power_limits_watts.find(limit); it != r.power_limits_watts.end()) {
      board.power_limits_watts.emplace(limit, it->second);
    }
  }
  // Kept only when every call answered (or is known unsupported): a
  // transient error must not leave a field missing until the next slow cycle.
  if (errors_counted_ == errors_before && !s.lost) {
    s.board = std::move(board);
  } else {
    s.board.reset();
  }
}

void NvmlSampler::copy_board(const BoardProperties& board, GpuReading& r) {
  r.name = board.name;
  r.pci_bus_id = board.pci_bus_id;
  r.serial = board.serial;
  r.vbios = board.vbios;
  r.numa_node = board.numa_node;
  r.temperature_thresholds_celsius = board.temperature_thresholds_celsius;
  for (const auto& [name, watts] : board.power_limits_watts) r.power_limits_watts[name] = watts;
  r.pcie_generation_max = board.pcie_generation_max;
  r.pcie_width_max = board.pcie_width_max;
}

void NvmlSampler::read_identity(nvmlDevice_t device, GpuReading& r, DeviceState& s, const HostFs& fs) {
  char text[NVML_DEVICE_NAME_V2_BUFFER_SIZE] = {};
  if (api_.name && call(r, s, "nvmlDeviceGetName", [&] { return api_.name(device, text, sizeof text); })) r.name = text;
  if (api_.serial && call(r, s, "nvmlDeviceGetSerial", [&] { return api_.serial(device, text, sizeof text); })) {
    r.serial = text;
  }
  if (api_.vbios_version &&
      call(r, s, "nvmlDeviceGetVbiosVersion", [&] { return api_.vbios_version(device, text, sizeof text); })) {
    r.vbios = text;
  }
  nvmlPciInfo_t pci{};
  if (api_.pci_info && call(r, s, "nvmlDeviceGetPciInfo", [&] { return api_.pci_info(device, &pci); })) {
    r.pci_bus_id = pci.busId;
    auto numa = HostFs::try_read_int(fs.sys("bus/pci/devices/" + sysfs_pci_address(pci.busId) + "/numa_node"));
    if (numa) r.numa_node = static_cast<int>(*numa);
  }
}

void NvmlSampler::read_board_limits(nvmlDevice_t device, GpuReading& r, DeviceState& s) {
  unsigned value = 0;
  if (api_.temperature_threshold) {
    const std::pair<const char*, nvmlTemperatureThresholds_t> thresholds[] = {
        {"shutdown", NVML_TEMPERATURE_THRESHOLD_SHUTDOWN},
        {"slowdown", NVML_TEMPERATURE_THRESHOLD_SLOWDOWN},
        {"memory_max", NVML_TEMPERATURE_THRESHOLD_MEM_MAX},
        {"gpu_max", NVML_TEMPERATURE_THRESHOLD_GPU_MAX}};
    for (const auto& [name, type] : thresholds) {
      // Each threshold is its own capability: "nvmlDeviceGetTemperatureThreshold/slowdown".
      std::string call_name = std::string("nvmlDeviceGetTemperatureThreshold/") + name;
      if (s.unsupported.contains(call_name) || s.lost) continue;
      nvmlReturn_t code = timed(call_name, [&, t = type] { return api_.temperature_threshold(device, t, &value); });
      if (code == NVML_SUCCESS) {
        r.temperature_thresholds_celsius[name] = value;
      } else if (code == NVML_ERROR_NOT_SUPPORTED || code == NVML_ERROR_INVALID_ARGUMENT) {
        s.unsupported.insert(call_name);  // older drivers reject the newer threshold kinds
      } else {
        handle(r, s, "nvmlDeviceGetTemperatureThreshold", code);
      }
    }
  }
  if (api_.default_power_limit && call(r, s, "nvmlDeviceGetPowerManagementDefaultLimit",
                                       [&] { return api_.default_power_limit(device, &value); })) {
    r.power_limits_watts["default"] = value * kMilliwatt;
  }
  unsigned min = 0, max = 0;
  if (api_.power_limit_constraints && call(r, s, "nvmlDeviceGetPowerManagementLimitConstraints",
                                           [&] { return api_.power_limit_constraints(device, &min, &max); })) {
    r.power_limits_watts["min"] = min * kMilliwatt;
    r.power_limits_watts["max"] = max * kMilliwatt;
  }
  if (api_.pcie_generation_max && call(r, s, "nvmlDeviceGetMaxPcieLinkGeneration",
                                       [&] { return api_.pcie_generation_max(device, &value); })) {
    r.pcie_generation_max = value;
  }
  if (api_.pcie_width_max &&
      call(r, s, "nvmlDeviceGetMaxPcieLinkWidth", [&] { return api_.pcie_width_max(device, &value); })) {
    r.pcie_width_max = value;
  }
}

}  // namespace ainode
