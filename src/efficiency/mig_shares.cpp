#include "efficiency/mig_shares.hpp"

#include <algorithm>
#include <vector>

namespace ainode {

std::map<std::string, double> mig_device_shares(const GpuReading& gpu) {
  std::map<std::string, double> out;
  if (!gpu.mig_max_devices || *gpu.mig_max_devices == 0) return out;
  // The MIG devices of each GPU instance (one per compute instance).
  std::map<unsigned, std::vector<const MigDeviceReading*>> by_instance;
  for (const auto& device : gpu.mig_devices) {
    if (device.gpu_instance_slices && !device.uuid.empty()) by_instance[device.gpu_instance].push_back(&device);
  }
  double held = 0;
  for (const auto& [instance, devices] : by_instance) held += *devices.front()->gpu_instance_slices;
  // Never more than the whole GPU, even if NVML's counts disagree.
  double whole = std::max(static_cast<double>(*gpu.mig_max_devices), held);
  for (const auto& [instance, devices] : by_instance) {
    double instance_share = *devices.front()->gpu_instance_slices / whole;
    bool sms_known = std::all_of(devices.begin(), devices.end(), [](const auto* d) { return d->sm_count && *d->sm_count > 0; });
    double sms = 0;
    for (const auto* d : devices) sms += sms_known ? *d->sm_count : 1.0;
    for (const auto* d : devices) out[d->uuid] = instance_share * (sms_known ? *d->sm_count : 1.0) / sms;
  }
  return out;
}

}  // namespace ainode
