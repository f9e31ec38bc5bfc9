#include "gpu/nvml/nvml_library.hpp"

#include <dlfcn.h>

#include <initializer_list>

namespace ainode {

namespace {

template <typename Function>
void bind(void* handle, Function& slot, std::initializer_list<const char*> names, std::string& fallbacks) {
  bool first = true;
  for (const char* name : names) {
    if (void* symbol = dlsym(handle, name)) {
      slot = reinterpret_cast<Function>(symbol);
      if (!first) fallbacks += std::string(fallbacks.empty() ? "" : ",") + name;
      return;
    }
    first = false;
  }
}

}  // namespace

NvmlLibrary::NvmlLibrary(const std::string& path) {
  // RTLD_LOCAL: NVML's own dependencies must not leak into our namespace.
  handle_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle_ == nullptr) {
    const char* reason = dlerror();
    error_ = reason != nullptr ? reason : ("cannot load " + path);
    return;
  }
  auto& f = fallbacks_;
  void* h = handle_;
  bind(h, api_.init, {"nvmlInit_v2", "nvmlInit"}, f);
  bind(h, api_.shutdown, {"nvmlShutdown"}, f);
  bind(h, api_.error_string, {"nvmlErrorString"}, f);
  bind(h, api_.system_driver_version, {"nvmlSystemGetDriverVersion"}, f);
  bind(h, api_.system_cuda_driver_version, {"nvmlSystemGetCudaDriverVersion_v2", "nvmlSystemGetCudaDriverVersion"}, f);
  bind(h, api_.device_count, {"nvmlDeviceGetCount_v2", "nvmlDeviceGetCount"}, f);
  bind(h, api_.device_by_index, {"nvmlDeviceGetHandleByIndex_v2", "nvmlDeviceGetHandleByIndex"}, f);
  bind(h, api_.name, {"nvmlDeviceGetName"}, f);
  bind(h, api_.uuid, {"nvmlDeviceGetUUID"}, f);
  bind(h, api_.serial, {"nvmlDeviceGetSerial"}, f);
  bind(h, api_.vbios_version, {"nvmlDeviceGetVbiosVersion"}, f);
  bind(h, api_.pci_info, {"nvmlDeviceGetPciInfo_v3", "nvmlDeviceGetPciInfo_v2"}, f);
  bind(h, api_.utilization, {"nvmlDeviceGetUtilizationRates"}, f);
  bind(h, api_.encoder_utilization, {"nvmlDeviceGetEncoderUtilization"}, f);
  bind(h, api_.decoder_utilization, {"nvmlDeviceGetDecoderUtilization"}, f);
  bind(h, api_.memory_info_v2, {"nvmlDeviceGetMemoryInfo_v2"}, f);
  bind(h, api_.memory_info, {"nvmlDeviceGetMemoryInfo"}, f);
  bind(h, api_.bar1_memory, {"nvmlDeviceGetBAR1MemoryInfo"}, f);
  bind(h, api_.temperature, {"nvmlDeviceGetTemperature"}, f);
  bind(h, api_.temperature_threshold, {"nvmlDeviceGetTemperatureThreshold"}, f);
  bind(h, api_.field_values, {"nvmlDeviceGetFieldValues"}, f);
  bind(h, api_.fan_speed, {"nvmlDeviceGetFanSpeed"}, f);
  bind(h, api_.power_usage, {"nvmlDeviceGetPowerUsage"}, f);
  bind(h, api_.power_limit, {"nvmlDeviceGetPowerManagementLimit"}, f);
  bind(h, api_.enforced_power_limit, {"nvmlDeviceGetEnforcedPowerLimit"}, f);
  bind(h, api_.default_power_limit, {"nvmlDeviceGetPowerManagementDefaultLimit"}, f);
  bind(h, api_.power_limit_constraints, {"nvmlDeviceGetPowerManagementLimitConstraints"}, f);
  bind(h, api_.total_energy, {"nvmlDeviceGetTotalEnergyConsumption"}, f);
  bind(h, api_.clock, {"nvmlDeviceGetClockInfo"}, f);
  bind(h, api_.max_clock, {"nvmlDeviceGetMaxClockInfo"}, f);
  bind(h, api_.performance_state, {"nvmlDeviceGetPerformanceState"}, f);
  bind(h, api_.clock_event_reasons,
       {"nvmlDeviceGetCurrentClocksEventReasons", "nvmlDeviceGetCurrentClocksThrottleReasons"}, f);
  bind(h, api_.ecc_mode, {"nvmlDeviceGetEccMode"}, f);
  bind(h, api_.total_ecc_errors, {"nvmlDeviceGetTotalEccErrors"}, f);
  bind(h, api_.retired_pages, {"nvmlDeviceGetRetiredPages"}, f);
  bind(h, api_.retired_pages_pending, {"nvmlDeviceGetRetiredPagesPendingStatus"}, f);
  bind(h, api_.remapped_rows, {"nvmlDeviceGetRemappedRows"}, f);
  bind(h, api_.row_remapper_histogram, {"nvmlDeviceGetRowRemapperHistogram"}, f);
  bind(h, api_.persistence_mode, {"nvmlDeviceGetPersistenceMode"}, f);
  bind(h, api_.pcie_generation, {"nvmlDeviceGetCurrPcieLinkGeneration"}, f);
  bind(h, api_.pcie_generation_max, {"nvmlDeviceGetMaxPcieLinkGeneration"}, f);
  bind(h, api_.pcie_width, {"nvmlDeviceGetCurrPcieLinkWidth"}, f);
  bind(h, api_.pcie_width_max, {"nvmlDeviceGetMaxPcieLinkWidth"}, f);
  bind(h, api_.pcie_throughput, {"nvmlDeviceGetPcieThroughput"}, f);
  bind(h, api_.pcie_replay_counter, {"nvmlDeviceGetPcieReplayCounter"}, f);
  bind(h, api_.nvlink_state, {"nvmlDeviceGetNvLinkState"}, f);
  bind(h, api_.nvlink_error_counter, {"nvmlDeviceGetNvLinkErrorCounter"}, f);
  bind(h, api_.compute_processes,
       {"nvmlDeviceGetComputeRunningProcesses_v3", "nvmlDeviceGetComputeRunningProcesses_v2"}, f);
  bind(h, api_.graphics_processes,
       {"nvmlDeviceGetGraphicsRunningProcesses_v3", "nvmlDeviceGetGraphicsRunningProcesses_v2"}, f);
  bind(h, api_.process_utilization, {"nvmlDeviceGetProcessUtilization"}, f);
  bind(h, api_.mig_mode, {"nvmlDeviceGetMigMode"}, f);
  bind(h, api_.max_mig_device_count, {"nvmlDeviceGetMaxMigDeviceCount"}, f);
  bind(h, api_.mig_device_by_index, {"nvmlDeviceGetMigDeviceHandleByIndex"}, f);
  bind(h, api_.gpu_instance_id, {"nvmlDeviceGetGpuInstanceId"}, f);
  bind(h, api_.compute_instance_id, {"nvmlDeviceGetComputeInstanceId"}, f);
  bind(h, api_.device_attributes, {"nvmlDeviceGetAttributes_v2"}, f);
  bind(h, api_.gpu_instance_by_id, {"nvmlDeviceGetGpuInstanceById"}, f);
  bind(h, api_.gpu_instance_info, {"nvmlGpuInstanceGetInfo"}, f);
  bind(h, api_.compute_instance_by_id, {"nvmlGpuInstanceGetComputeInstanceById"}, f);
  bind(h, api_.compute_instance_info, {"nvmlComputeInstanceGetInfo_v2"}, f);
  bind(h, api_.event_set_create, {"nvmlEventSetCreate"}, f);
  bind(h, api_.event_set_free, {"nvmlEventSetFree"}, f);
  bind(h, api_.supported_event_types, {"nvmlDeviceGetSupportedEventTypes"}, f);
  bind(h, api_.register_events, {"nvmlDeviceRegisterEvents"}, f);
  bind(h, api_.event_set_wait, {"nvmlEventSetWait_v2"}, f);
  bind(h, api_.set_power_limit, {"nvmlDeviceSetPowerManagementLimit"}, f);
  bind(h, api_.set_gpu_locked_clocks, {"nvmlDeviceSetGpuLockedClocks"}, f);
  bind(h, api_.reset_gpu_locked_clocks, {"nvmlDeviceResetGpuLockedClocks"}, f);
  bind(h, api_.set_memory_locked_clocks, {"nvmlDeviceSetMemoryLockedClocks"}, f);
  bind(h, api_.reset_memory_locked_clocks, {"nvmlDeviceResetMemoryLockedClocks"}, f);
  bind(h, api_.set_applications_clocks, {"nvmlDeviceSetApplicationsClocks"}, f);
  bind(h, api_.reset_applications_clocks, {"nvmlDeviceResetApplicationsClocks"}, f);
  bind(h, api_.applications_clock, {"nvmlDeviceGetApplicationsClock"}, f);
  bind(h, api_.supported_memory_clocks, {"nvmlDeviceGetSupportedMemoryClocks"}, f);
  bind(h, api_.supported_graphics_clocks, {"nvmlDeviceGetSupportedGraphicsClocks"}, f);
  if (api_.init == nullptr || api_.device_count == nullptr || api_.device_by_index == nullptr) {
    error_ = path + " lacks nvmlInit/nvmlDeviceGetCount/nvmlDeviceGetHandleByIndex: not an NVML library";
    dlclose(handle_);
    handle_ = nullptr;
    api_ = NvmlApi{};
  }
}

