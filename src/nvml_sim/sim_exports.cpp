// The NVML entry points of the simulator, with the real names, signatures,
// struct layouts and version checks.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>
#include <cstring>
#include <string>

#include "nvml_sim/sim_call.hpp"
#include "nvml_sim/sim_readings.hpp"

using namespace ainode::sim;
namespace twin = ainode::twin;

namespace {

constexpr unsigned kNoInstance = 0xFFFFFFFF;

nvmlReturn_t copy_text(const std::string& text, char* buffer, unsigned int length) {
  if (buffer == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  if (text.size() + 1 > length) return NVML_ERROR_INSUFFICIENT_SIZE;
  std::memcpy(buffer, text.c_str(), text.size() + 1);
  return NVML_SUCCESS;
}

}  // namespace

NVML_EXPORT nvmlReturn_t nvmlInit_v2() { return State::get().init(); }
NVML_EXPORT nvmlReturn_t nvmlInit() { return State::get().init(); }
NVML_EXPORT nvmlReturn_t nvmlShutdown() { return State::get().shutdown(); }

NVML_EXPORT const char* nvmlErrorString(nvmlReturn_t code) {
  switch (code) {
    case NVML_SUCCESS: return "Success";
    case NVML_ERROR_UNINITIALIZED: return "Uninitialized";
    case NVML_ERROR_INVALID_ARGUMENT: return "Invalid Argument";
    case NVML_ERROR_NOT_SUPPORTED: return "Not Supported";
    case NVML_ERROR_GPU_IS_LOST: return "GPU is lost";
    default: return "Unknown Error";
  }
}

NVML_EXPORT nvmlReturn_t nvmlSystemGetDriverVersion(char* version, unsigned int length) {
  if (!State::get().initialized()) return NVML_ERROR_UNINITIALIZED;
  return copy_text(State::get().scenario().driver_version, version, length);
}

NVML_EXPORT nvmlReturn_t nvmlSystemGetCudaDriverVersion_v2(int* version) {
  if (!State::get().initialized()) return NVML_ERROR_UNINITIALIZED;
  return set(version, State::get().scenario().cuda_version);
}

NVML_EXPORT nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int* count) {
  State& state = State::get();
  if (!state.initialized()) return NVML_ERROR_UNINITIALIZED;
  return set(count, state.visible(state.now()).size());
}

NVML_EXPORT nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t* device) {
  State& state = State::get();
  if (!state.initialized()) return NVML_ERROR_UNINITIALIZED;
  auto gpus = state.visible(state.now());
  if (index >= gpus.size() || device == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  *device = reinterpret_cast<nvmlDevice_t>(gpus[index]);
  return NVML_SUCCESS;
}

NVML_EXPORT nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char* name, unsigned int length) {
  if (SimMig* mig = State::get().mig_from(device)) {
    return copy_text(model(*mig->parent).name + " MIG " + std::to_string(mig->spec.slices) + "g", name, length);
  }
  return on_gpu("nvmlDeviceGetName", device, [&](SimGpu& g, double) { return copy_text(model(g).name, name, length); });
}

NVML_EXPORT nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char* uuid, unsigned int length) {
  if (SimMig* mig = State::get().mig_from(device)) return copy_text(mig->uuid, uuid, length);
  return on_gpu("nvmlDeviceGetUUID", device, [&](SimGpu& g, double) { return copy_text(g.uuid, uuid, length); });
}

NVML_EXPORT nvmlReturn_t nvmlDeviceGetSerial(nvmlDevice_t device, char* serial, unsigned int length) {
  return on_gpu("nvmlDeviceGetSerial", device, [&](SimGpu& g, double) { return copy_text(g.serial, serial, length); });
}

NVML_EXPORT nvmlReturn_t nvmlDeviceGetVbiosVersion(nvmlDevice_t device, char* version, unsigned int length) {
  return on_gpu("nvmlDeviceGetVbiosVersion", device,
                [&](SimGpu&, double) { return copy_text("96.00.99.00.01", version, length); });
}

static nvmlReturn_t fill_pci(const char* call, nvmlDevice_t device, nvmlPciInfo_t* pci) {
  return on_gpu(call, device, [&](SimGpu& g, double) {
    if (pci == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    *pci = nvmlPciInfo_t{};
    std::strncpy(pci->busId, g.bus_id.c_str(), sizeof pci->busId - 1);
    std::strncpy(pci->busIdLegacy, g.bus_id.c_str() + 4, sizeof pci->busIdLegacy - 1);
    pci->domain = 0;
    pci->bus = static_cast<unsigned>(std::stoul(g.bus_id.substr(9, 2), nullptr, 16));
    pci->device = 0;
    pci->pciDeviceId = model(g).pci_device_id;
    pci->pciSubSystemId = 0x16C110DE;
    return NVML_SUCCESS;
  });
}
#ifndef AINODE_NVML_SIM_OLD_DRIVER
NVML_EXPORT nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t device, nvmlPciInfo_t* pci) {
  return fill_pci("nvmlDeviceGetPciInfo_v3", device, pci);
}
#endif
NVML_EXPORT nvmlReturn_t nvmlDeviceGetPciInfo_v2(nvmlDevice_t device, nvmlPciInfo_t* pci) {
  return fill_pci("nvmlDeviceGetPciInfo_v2", device, pci);
}

