#pragma once
// GPU readings -> metric families. Labels `gpu` (index), `uuid` and `vendor`
// on every per-GPU series except the *_compat ones (docs/architecture.md).
#include <map>
#include <vector>

#include "core/metric.hpp"
#include "gpu/gpu_event_log.hpp"
#include "gpu/gpu_reading.hpp"
#include "gpu/nvml/nvml_sampler.hpp"

namespace ainode {

std::vector<const MetricDesc*> gpu_metric_descriptors();

struct GpuMetricInputs {
  const std::vector<GpuReading>& gpus;
  const GpuEventLog::Counts& events;
  const std::map<NvmlErrorKey, std::uint64_t>& errors;
  const std::map<NvmlCallKey, std::uint64_t>& slow_calls;
  std::string_view driver_version;
  std::string_view cuda_version;
  bool k8s_mode = false;
};

void add_gpu_metrics(const GpuMetricInputs& inputs, MetricSet& out);

}  // namespace ainode
