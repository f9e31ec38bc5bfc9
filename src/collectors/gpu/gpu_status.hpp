#pragma once
// The "gpus" section of /v1/status: identity, live readings, health
// (throttle reasons, ECC, last XID, pstate), PCIe/NVLink, MIG tree and
// processes per GPU, plus the recent GPU event log.
#include <nlohmann/json.hpp>

#include "gpu/nvml/nvml_sampler.hpp"
#include <vector>

#include "gpu/gpu_event_log.hpp"
#include "gpu/gpu_reading.hpp"

namespace ainode {

nlohmann::json gpu_status_json(const std::vector<GpuReading>& gpus, const GpuEventLog::Counts& events);

// The NVML entry points that took the most time so far (summed over GPUs),
// most expensive first, at most `limit`.
nlohmann::json costliest_calls_json(const std::map<std::string, NvmlCallCost, std::less<>>& costs,
                                    std::size_t limit = 10);

}  // namespace ainode