NVML_EXPORT nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t* utilization) {
  return on_gpu("nvmlDeviceGetUtilizationRates", device, [&](SimGpu& g, double t) {
    if (utilization == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    // A real driver has no whole-GPU utilization in MIG mode.
    if (State::get().in_mig_mode(g)) return NVML_ERROR_NOT_SUPPORTED;
    // The work delivered (demand times the clock's share of its maximum): it
    // falls when clocks fall, which docs/twin.md states as a simplification.
    double u = State::get().reading(g, t).delivered;
    utilization->gpu = static_cast<unsigned>(std::lround(u * 100));
    utilization->memory = static_cast<unsigned>(std::lround(u * 60));
    return NVML_SUCCESS;
  });
}

NVML_EXPORT nvmlReturn_t nvmlDeviceGetEncoderUtilization(nvmlDevice_t device, unsigned int* value, unsigned int* period) {
  return on_gpu("nvmlDeviceGetEncoderUtilization", device, [&](SimGpu&, double) {
    if (set(period, 167000) != NVML_SUCCESS) return NVML_ERROR_INVALID_ARGUMENT;
    return set(value, 0);
  });
}

NVML_EXPORT nvmlReturn_t nvmlDeviceGetDecoderUtilization(nvmlDevice_t device, unsigned int* value, unsigned int* period) {
  return on_gpu("nvmlDeviceGetDecoderUtilization", device, [&](SimGpu&, double) {
    if (set(period, 167000) != NVML_SUCCESS) return NVML_ERROR_INVALID_ARGUMENT;
    return set(value, 0);
  });
}

namespace {
constexpr unsigned long long kMebibyte = 1024ULL * 1024ULL;
constexpr unsigned long long kReservedMib = 512;

struct MemoryFigures {
  unsigned long long total, reserved, used, free;
};
MemoryFigures memory_of(nvmlDevice_t device, SimGpu* gpu) {
  if (SimMig* mig = State::get().mig_from(device)) {
    unsigned long long total = mig->spec.memory_mib * kMebibyte;
    unsigned long long used = mig->spec.used_memory_mib * kMebibyte;
    return {total, 0, used, total - used};
  }
  unsigned long long total = model(*gpu).memory_mib * kMebibyte;
  unsigned long long used = State::get().used_memory_mib(*gpu) * kMebibyte;
  unsigned long long reserved = kReservedMib * kMebibyte;
  return {total, reserved, used, total - used - reserved};
}

nvmlReturn_t memory_call(const char* call, nvmlDevice_t device, const auto& fill) {
  State& state = State::get();
  if (!state.initialized()) return NVML_ERROR_UNINITIALIZED;
  if (state.mig_from(device) != nullptr) return fill(memory_of(device, nullptr));
  return on_gpu(call, device, [&](SimGpu& g, double) { return fill(memory_of(device, &g)); });
}
}  // namespace

#ifndef AINODE_NVML_SIM_OLD_DRIVER
NVML_EXPORT nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t device, nvmlMemory_v2_t* memory) {
  if (memory == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  if (memory->version != nvmlMemory_v2) return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
  return memory_call("nvmlDeviceGetMemoryInfo_v2", device, [&](const MemoryFigures& m) {
    memory->total = m.total;
    memory->reserved = m.reserved;
    memory->used = m.used;
    memory->free = m.free;
    return NVML_SUCCESS;
  });
}
#endif

// The v1 call counts the reserved memory as used, as the real driver does.
NVML_EXPORT nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t* memory) {
  if (memory == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  return memory_call("nvmlDeviceGetMemoryInfo", device, [&](const MemoryFigures& m) {
    memory->total = m.total;
    memory->used = m.used + m.reserved;
    memory->free = m.free;
    return NVML_SUCCESS;
  });
}

NVML_EXPORT nvmlReturn_t nvmlDeviceGetBAR1MemoryInfo(nvmlDevice_t device, nvmlBAR1Memory_t* bar1) {
  return on_gpu("nvmlDeviceGetBAR1MemoryInfo", device, [&](SimGpu& g, double) {
    if (bar1 == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    bar1->bar1Total = model(g).bar1_mib * kMebibyte;
    bar1->bar1Used = 2 * kMebibyte;
    bar1->bar1Free = bar1->bar1Total - bar1->bar1Used;
    return NVML_SUCCESS;
  });
}

NVML_EXPORT nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t device, nvmlTemperatureSensors_t sensor, unsigned int* temp) {
  return on_gpu("nvmlDeviceGetTemperature", device, [&](SimGpu& g, double t) {
    if (sensor != NVML_TEMPERATURE_GPU) return NVML_ERROR_INVALID_ARGUMENT;
    return set(temp, std::lround(State::get().reading(g, t).temperature_c));
  });
}

NVML_EXPORT nvmlReturn_t nvmlDeviceGetTemperatureThreshold(nvmlDevice_t device, nvmlTemperatureThresholds_t type,
                                                           unsigned int* temp) {
  return on_gpu("nvmlDeviceGetTemperatureThreshold", device, [&](SimGpu& g, double) {
    switch (type) {
      case NVML_TEMPERATURE_THRESHOLD_SHUTDOWN: return set(temp, model(g).shutdown_c);
      case NVML_TEMPERATURE_THRESHOLD_SLOWDOWN: return set(temp, model(g).slowdown_c);
      case NVML_TEMPERATURE_THRESHOLD_MEM_MAX: return set(temp, model(g).memory_max_c);
      case NVML_TEMPERATURE_THRESHOLD_GPU_MAX: return set(temp, model(g).gpu_max_c);
    }
    return NVML_ERROR_INVALID_ARGUMENT;
  });
}

NVML_EXPORT nvmlReturn_t nvmlDeviceGetFanSpeed(nvmlDevice_t device, unsigned int* speed) {
  return on_gpu("nvmlDeviceGetFanSpeed", device, [&](SimGpu& g, double t) {
    if (!model(g).has_fan) return NVML_ERROR_NOT_SUPPORTED;  // SXM boards are cooled by the chassis
    return set(speed, std::lround(100 * State::get().reading(g, t).fan_ratio));
  });
}

NVML_EXPORT nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int* power) {
  return on_gpu("nvmlDeviceGetPowerUsage", device,
                [&](SimGpu& g, double t) { return set(power, std::lround(State::get().reading(g, t).power_w * 1000)); });
}

