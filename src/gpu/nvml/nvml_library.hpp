#pragma once
// libnvidia-ml.so.1 loaded at run time. Each entry point is looked up by its
// newest versioned name first (nvmlInit_v2, ..._v3, ..._v2) and then older
// names; an entry point the driver lacks stays null and disables only the
// fields that need it.
#include <memory>
#include <string>
#include <string_view>

#include "gpu/nvml/nvml_abi.hpp"

namespace ainode {

struct NvmlApi {
  nvmlReturn_t (*init)() = nullptr;
  nvmlReturn_t (*shutdown)() = nullptr;
  const char* (*error_string)(nvmlReturn_t) = nullptr;
  nvmlReturn_t (*system_driver_version)(char*, unsigned int) = nullptr;
  nvmlReturn_t (*system_cuda_driver_version)(int*) = nullptr;
  nvmlReturn_t (*device_count)(unsigned int*) = nullptr;
  nvmlReturn_t (*device_by_index)(unsigned int, nvmlDevice_t*) = nullptr;
  nvmlReturn_t (*name)(nvmlDevice_t, char*, unsigned int) = nullptr;
  nvmlReturn_t (*uuid)(nvmlDevice_t, char*, unsigned int) = nullptr;
  nvmlReturn_t (*serial)(nvmlDevice_t, char*, unsigned int) = nullptr;
  nvmlReturn_t (*vbios_version)(nvmlDevice_t, char*, unsigned int) = nullptr;
  nvmlReturn_t (*pci_info)(nvmlDevice_t, nvmlPciInfo_t*) = nullptr;
  nvmlReturn_t (*utilization)(nvmlDevice_t, nvmlUtilization_t*) = nullptr;
  nvmlReturn_t (*encoder_utilization)(nvmlDevice_t, unsigned int*, unsigned int*) = nullptr;
  nvmlReturn_t (*decoder_utilization)(nvmlDevice_t, unsigned int*, unsigned int*) = nullptr;
  nvmlReturn_t (*memory_info_v2)(nvmlDevice_t, nvmlMemory_v2_t*) = nullptr;
  nvmlReturn_t (*memory_info)(nvmlDevice_t, nvmlMemory_t*) = nullptr;
  nvmlReturn_t (*bar1_memory)(nvmlDevice_t, nvmlBAR1Memory_t*) = nullptr;
  nvmlReturn_t (*temperature)(nvmlDevice_t, nvmlTemperatureSensors_t, unsigned int*) = nullptr;
  nvmlReturn_t (*temperature_threshold)(nvmlDevice_t, nvmlTemperatureThresholds_t, unsigned int*) = nullptr;
  nvmlReturn_t (*field_values)(nvmlDevice_t, int, nvmlFieldValue_t*) = nullptr;
  nvmlReturn_t (*fan_speed)(nvmlDevice_t, unsigned int*) = nullptr;
  nvmlReturn_t (*power_usage)(nvmlDevice_t, unsigned int*) = nullptr;
  nvmlReturn_t (*power_limit)(nvmlDevice_t, unsigned int*) = nullptr;
  nvmlReturn_t (*enforced_power_limit)(nvmlDevice_t, unsigned int*) = nullptr;
  nvmlReturn_t (*default_power_limit)(nvmlDevice_t, unsigned int*) = nullptr;
  nvmlReturn_t (*power_limit_constraints)(nvmlDevice_t, unsigned int*, unsigned int*) = nullptr;
  nvmlReturn_t (*total_energy)(nvmlDevice_t, unsigned long long*) = nullptr;
  nvmlReturn_t (*clock)(nvmlDevice_t, nvmlClockType_t, unsigned int*) = nullptr;
  nvmlReturn_t (*max_clock)(nvmlDevice_t, nvmlClockType_t, unsigned int*) = nullptr;
  nvmlReturn_t (*performance_state)(nvmlDevice_t, nvmlPstates_t*) = nullptr;
  nvmlReturn_t (*clock_event_reasons)(nvmlDevice_t, unsigned long long*) = nullptr;
  nvmlReturn_t (*ecc_mode)(nvmlDevice_t, nvmlEnableState_t*, nvmlEnableState_t*) = nullptr;
  nvmlReturn_t (*total_ecc_errors)(nvmlDevice_t, nvmlMemoryErrorType_t, nvmlEccCounterType_t, unsigned long long*) =
      nullptr;
  nvmlReturn_t (*retired_pages)(nvmlDevice_t, nvmlPageRetirementCause_t, unsigned int*, unsigned long long*) = nullptr;
  nvmlReturn_t (*retired_pages_pending)(nvmlDevice_t, nvmlEnableState_t*) = nullptr;
  nvmlReturn_t (*row_remapper_histogram)(nvmlDevice_t, nvmlRowRemapperHistogramValues_t*) = nullptr;
  nvmlReturn_t (*persistence_mode)(nvmlDevice_t, nvmlEnableState_t*) = nullptr;  // read only: ainode never sets it
  nvmlReturn_t (*remapped_rows)(nvmlDevice_t, unsigned int*, unsigned int*, unsigned int*, unsigned int*) = nullptr;
  nvmlReturn_t (*pcie_generation)(nvmlDevice_t, unsigned int*) = nullptr;
  nvmlReturn_t (*pcie_generation_max)(nvmlDevice_t, unsigned int*) = nullptr;
  nvmlReturn_t (*pcie_width)(nvmlDevice_t, unsigned int*) = nullptr;
  nvmlReturn_t (*pcie_width_max)(nvmlDevice_t, unsigned int*) = nullptr;
  nvmlReturn_t (*pcie_throughput)(nvmlDevice_t, nvmlPcieUtilCounter_t, unsigned int*) = nullptr;
  nvmlReturn_t (*pcie_replay_counter)(nvmlDevice_t, unsigned int*) = nullptr;
  nvmlReturn_t (*nvlink_state)(nvmlDevice_t, unsigned int, nvmlEnableState_t*) = nullptr;
  nvmlReturn_t (*nvlink_error_counter)(nvmlDevice_t, unsigned int, nvmlNvLinkErrorCounter_t, unsigned long long*) =
      nullptr;
  nvmlReturn_t (*compute_processes)(nvmlDevice_t, unsigned int*, nvmlProcessInfo_t*) = nullptr;
  nvmlReturn_t (*graphics_processes)(nvmlDevice_t, unsigned int*, nvmlProcessInfo_t*) = nullptr;
  nvmlReturn_t (*process_utilization)(nvmlDevice_t, nvmlProcessUtilizationSample_t*, unsigned int*,
                                      unsigned long long) = nullptr;
  nvmlReturn_t (*mig_mode)(nvmlDevice_t, unsigned int*, unsigned int*) = nullptr;
  nvmlReturn_t (*max_mig_device_count)(nvmlDevice_t, unsigned int*) = nullptr;
  nvmlReturn_t (*mig_device_by_index)(nvmlDevice_t, unsigned int, nvmlDevice_t*) = nullptr;
  nvmlReturn_t (*gpu_instance_id)(nvmlDevice_t, unsigned int*) = nullptr;
  nvmlReturn_t (*compute_instance_id)(nvmlDevice_t, unsigned int*) = nullptr;
  nvmlReturn_t (*device_attributes)(nvmlDevice_t, nvmlDeviceAttributes_t*) = nullptr;
  nvmlReturn_t (*gpu_instance_by_id)(nvmlDevice_t, unsigned int, nvmlGpuInstance_t*) = nullptr;
  nvmlReturn_t (*gpu_instance_info)(nvmlGpuInstance_t, nvmlGpuInstanceInfo_t*) = nullptr;
  nvmlReturn_t (*compute_instance_by_id)(nvmlGpuInstance_t, unsigned int, nvmlComputeInstance_t*) = nullptr;
  nvmlReturn_t (*compute_instance_info)(nvmlComputeInstance_t, nvmlComputeInstanceInfo_t*) = nullptr;
  nvmlReturn_t (*event_set_create)(nvmlEventSet_t*) = nullptr;
  nvmlReturn_t (*event_set_free)(nvmlEventSet_t) = nullptr;
  nvmlReturn_t (*supported_event_types)(nvmlDevice_t, unsigned long long*) = nullptr;
  nvmlReturn_t (*register_events)(nvmlDevice_t, unsigned long long, nvmlEventSet_t) = nullptr;
  nvmlReturn_t (*event_set_wait)(nvmlEventSet_t, nvmlEventData_t*, unsigned int) = nullptr;
  // Calls that change the GPU, for the policy engine's actuator (the only
  // code meant to call them); optional like every entry point. Limits are
  // in milliwatts, clocks in MHz, argument order as in nvml.h.
  nvmlReturn_t (*set_power_limit)(nvmlDevice_t, unsigned int) = nullptr;
  nvmlReturn_t (*set_gpu_locked_clocks)(nvmlDevice_t, unsigned int, unsigned int) = nullptr;  // min, max
  nvmlReturn_t (*reset_gpu_locked_clocks)(nvmlDevice_t) = nullptr;
  nvmlReturn_t (*set_memory_locked_clocks)(nvmlDevice_t, unsigned int, unsigned int) = nullptr;  // min, max
  nvmlReturn_t (*reset_memory_locked_clocks)(nvmlDevice_t) = nullptr;
  nvmlReturn_t (*set_applications_clocks)(nvmlDevice_t, unsigned int, unsigned int) = nullptr;  // memory, graphics
  nvmlReturn_t (*reset_applications_clocks)(nvmlDevice_t) = nullptr;
  nvmlReturn_t (*applications_clock)(nvmlDevice_t, nvmlClockType_t, unsigned int*) = nullptr;
  nvmlReturn_t (*supported_memory_clocks)(nvmlDevice_t, unsigned int*, unsigned int*) = nullptr;
  nvmlReturn_t (*supported_graphics_clocks)(nvmlDevice_t, unsigned int, unsigned int*, unsigned int*) = nullptr;
};

class NvmlLibrary {
 public:
  // dlopen()s `path`; on failure error() says why and api() has no entry
  // points. Does not call nvmlInit.
  explicit NvmlLibrary(const std::string& path);
  ~NvmlLibrary();
  NvmlLibrary(const NvmlLibrary&) = delete;
  NvmlLibrary& operator=(const NvmlLibrary&) = delete;

  bool loaded() const { return handle_ != nullptr; }
  const std::string& error() const { return error_; }
  const NvmlApi& api() const { return api_; }
  // Versioned symbols found under an older name, for the status page.
  const std::string& fallbacks() const { return fallbacks_; }

 private:
  void* handle_ = nullptr;
  std::string error_;
  std::string fallbacks_;
  NvmlApi api_;
};

// "NVML_ERROR_GPU_IS_LOST" for 15, ..., for labels and logs.
std::string_view nvml_error_name(nvmlReturn_t code);

}  // namespace ainode
