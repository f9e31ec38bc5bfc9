#pragma once
// A MIG GPU's energy by MIG device (docs/model-efficiency.md, "MIG"). NVML
// meters energy per physical GPU only, so a MIG device's share is a model:
//
//   share(device) = slices of its GPU instance / slices of the GPU
//                   x its SMs / SMs of all compute instances in that GPU instance
//
// The GPU's slices are NVML's maximum MIG device count (7 on A100/H100/H200,
// 4 on A30); a GPU instance's are its profile's (nvmlDeviceAttributes_t
// gpuInstanceSliceCount). Slices no instance holds are idle: their share is
// nobody's, so the shares of a partly used GPU add up to less than 1. The
// third factor splits a GPU instance among its compute instances (equally
// when an SM count is unknown; 1 for the usual single one).
#include <map>
#include <string>

#include "gpu/gpu_reading.hpp"

namespace ainode {

// MIG device UUID -> its share (0..1) of the GPU's energy. Empty when the
// GPU's slices are unknown; a device whose slices are unknown is left out.
std::map<std::string, double> mig_device_shares(const GpuReading& gpu);

}  // namespace ainode
