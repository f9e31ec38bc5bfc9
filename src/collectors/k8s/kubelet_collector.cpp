#include "collectors/k8s/kubelet_collector.hpp"

#include <nlohmann/json.hpp>

#include "k8s/device_allocation.hpp"

namespace ainode {

namespace {
const MetricDesc kUp{"ainode_kubelet_pod_resources_up", MetricType::gauge, "",
                     "1 when the last PodResources List call to the kubelet succeeded.", {}};
const MetricDesc kErrors{"ainode_kubelet_pod_resources_errors_total", MetricType::counter, "",
                         "Failed PodResources calls by call and gRPC status code.", {"call", "code"}};
const MetricDesc kLastSuccess{"ainode_kubelet_pod_resources_last_success_timestamp_seconds", MetricType::gauge,
                              "seconds", "Unix time of the last successful PodResources List call.", {}};
const MetricDesc kAllocated{"ainode_k8s_gpu_allocated", MetricType::gauge, "",
                            "GPU devices (GPUs, MIG devices or time-sliced replicas) allocated to containers, by resource.",
                            {"resource"}};
const MetricDesc kAllocatable{"ainode_k8s_gpu_allocatable", MetricType::gauge, "",
                              "GPU devices the kubelet can allocate, by resource (absent on kubelets without "
                              "GetAllocatableResources).",
                              {"resource"}};
const MetricDesc kRatio{"ainode_k8s_gpu_allocation_ratio", MetricType::gauge, "ratio",
                        "Allocated over allocatable GPU devices, by resource.", {"resource"}};

nlohmann::json pods_json(const PodResourcesList& list) {
  nlohmann::json containers = nlohmann::json::array();
  for (const auto& c : list.containers) {
    nlohmann::json devices = nlohmann::json::array();
    for (const auto& d : c.devices) devices.push_back({{"resource", d.resource}, {"ids", d.device_ids}});
    containers.push_back({{"namespace", c.namespace_name}, {"pod", c.pod}, {"container", c.container}, {"devices", devices}});
  }
  return containers;
}
}  // namespace

KubeletCollector::KubeletCollector(std::shared_ptr<PodResourcesWatcher> watcher, std::vector<std::string> gpu_resources)
    : watcher_(std::move(watcher)), gpu_resources_(std::move(gpu_resources)) {}

std::vector<const MetricDesc*> KubeletCollector::describe() const {
  return {&kUp, &kErrors, &kLastSuccess, &kAllocated, &kAllocatable, &kRatio};
}

void KubeletCollector::collect(CollectContext& context, MetricSet& out) {
  if (!watcher_) return;
  auto state = watcher_->latest();
  if (!state->last_error.empty() && state->last_error != said_) context.warn("kubelet: " + state->last_error);
  said_ = state->last_error;
  if (state->asked_yet) out.add(kUp, state->up ? 1 : 0);
  for (const auto& [key, count] : state->errors) out.add(kErrors, {key.first, key.second}, static_cast<double>(count));
  if (state->list) {
    out.add(kLastSuccess, std::chrono::duration<double>(state->last_success.time_since_epoch()).count());
    GpuAllocations gpus = map_gpu_allocations(*state->list, state->allocatable, gpu_resources_);
    for (const auto& [resource, count] : gpus.allocated) out.add(kAllocated, {resource}, count);
    for (const auto& [resource, count] : gpus.allocatable) {
      out.add(kAllocatable, {resource}, count);
      if (count > 0) out.add(kRatio, {resource}, gpus.allocated[resource] / count);
    }
  }
  nlohmann::json details = {
      {"kubelet",
       {{"socket", watcher_->options().socket_path},
        {"up", state->up},
        {"asked", state->asked_yet},
        {"last_error", state->last_error.empty() ? nlohmann::json() : nlohmann::json(state->last_error)},
        {"allocatable", state->allocatable_unimplemented ? "unimplemented by this kubelet"
                        : state->allocatable           ? "known"
                                                       : "unknown"}}},
      {"pod_devices", state->list ? pods_json(*state->list) : nlohmann::json::array()}};
  context.details = std::make_shared<const nlohmann::json>(std::move(details));
}

}  // namespace ainode
