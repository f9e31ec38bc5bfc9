#pragma once
#include <memory>

#include <nlohmann/json.hpp>
#include <optional>

#include "collectors/gpu/device_filter.hpp"
#include "config/config.hpp"
#include "core/collector.hpp"
#include "gpu/gpu_event_log.hpp"
#include "gpu/nvml/nvml_event_watcher.hpp"
#include "gpu/nvml/nvml_library.hpp"
#include "gpu/nvml/nvml_sampler.hpp"
#include "k8s/pod_attributor.hpp"
#include "k8s/pod_resources_watcher.hpp"

namespace ainode {

// GPUs of every vendor: NVIDIA through NVML, AMD through amdgpu sysfs
// (gpu/amdgpu), in one vendor-neutral view. NVML is loaded on the first run, on this
// collector's own thread, so a driver that hangs in nvmlInit stalls only this
// collector. Without NVML the collector succeeds with no GPU series and says
// why in /v1/status (and once in the log, as a warning).
// What the GPU collector takes from Kubernetes (docs/kubernetes.md).
struct GpuKubernetes {
  bool attribute_processes = true;  // k8s.attribution: GPU processes' pods from their cgroups
  bool pod_labels = true;           // k8s.gpu_pod_labels: GPUs' holders from PodResources
  std::vector<std::string> gpu_resources{"nvidia.com/gpu", "nvidia.com/mig-*", "amd.com/gpu"};
  std::shared_ptr<PodResourcesWatcher> pod_resources;  // null: no kubelet collector
};

class GpuCollector : public Collector {
 public:
  explicit GpuCollector(const GpuConfig& config, GpuKubernetes kubernetes = {});
  ~GpuCollector() override;
  std::string_view name() const override { return "gpu"; }
  std::vector<const MetricDesc*> describe() const override;
  void collect(CollectContext& context, MetricSet& out) override;
  // The NVML reader once NVML is up (null before), for benchmarks that count its calls.
  const NvmlSampler* nvml_sampler() const { return sampler_.get(); }

 private:
  bool ensure_nvml(CollectContext& context);

  GpuConfig config_;
  DeviceFilter visible_;
  DeviceFilter mig_devices_;
  std::unique_ptr<NvmlLibrary> library_;
  bool initialized_ = false;
  std::string unavailable_reason_;
  std::size_t cycles_until_retry_ = 0;
  std::string driver_version_;
  std::string cuda_version_;
  GpuEventLog events_;
  std::unique_ptr<NvmlSampler> sampler_;
  std::unique_ptr<NvmlEventWatcher> watcher_;
  std::string events_status_;
  // AMD GPUs from amdgpu sysfs, numbered after the NVIDIA ones.
  void read_amd(CollectContext& context, std::vector<GpuReading>& gpus);
  nlohmann::json nvml_status() const;
  // Pods of GPU processes (cgroups) and holders of GPUs (PodResources).
  void attribute(CollectContext& context, std::vector<GpuReading>& gpus, MetricSet& out);

  GpuKubernetes kubernetes_;
  std::string amd_problems_said_;
  std::unique_ptr<PodAttributor> pods_;
};

}  // namespace ainode