// The limit set with nvmlDeviceSetPowerManagementLimit (the default until then).
NVML_EXPORT nvmlReturn_t nvmlDeviceGetPowerManagementLimit(nvmlDevice_t device, unsigned int* limit) {
  return on_gpu("nvmlDeviceGetPowerManagementLimit", device, [&](SimGpu& g, double) {
    unsigned set_mw = State::get().settings(g).power_limit_mw;
    return set(limit, set_mw != 0 ? set_mw : model(g).power_limit_w * 1000);
  });
}
// The limit in force: the lower of the one set and any out-of-band cap (a
// power_cap fault), as the driver enforces the lowest of all its limits.
NVML_EXPORT nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t device, unsigned int* limit) {
  return on_gpu("nvmlDeviceGetEnforcedPowerLimit", device, [&](SimGpu& g, double t) {
    State& state = State::get();
    double watts = twin::enforced_limit_w(g.physics_model, state.settings(g), state.effects(g, t));
    return set(limit, std::lround(watts * 1000));
  });
}
NVML_EXPORT nvmlReturn_t nvmlDeviceGetPowerManagementDefaultLimit(nvmlDevice_t device, unsigned int* limit) {
  return on_gpu("nvmlDeviceGetPowerManagementDefaultLimit", device,
                [&](SimGpu& g, double) { return set(limit, model(g).power_limit_w * 1000); });
}
NVML_EXPORT nvmlReturn_t nvmlDeviceGetPowerManagementLimitConstraints(nvmlDevice_t device, unsigned int* min,
                                                                      unsigned int* max) {
  return on_gpu("nvmlDeviceGetPowerManagementLimitConstraints", device, [&](SimGpu& g, double) {
    if (set(min, model(g).power_min_w * 1000) != NVML_SUCCESS) return NVML_ERROR_INVALID_ARGUMENT;
    return set(max, model(g).power_limit_w * 1000);
  });
}

#ifndef AINODE_NVML_SIM_OLD_DRIVER
NVML_EXPORT nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device, unsigned long long* energy) {
  return on_gpu("nvmlDeviceGetTotalEnergyConsumption", device,
                [&](SimGpu& g, double t) { return set(energy, energy_millijoules(g, t)); });
}
#endif

