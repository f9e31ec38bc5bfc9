#pragma once
// AMD GPUs through the amdgpu driver's sysfs, no vendor tools: every DRM card
// whose PCI device is bound to amdgpu, read into the same vendor-neutral
// GpuReading as NVIDIA's (vendor "amd"). Every file is optional: one that is
// missing or unreadable leaves its field absent; one that holds garbage is
// reported as a problem and also leaves it absent.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/host_fs.hpp"
#include "gpu/gpu_reading.hpp"

namespace ainode {

// AMD GPUs in card order, numbered from `first_index` (after the NVIDIA
// GPUs). `problems` receives one line per unparsable file.
std::vector<GpuReading> read_amd_gpus(const HostFs& fs, unsigned first_index, std::vector<std::string>& problems);

// /v1/dri: every DRM card (any driver) with its render node, PCI address,
// driver, and the /dev/dri/by-path names that point at it (under rootfs).
nlohmann::json dri_devices_json(const HostFs& fs);

}  // namespace ainode
