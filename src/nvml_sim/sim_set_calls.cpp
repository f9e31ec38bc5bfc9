// The NVML calls that change a GPU (power limit, locked and applications
// clocks), with nvml.h's names, argument types and return codes. The new
// settings drive the physics from the simulated time of the call; every call
// is appended to the scenario's set_call_log.
#include <algorithm>
#include <string>

#include "nvml_sim/sim_state.hpp"

#define NVML_EXPORT extern "C" __attribute__((visibility("default")))

using namespace ainode::sim;
namespace twin = ainode::twin;

namespace {

// Validates the device, applies faults and permission, lets `change` edit a
// copy of the settings, applies it on success, and logs the call either way.
template <typename Change>
nvmlReturn_t set_call(const char* call, nvmlDevice_t device, const std::string& arguments, Change&& change) {
  State& state = State::get();
  if (!state.initialized()) return NVML_ERROR_UNINITIALIZED;
  SimGpu* gpu = state.gpu_from(device);
  if (gpu == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  double t = state.now();
  nvmlReturn_t code = state.enter(call, gpu);
  twin::GpuSettings settings = state.settings(*gpu);
  if (code == NVML_SUCCESS && !state.scenario().caller_is_root) code = NVML_ERROR_NO_PERMISSION;
  if (code == NVML_SUCCESS) code = change(*gpu, settings);
  if (code == NVML_SUCCESS) state.apply(*gpu, t, settings);
  state.log_set_call(*gpu, t, call, arguments, code);
  return code;
}

std::string arguments(std::initializer_list<std::pair<const char*, unsigned>> named) {
  std::string out = "{";
  for (const auto& [name, value] : named) {
    if (out.size() > 1) out += ",";
    out += "\"" + std::string(name) + "\":" + std::to_string(value);
  }
  return out + "}";
}

// Returns `values` through the count/array pair the way nvml.h documents:
// too small a buffer answers INSUFFICIENT_SIZE with the count needed.
nvmlReturn_t list_out(const std::vector<unsigned>& values, unsigned int* count, unsigned int* out) {
  if (count == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  if (*count < values.size()) {
    *count = static_cast<unsigned>(values.size());
    return NVML_ERROR_INSUFFICIENT_SIZE;
  }
  if (out == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  std::copy(values.begin(), values.end(), out);
  *count = static_cast<unsigned>(values.size());
  return NVML_SUCCESS;
}

bool supported(const std::vector<unsigned>& values, unsigned value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

}  // namespace

NVML_EXPORT nvmlReturn_t nvmlDeviceSetPowerManagementLimit(nvmlDevice_t device, unsigned int limit) {
  return set_call("nvmlDeviceSetPowerManagementLimit", device, arguments({{"limit", limit}}),
                  [&](SimGpu& g, twin::GpuSettings& s) {
                    // Bounded by nvmlDeviceGetPowerManagementLimitConstraints.
                    const Model& m = *g.spec.model;
                    if (limit < m.power_min_w * 1000 || limit > m.power_limit_w * 1000) return NVML_ERROR_INVALID_ARGUMENT;
                    s.power_limit_mw = limit;
                    return NVML_SUCCESS;
                  });
}

NVML_EXPORT nvmlReturn_t nvmlDeviceSetGpuLockedClocks(nvmlDevice_t device, unsigned int minGpuClockMHz,
                                                      unsigned int maxGpuClockMHz) {
  return set_call("nvmlDeviceSetGpuLockedClocks", device,
                  arguments({{"minGpuClockMHz", minGpuClockMHz}, {"maxGpuClockMHz", maxGpuClockMHz}}),
                  [&](SimGpu& g, twin::GpuSettings& s) {
                    const twin::GpuPhysicsModel& m = g.physics_model;
                    if (minGpuClockMHz > maxGpuClockMHz || minGpuClockMHz < m.min_graphics_mhz ||
                        maxGpuClockMHz > m.max_graphics_mhz) {
                      return NVML_ERROR_INVALID_ARGUMENT;
                    }
                    s.locked_graphics_min_mhz = minGpuClockMHz;
                    s.locked_graphics_max_mhz = maxGpuClockMHz;
                    return NVML_SUCCESS;
                  });
}

NVML_EXPORT nvmlReturn_t nvmlDeviceResetGpuLockedClocks(nvmlDevice_t device) {
  return set_call("nvmlDeviceResetGpuLockedClocks", device, "{}", [&](SimGpu&, twin::GpuSettings& s) {
    s.locked_graphics_min_mhz = s.locked_graphics_max_mhz = 0;
    return NVML_SUCCESS;
  });
}

NVML_EXPORT nvmlReturn_t nvmlDeviceSetMemoryLockedClocks(nvmlDevice_t device, unsigned int minMemClockMHz,
                                                         unsigned int maxMemClockMHz) {
  return set_call("nvmlDeviceSetMemoryLockedClocks", device,
                  arguments({{"minMemClockMHz", minMemClockMHz}, {"maxMemClockMHz", maxMemClockMHz}}),
                  [&](SimGpu& g, twin::GpuSettings& s) {
                    auto clocks = twin::supported_memory_clocks(g.physics_model);
                    unsigned lowest = *std::min_element(clocks.begin(), clocks.end());
                    unsigned highest = *std::max_element(clocks.begin(), clocks.end());
                    // The range must hold at least one clock the memory supports.
                    if (minMemClockMHz > maxMemClockMHz || maxMemClockMHz < lowest || minMemClockMHz > highest) {
                      return NVML_ERROR_INVALID_ARGUMENT;
                    }
                    s.locked_memory_min_mhz = minMemClockMHz;
                    s.locked_memory_max_mhz = std::min(maxMemClockMHz, highest);
                    return NVML_SUCCESS;
                  });
}

NVML_EXPORT nvmlReturn_t nvmlDeviceResetMemoryLockedClocks(nvmlDevice_t device) {
  return set_call("nvmlDeviceResetMemoryLockedClocks", device, "{}", [&](SimGpu&, twin::GpuSettings& s) {
    s.locked_memory_min_mhz = s.locked_memory_max_mhz = 0;
    return NVML_SUCCESS;
  });
}

NVML_EXPORT nvmlReturn_t nvmlDeviceSetApplicationsClocks(nvmlDevice_t device, unsigned int memClockMHz,
                                                         unsigned int graphicsClockMHz) {
  return set_call("nvmlDeviceSetApplicationsClocks", device,
                  arguments({{"memClockMHz", memClockMHz}, {"graphicsClockMHz", graphicsClockMHz}}),
                  [&](SimGpu& g, twin::GpuSettings& s) {
                    // Only a pair from the supported lists is accepted.
                    if (!supported(twin::supported_memory_clocks(g.physics_model), memClockMHz) ||
                        !supported(twin::supported_graphics_clocks(g.physics_model), graphicsClockMHz)) {
                      return NVML_ERROR_INVALID_ARGUMENT;
                    }
                    s.applications_memory_mhz = memClockMHz;
                    s.applications_graphics_mhz = graphicsClockMHz;
                    return NVML_SUCCESS;
                  });
}

NVML_EXPORT nvmlReturn_t nvmlDeviceResetApplicationsClocks(nvmlDevice_t device) {
  return set_call("nvmlDeviceResetApplicationsClocks", device, "{}", [&](SimGpu&, twin::GpuSettings& s) {
    s.applications_memory_mhz = s.applications_graphics_mhz = 0;
    return NVML_SUCCESS;
  });
}

NVML_EXPORT nvmlReturn_t nvmlDeviceGetSupportedMemoryClocks(nvmlDevice_t device, unsigned int* count,
                                                            unsigned int* clocksMHz) {
  State& state = State::get();
  if (!state.initialized()) return NVML_ERROR_UNINITIALIZED;
  SimGpu* gpu = state.gpu_from(device);
  if (gpu == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  if (nvmlReturn_t code = state.enter("nvmlDeviceGetSupportedMemoryClocks", gpu); code != NVML_SUCCESS) return code;
  return list_out(twin::supported_memory_clocks(gpu->physics_model), count, clocksMHz);
}

NVML_EXPORT nvmlReturn_t nvmlDeviceGetSupportedGraphicsClocks(nvmlDevice_t device, unsigned int memoryClockMHz,
                                                              unsigned int* count, unsigned int* clocksMHz) {
  State& state = State::get();
  if (!state.initialized()) return NVML_ERROR_UNINITIALIZED;
  SimGpu* gpu = state.gpu_from(device);
  if (gpu == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  if (nvmlReturn_t code = state.enter("nvmlDeviceGetSupportedGraphicsClocks", gpu); code != NVML_SUCCESS) return code;
  if (!supported(twin::supported_memory_clocks(gpu->physics_model), memoryClockMHz)) return NVML_ERROR_NOT_FOUND;
  return list_out(twin::supported_graphics_clocks(gpu->physics_model), count, clocksMHz);
}

// The applications clock in force: the one set, else the default (maximum).
NVML_EXPORT nvmlReturn_t nvmlDeviceGetApplicationsClock(nvmlDevice_t device, nvmlClockType_t clockType,
                                                        unsigned int* clockMHz) {
  State& state = State::get();
  if (!state.initialized()) return NVML_ERROR_UNINITIALIZED;
  SimGpu* gpu = state.gpu_from(device);
  if (gpu == nullptr || clockMHz == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  if (nvmlReturn_t code = state.enter("nvmlDeviceGetApplicationsClock", gpu); code != NVML_SUCCESS) return code;
  twin::GpuSettings s = state.settings(*gpu);
  const twin::GpuPhysicsModel& m = gpu->physics_model;
  if (clockType == NVML_CLOCK_MEM) {
    *clockMHz = s.applications_memory_mhz != 0 ? s.applications_memory_mhz : m.max_memory_mhz;
  } else if (clockType == NVML_CLOCK_GRAPHICS || clockType == NVML_CLOCK_SM) {
    *clockMHz = s.applications_graphics_mhz != 0 ? s.applications_graphics_mhz : m.max_graphics_mhz;
  } else {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  return NVML_SUCCESS;
}