namespace {
unsigned clock_mhz(SimGpu& g, nvmlClockType_t type, double t, bool maximum) {
  const Model& m = model(g);
  unsigned max = type == NVML_CLOCK_MEM     ? m.clock_memory_mhz
                 : type == NVML_CLOCK_VIDEO ? m.clock_video_mhz
                 : type == NVML_CLOCK_SM    ? m.clock_sm_mhz
                                            : m.clock_graphics_mhz;
  if (maximum) return max;
  twin::GpuState s = State::get().reading(g, t);
  if (type == NVML_CLOCK_MEM) return static_cast<unsigned>(s.memory_mhz);
  // SM and graphics share one clock domain; video scales with it.
  return static_cast<unsigned>(std::lround(s.graphics_mhz * max / m.clock_graphics_mhz));
}
}  // namespace

NVML_EXPORT nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t device, nvmlClockType_t type, unsigned int* clock) {
  return on_gpu("nvmlDeviceGetClockInfo", device,
                [&](SimGpu& g, double t) { return set(clock, clock_mhz(g, type, t, false)); });
}
NVML_EXPORT nvmlReturn_t nvmlDeviceGetMaxClockInfo(nvmlDevice_t device, nvmlClockType_t type, unsigned int* clock) {
  return on_gpu("nvmlDeviceGetMaxClockInfo", device,
                [&](SimGpu& g, double t) { return set(clock, clock_mhz(g, type, t, true)); });
}

NVML_EXPORT nvmlReturn_t nvmlDeviceGetPerformanceState(nvmlDevice_t device, nvmlPstates_t* pstate) {
  return on_gpu("nvmlDeviceGetPerformanceState", device,
                [&](SimGpu& g, double t) {
                  return set(pstate, (State::get().reading(g, t).reasons & nvmlClocksEventReasonGpuIdle) ? 8 : 0);
                });
}

static nvmlReturn_t clock_reasons(const char* call, nvmlDevice_t device, unsigned long long* reasons) {
  return on_gpu(call, device, [&](SimGpu& g, double t) { return set(reasons, State::get().reading(g, t).reasons); });
}
#ifndef AINODE_NVML_SIM_OLD_DRIVER
NVML_EXPORT nvmlReturn_t nvmlDeviceGetCurrentClocksEventReasons(nvmlDevice_t device, unsigned long long* reasons) {
  return clock_reasons("nvmlDeviceGetCurrentClocksEventReasons", device, reasons);
}
#endif
NVML_EXPORT nvmlReturn_t nvmlDeviceGetCurrentClocksThrottleReasons(nvmlDevice_t device, unsigned long long* reasons) {
  return clock_reasons("nvmlDeviceGetCurrentClocksThrottleReasons", device, reasons);
}

NVML_EXPORT nvmlReturn_t nvmlDeviceGetEccMode(nvmlDevice_t device, nvmlEnableState_t* current, nvmlEnableState_t* pending) {
  return on_gpu("nvmlDeviceGetEccMode", device, [&](SimGpu&, double) {
    if (set(current, NVML_FEATURE_ENABLED) != NVML_SUCCESS) return NVML_ERROR_INVALID_ARGUMENT;
    return set(pending, NVML_FEATURE_ENABLED);
  });
}

NVML_EXPORT nvmlReturn_t nvmlDeviceGetTotalEccErrors(nvmlDevice_t device, nvmlMemoryErrorType_t type,
                                                     nvmlEccCounterType_t counter, unsigned long long* count) {
  return on_gpu("nvmlDeviceGetTotalEccErrors", device,
                [&](SimGpu& g, double t) { return set(count, ecc_total(g, t, type, counter)); });
}