NvmlLibrary::~NvmlLibrary() {
  // Never dlclose NVML while threads may still be inside it (a hung call
  // abandoned by the scheduler); the process exit unloads it.
}

std::string_view nvml_error_name(nvmlReturn_t code) {
  switch (code) {
    case NVML_SUCCESS: return "NVML_SUCCESS";
    case NVML_ERROR_UNINITIALIZED: return "NVML_ERROR_UNINITIALIZED";
    case NVML_ERROR_INVALID_ARGUMENT: return "NVML_ERROR_INVALID_ARGUMENT";
    case NVML_ERROR_NOT_SUPPORTED: return "NVML_ERROR_NOT_SUPPORTED";
    case NVML_ERROR_NO_PERMISSION: return "NVML_ERROR_NO_PERMISSION";
    case NVML_ERROR_ALREADY_INITIALIZED: return "NVML_ERROR_ALREADY_INITIALIZED";
    case NVML_ERROR_NOT_FOUND: return "NVML_ERROR_NOT_FOUND";
    case NVML_ERROR_INSUFFICIENT_SIZE: return "NVML_ERROR_INSUFFICIENT_SIZE";
    case NVML_ERROR_INSUFFICIENT_POWER: return "NVML_ERROR_INSUFFICIENT_POWER";
    case NVML_ERROR_DRIVER_NOT_LOADED: return "NVML_ERROR_DRIVER_NOT_LOADED";
    case NVML_ERROR_TIMEOUT: return "NVML_ERROR_TIMEOUT";
    case NVML_ERROR_IRQ_ISSUE: return "NVML_ERROR_IRQ_ISSUE";
    case NVML_ERROR_LIBRARY_NOT_FOUND: return "NVML_ERROR_LIBRARY_NOT_FOUND";
    case NVML_ERROR_FUNCTION_NOT_FOUND: return "NVML_ERROR_FUNCTION_NOT_FOUND";
    case NVML_ERROR_CORRUPTED_INFOROM: return "NVML_ERROR_CORRUPTED_INFOROM";
    case NVML_ERROR_GPU_IS_LOST: return "NVML_ERROR_GPU_IS_LOST";
    case NVML_ERROR_RESET_REQUIRED: return "NVML_ERROR_RESET_REQUIRED";
    case NVML_ERROR_OPERATING_SYSTEM: return "NVML_ERROR_OPERATING_SYSTEM";
    case NVML_ERROR_LIB_RM_VERSION_MISMATCH: return "NVML_ERROR_LIB_RM_VERSION_MISMATCH";
    case NVML_ERROR_IN_USE: return "NVML_ERROR_IN_USE";
    case NVML_ERROR_MEMORY: return "NVML_ERROR_MEMORY";
    case NVML_ERROR_NO_DATA: return "NVML_ERROR_NO_DATA";
    case NVML_ERROR_INSUFFICIENT_RESOURCES: return "NVML_ERROR_INSUFFICIENT_RESOURCES";
    case NVML_ERROR_ARGUMENT_VERSION_MISMATCH: return "NVML_ERROR_ARGUMENT_VERSION_MISMATCH";
    case NVML_ERROR_DEPRECATED: return "NVML_ERROR_DEPRECATED";
    case NVML_ERROR_NOT_READY: return "NVML_ERROR_NOT_READY";
    case NVML_ERROR_GPU_NOT_FOUND: return "NVML_ERROR_GPU_NOT_FOUND";
    case NVML_ERROR_INVALID_STATE: return "NVML_ERROR_INVALID_STATE";
    case NVML_ERROR_UNKNOWN: return "NVML_ERROR_UNKNOWN";
    default: return "NVML_ERROR_OTHER";
  }
}

}  // namespace ainode