NVML_EXPORT nvmlReturn_t nvmlDeviceGetRetiredPages(nvmlDevice_t device, nvmlPageRetirementCause_t cause,
                                                   unsigned int* count, unsigned long long* addresses) {
  return on_gpu("nvmlDeviceGetRetiredPages", device, [&](SimGpu& g, double t) {
    if (count == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    unsigned pages = retired_pages(g, t, cause);
    // As documented in nvml.h: a buffer too small for every page (a size
    // query with 0 included) answers INSUFFICIENT_SIZE with the size needed.
    if (*count < pages) {
      *count = pages;
      return NVML_ERROR_INSUFFICIENT_SIZE;
    }
    for (unsigned i = 0; i < pages; ++i) addresses[i] = 0x1000ULL * (i + 1);
    *count = pages;
    return NVML_SUCCESS;
  });
}

NVML_EXPORT nvmlReturn_t nvmlDeviceGetRetiredPagesPendingStatus(nvmlDevice_t device, nvmlEnableState_t* pending) {
  return on_gpu("nvmlDeviceGetRetiredPagesPendingStatus", device, [&](SimGpu& g, double t) {
    return set(pending, retirement_pending(g, t) ? NVML_FEATURE_ENABLED : NVML_FEATURE_DISABLED);
  });
}

NVML_EXPORT nvmlReturn_t nvmlDeviceGetRemappedRows(nvmlDevice_t device, unsigned int* correctable,
                                                   unsigned int* uncorrectable, unsigned int* pending,
                                                   unsigned int* failure) {
  return on_gpu("nvmlDeviceGetRemappedRows", device, [&](SimGpu& g, double t) {
    if (!correctable || !uncorrectable || !pending || !failure) return NVML_ERROR_INVALID_ARGUMENT;
    RemapState remap = remap_state(g, t);
    *correctable = remap.correctable;
    *uncorrectable = remap.uncorrectable;
    *pending = remap.pending ? 1 : 0;
    *failure = remap.failure ? 1 : 0;
    return NVML_SUCCESS;
  });
}

#ifndef AINODE_NVML_SIM_OLD_DRIVER
NVML_EXPORT nvmlReturn_t nvmlDeviceGetRowRemapperHistogram(nvmlDevice_t device, nvmlRowRemapperHistogramValues_t* values) {
  return on_gpu("nvmlDeviceGetRowRemapperHistogram", device, [&](SimGpu& g, double t) {
    if (values == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    *values = remap_histogram(g, t);
    return NVML_SUCCESS;
  });
}
#endif

// Read only: the simulator has no nvmlDeviceSetPersistenceMode, as ainode never sets it.
NVML_EXPORT nvmlReturn_t nvmlDeviceGetPersistenceMode(nvmlDevice_t device, nvmlEnableState_t* mode) {
  return on_gpu("nvmlDeviceGetPersistenceMode", device, [&](SimGpu& g, double) {
    return set(mode, g.spec.persistence_mode ? NVML_FEATURE_ENABLED : NVML_FEATURE_DISABLED);
  });
}

NVML_EXPORT nvmlReturn_t nvmlDeviceGetCurrPcieLinkGeneration(nvmlDevice_t device, unsigned int* value) {
  return on_gpu("nvmlDeviceGetCurrPcieLinkGeneration", device,
                [&](SimGpu& g, double t) { return set(value, State::get().pcie_generation(g, t)); });
}
NVML_EXPORT nvmlReturn_t nvmlDeviceGetMaxPcieLinkGeneration(nvmlDevice_t device, unsigned int* value) {
  return on_gpu("nvmlDeviceGetMaxPcieLinkGeneration", device,
                [&](SimGpu& g, double) { return set(value, model(g).pcie_generation); });
}
NVML_EXPORT nvmlReturn_t nvmlDeviceGetCurrPcieLinkWidth(nvmlDevice_t device, unsigned int* value) {
  return on_gpu("nvmlDeviceGetCurrPcieLinkWidth", device,
                [&](SimGpu& g, double t) { return set(value, State::get().pcie_width(g, t)); });
}
NVML_EXPORT nvmlReturn_t nvmlDeviceGetMaxPcieLinkWidth(nvmlDevice_t device, unsigned int* value) {
  return on_gpu("nvmlDeviceGetMaxPcieLinkWidth", device,
                [&](SimGpu& g, double) { return set(value, model(g).pcie_width); });
}
NVML_EXPORT nvmlReturn_t nvmlDeviceGetPcieThroughput(nvmlDevice_t device, nvmlPcieUtilCounter_t counter,
                                                     unsigned int* value) {
  return on_gpu("nvmlDeviceGetPcieThroughput", device, [&](SimGpu& g, double t) {
    double kilobytes = State::get().reading(g, t).delivered * (counter == NVML_PCIE_UTIL_TX_BYTES ? 2e6 : 5e6);
    return set(value, std::lround(kilobytes));
  });
}
NVML_EXPORT nvmlReturn_t nvmlDeviceGetPcieReplayCounter(nvmlDevice_t device, unsigned int* value) {
  return on_gpu("nvmlDeviceGetPcieReplayCounter", device,
                [&](SimGpu& g, double t) { return set(value, pcie_replays(g, t)); });
}

NVML_EXPORT nvmlReturn_t nvmlDeviceGetNvLinkState(nvmlDevice_t device, unsigned int link, nvmlEnableState_t* active) {
  return on_gpu("nvmlDeviceGetNvLinkState", device, [&](SimGpu& g, double t) {
    if (model(g).nvlinks == 0) return NVML_ERROR_NOT_SUPPORTED;
    if (link >= model(g).nvlinks) return NVML_ERROR_INVALID_ARGUMENT;
    // A severe nvlink_errors fault (>= 0.8) takes the last link down.
    bool down = link == model(g).nvlinks - 1 &&
                std::any_of(State::get().scenario().causes.faults.begin(), State::get().scenario().causes.faults.end(),
                            [&](const twin::Fault& f) {
                              return f.kind == twin::Cause::nvlink_errors && f.subject.gpu == g.ordinal &&
                                     f.severity >= 0.8 && f.active(t);
                            });
    return set(active, down ? NVML_FEATURE_DISABLED : NVML_FEATURE_ENABLED);
  });
}
NVML_EXPORT nvmlReturn_t nvmlDeviceGetNvLinkErrorCounter(nvmlDevice_t device, unsigned int link,
                                                         nvmlNvLinkErrorCounter_t counter, unsigned long long* value) {
  return on_gpu("nvmlDeviceGetNvLinkErrorCounter", device, [&](SimGpu& g, double t) {
    if (link >= model(g).nvlinks) return NVML_ERROR_INVALID_ARGUMENT;
    return set(value, nvlink_errors(g, t, link, counter));
  });
}

namespace {
nvmlReturn_t processes(const char* call, nvmlDevice_t device, unsigned int* count, nvmlProcessInfo_t* infos,
                       const char* type) {
  return on_gpu(call, device, [&](SimGpu& g, double) {
    if (count == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    std::vector<nvmlProcessInfo_t> found;
    for (const auto& p : State::get().scenario().processes) {
      if (p.gpu != g.ordinal || p.type != type) continue;
      found.push_back(nvmlProcessInfo_t{p.pid, p.used_memory_mib * kMebibyte, kNoInstance, kNoInstance});
    }
    if (*count < found.size()) {
      *count = static_cast<unsigned>(found.size());
      return NVML_ERROR_INSUFFICIENT_SIZE;
    }
    if (!found.empty() && infos == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    std::copy(found.begin(), found.end(), infos);
    *count = static_cast<unsigned>(found.size());
    return NVML_SUCCESS;
  });
}
}  // namespace

#ifndef AINODE_NVML_SIM_OLD_DRIVER
NVML_EXPORT nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t d, unsigned int* c, nvmlProcessInfo_t* i) {
  return processes("nvmlDeviceGetComputeRunningProcesses_v3", d, c, i, "compute");
}
NVML_EXPORT nvmlReturn_t nvmlDeviceGetGraphicsRunningProcesses_v3(nvmlDevice_t d, unsigned int* c, nvmlProcessInfo_t* i) {
  return processes("nvmlDeviceGetGraphicsRunningProcesses_v3", d, c, i, "graphics");
}
#endif
NVML_EXPORT nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v2(nvmlDevice_t d, unsigned int* c, nvmlProcessInfo_t* i) {
  return processes("nvmlDeviceGetComputeRunningProcesses_v2", d, c, i, "compute");
}
NVML_EXPORT nvmlReturn_t nvmlDeviceGetGraphicsRunningProcesses_v2(nvmlDevice_t d, unsigned int* c, nvmlProcessInfo_t* i) {
  return processes("nvmlDeviceGetGraphicsRunningProcesses_v2", d, c, i, "graphics");
}

NVML_EXPORT nvmlReturn_t nvmlDeviceGetProcessUtilization(nvmlDevice_t device, nvmlProcessUtilizationSample_t* samples,
                                                         unsigned int* count, unsigned long long last_seen) {
  return on_gpu("nvmlDeviceGetProcessUtilization", device, [&](SimGpu& g, double) {
    if (count == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    // Like the driver: samples carry the CPU clock in microseconds since 1970.
    auto timestamp = static_cast<unsigned long long>(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    if (timestamp <= last_seen) return NVML_ERROR_NOT_FOUND;  // nothing newer
    std::vector<nvmlProcessUtilizationSample_t> found;
    for (const auto& p : State::get().scenario().processes) {
      if (p.gpu == g.ordinal) found.push_back(nvmlProcessUtilizationSample_t{p.pid, timestamp, p.sm_utilization, 0, 0, 0});
    }
    if (found.empty()) return NVML_ERROR_NOT_FOUND;
    if (samples == nullptr || *count < found.size()) {
      *count = static_cast<unsigned>(found.size());
      return NVML_ERROR_INSUFFICIENT_SIZE;
    }
    std::copy(found.begin(), found.end(), samples);
    *count = static_cast<unsigned>(found.size());
    return NVML_SUCCESS;
  });
}

NVML_EXPORT nvmlReturn_t nvmlDeviceGetMigMode(nvmlDevice_t device, unsigned int* current, unsigned int* pending) {
  return on_gpu("nvmlDeviceGetMigMode", device, [&](SimGpu& g, double) {
    if (model(g).key == "L40S") return NVML_ERROR_NOT_SUPPORTED;
    unsigned mode = g.migs.empty() ? 0 : 1;
    if (set(current, mode) != NVML_SUCCESS) return NVML_ERROR_INVALID_ARGUMENT;
    return set(pending, mode);
  });
}
NVML_EXPORT nvmlReturn_t nvmlDeviceGetMaxMigDeviceCount(nvmlDevice_t device, unsigned int* count) {
  return on_gpu("nvmlDeviceGetMaxMigDeviceCount", device, [&](SimGpu&, double) { return set(count, 7); });
}
NVML_EXPORT nvmlReturn_t nvmlDeviceGetMigDeviceHandleByIndex(nvmlDevice_t device, unsigned int index, nvmlDevice_t* mig) {
  return on_gpu("nvmlDeviceGetMigDeviceHandleByIndex", device, [&](SimGpu& g, double) {
    if (index >= g.migs.size()) return NVML_ERROR_NOT_FOUND;
    return set(mig, reinterpret_cast<nvmlDevice_t>(g.migs[index].get()));
  });
}

static SimMig* mig_or_null(nvmlDevice_t device) {
  return State::get().initialized() ? State::get().mig_from(device) : nullptr;
}
NVML_EXPORT nvmlReturn_t nvmlDeviceGetGpuInstanceId(nvmlDevice_t device, unsigned int* id) {
  SimMig* mig = mig_or_null(device);
  return mig == nullptr ? NVML_ERROR_INVALID_ARGUMENT : set(id, mig->spec.gpu_instance);
}
NVML_EXPORT nvmlReturn_t nvmlDeviceGetComputeInstanceId(nvmlDevice_t device, unsigned int* id) {
  SimMig* mig = mig_or_null(device);
  return mig == nullptr ? NVML_ERROR_INVALID_ARGUMENT : set(id, mig->spec.compute_instance);
}
NVML_EXPORT nvmlReturn_t nvmlDeviceGetAttributes_v2(nvmlDevice_t device, nvmlDeviceAttributes_t* attributes) {
  if (attributes == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  *attributes = nvmlDeviceAttributes_t{};
  if (SimMig* mig = mig_or_null(device)) {
    attributes->multiprocessorCount = mig->spec.sm_count;
    attributes->gpuInstanceSliceCount = mig->spec.slices;
    attributes->computeInstanceSliceCount = mig->spec.compute_slices;
    attributes->memorySizeMB = mig->spec.memory_mib;
    attributes->sharedCopyEngineCount = 1;
    return NVML_SUCCESS;
  }
  return on_gpu("nvmlDeviceGetAttributes_v2", device, [&](SimGpu& g, double) {
    attributes->multiprocessorCount = model(g).sm_count;
    attributes->gpuInstanceSliceCount = 7;
    attributes->computeInstanceSliceCount = 7;
    attributes->memorySizeMB = model(g).memory_mib;
    return NVML_SUCCESS;
  });
}

NVML_EXPORT nvmlReturn_t nvmlDeviceGetGpuInstanceById(nvmlDevice_t device, unsigned int id, nvmlGpuInstance_t* instance) {
  return on_gpu("nvmlDeviceGetGpuInstanceById", device, [&](SimGpu& g, double) {
    for (const auto& i : g.instances) {
      if (i->kind == HandleKind::gpu_instance && i->mig->spec.gpu_instance == id) {
        return set(instance, reinterpret_cast<nvmlGpuInstance_t>(i.get()));
      }
    }
    return NVML_ERROR_NOT_FOUND;
  });
}
NVML_EXPORT nvmlReturn_t nvmlGpuInstanceGetInfo(nvmlGpuInstance_t instance, nvmlGpuInstanceInfo_t* info) {
  auto* i = reinterpret_cast<SimInstance*>(instance);
  if (i == nullptr || info == nullptr || i->kind != HandleKind::gpu_instance) return NVML_ERROR_INVALID_ARGUMENT;
  const MigDeviceSpec& m = i->mig->spec;
  *info = nvmlGpuInstanceInfo_t{reinterpret_cast<nvmlDevice_t>(i->mig->parent), m.gpu_instance,
                                m.gpu_instance_profile_id, {m.placement_start, m.placement_size}};
  return NVML_SUCCESS;
}
NVML_EXPORT nvmlReturn_t nvmlGpuInstanceGetComputeInstanceById(nvmlGpuInstance_t instance, unsigned int id,
                                                               nvmlComputeInstance_t* compute) {
  auto* gi = reinterpret_cast<SimInstance*>(instance);
  if (gi == nullptr || compute == nullptr || gi->kind != HandleKind::gpu_instance) return NVML_ERROR_INVALID_ARGUMENT;
  for (const auto& i : gi->mig->parent->instances) {
    if (i->kind == HandleKind::compute_instance && i->mig->spec.gpu_instance == gi->mig->spec.gpu_instance &&
        i->mig->spec.compute_instance == id) {
      *compute = reinterpret_cast<nvmlComputeInstance_t>(i.get());
      return NVML_SUCCESS;
    }
  }
  return NVML_ERROR_NOT_FOUND;
}
NVML_EXPORT nvmlReturn_t nvmlComputeInstanceGetInfo_v2(nvmlComputeInstance_t compute, nvmlComputeInstanceInfo_t* info) {
  auto* ci = reinterpret_cast<SimInstance*>(compute);
  if (ci == nullptr || info == nullptr || ci->kind != HandleKind::compute_instance) return NVML_ERROR_INVALID_ARGUMENT;
  const MigDeviceSpec& m = ci->mig->spec;
  *info = nvmlComputeInstanceInfo_t{reinterpret_cast<nvmlDevice_t>(ci->mig->parent), nullptr, m.compute_instance,
                                    m.compute_instance_profile_id, {0, m.compute_slices}};
  return NVML_SUCCESS;
}

// Events: each set hands out the scenario's timed events (XIDs, double-bit
// ECC errors) once each, when simulated time reaches them.
NVML_EXPORT nvmlReturn_t nvmlEventSetCreate(nvmlEventSet_t* set) {
  if (!State::get().initialized()) return NVML_ERROR_UNINITIALIZED;
  if (set == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  *set = reinterpret_cast<nvmlEventSet_t>(new SimEventSet());
  return NVML_SUCCESS;
}
NVML_EXPORT nvmlReturn_t nvmlEventSetFree(nvmlEventSet_t set) {
  delete reinterpret_cast<SimEventSet*>(set);
  return NVML_SUCCESS;
}
namespace {
constexpr unsigned long long kSupportedEvents = nvmlEventTypeXidCriticalError | nvmlEventTypeDoubleBitEccError |
                                                nvmlEventTypeSingleBitEccError | nvmlEventTypePState |
                                                nvmlEventTypeClock;
}  // namespace
NVML_EXPORT nvmlReturn_t nvmlDeviceGetSupportedEventTypes(nvmlDevice_t device, unsigned long long* types) {
  return on_gpu("nvmlDeviceGetSupportedEventTypes", device,
                [&](SimGpu&, double) { return set(types, kSupportedEvents); });
}
NVML_EXPORT nvmlReturn_t nvmlDeviceRegisterEvents(nvmlDevice_t device, unsigned long long types, nvmlEventSet_t set) {
  return on_gpu("nvmlDeviceRegisterEvents", device, [&](SimGpu& g, double) {
    if (set == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    if (types & ~kSupportedEvents) return NVML_ERROR_NOT_SUPPORTED;  // as the driver refuses unsupported types
    auto& registered = reinterpret_cast<SimEventSet*>(set)->registered;
    auto found = std::find_if(registered.begin(), registered.end(), [&](const auto& r) { return r.first == &g; });
    if (found != registered.end()) {
      found->second |= types;
    } else {
      registered.emplace_back(&g, types);
    }
    return NVML_SUCCESS;
  });
}
NVML_EXPORT nvmlReturn_t nvmlEventSetWait_v2(nvmlEventSet_t set, nvmlEventData_t* data, unsigned int timeout_ms) {
  auto* events = reinterpret_cast<SimEventSet*>(set);
  if (events == nullptr || data == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  State& state = State::get();
  const auto& timeline = state.event_timeline();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    double t = state.now();
    while (events->next_event < timeline.size() && timeline[events->next_event].at_seconds <= t) {
      const TimedEvent& e = timeline[events->next_event++];
      bool wanted = std::any_of(events->registered.begin(), events->registered.end(),
                                [&](const auto& r) { return r.first == e.gpu && (r.second & e.type) != 0; });
      if (!wanted) continue;  // like the driver: not registered then, never delivered
      *data = nvmlEventData_t{reinterpret_cast<nvmlDevice_t>(e.gpu), e.type, e.data, kNoInstance, kNoInstance};
      return NVML_SUCCESS;
    }
    // A GPU the physics lost at its shutdown temperature falls off the bus
    // as a real one does, with XID 79; it is not on the fixed timeline
    // because when it happens depends on the set calls made.
    for (const auto& [gpu, types] : events->registered) {
      auto& reported = events->shutdowns_reported;
      if ((types & nvmlEventTypeXidCriticalError) == 0 ||
          std::find(reported.begin(), reported.end(), gpu) != reported.end() || !state.reading(*gpu, t).lost) {
        continue;
      }
      reported.push_back(gpu);
      *data = nvmlEventData_t{reinterpret_cast<nvmlDevice_t>(gpu), nvmlEventTypeXidCriticalError, 79, kNoInstance,
                              kNoInstance};
      return NVML_SUCCESS;
    }
    if (std::chrono::steady_clock::now() >= deadline) return NVML_ERROR_TIMEOUT;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}
