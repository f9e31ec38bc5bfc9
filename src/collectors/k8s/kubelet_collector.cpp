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

const MetricDesc kPodEphemeral{"ainode_pod_ephemeral_storage_used_bytes", MetricType::gauge, "bytes",
                               "Ephemeral storage a pod uses (emptyDir, logs, writable layers; kubelet /stats/summary).",
                               {"namespace", "pod"}};
const MetricDesc kNodeEphemeralCapacity{"ainode_node_ephemeral_storage_capacity_bytes", MetricType::gauge, "bytes",
                                        "Capacity of the node filesystem behind ephemeral storage (kubelet node.fs).", {}};
const MetricDesc kNodeEphemeralAvailable{"ainode_node_ephemeral_storage_available_bytes", MetricType::gauge, "bytes",
                                         "Available bytes of the node filesystem behind ephemeral storage.", {}};
const MetricDesc kNodeEphemeralUsed{"ainode_node_ephemeral_storage_used_bytes", MetricType::gauge, "bytes",
                                    "Used bytes of the node filesystem behind ephemeral storage.", {}};
const MetricDesc kSummaryUp{"ainode_kubelet_summary_up", MetricType::gauge, "",
                            "1 when the last /stats/summary request to the kubelet succeeded.", {}};
const MetricDesc kSummaryErrors{"ainode_kubelet_summary_errors_total", MetricType::counter, "",
                                "Failed /stats/summary requests by error (http_<status>, timeout, connect, tls, "
                                "too_large, url, protocol, parse).",
                                {"error"}};

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

KubeletCollector::KubeletCollector(std::shared_ptr<PodResourcesWatcher> watcher, std::vector<std::string> gpu_resources,
                                   std::unique_ptr<KubeletSummaryWatcher> summary)
    : watcher_(std::move(watcher)), gpu_resources_(std::move(gpu_resources)), summary_(std::move(summary)) {}

std::vector<const MetricDesc*> KubeletCollector::describe() const {
  return {&kUp,           &kErrors,           &kLastSuccess,           &kAllocated,         &kAllocatable,
          &kRatio,        &kPodEphemeral,     &kNodeEphemeralCapacity, &kNodeEphemeralAvailable, &kNodeEphemeralUsed,
          &kSummaryUp,    &kSummaryErrors};
}

void KubeletCollector::collect_summary(CollectContext& context, MetricSet& out, nlohmann::json& details) {
  if (!summary_) {
    details["summary"] = "off (kubelet.url is empty)";
    return;
  }
  auto state = summary_->latest();
  // kubelet.url is set only where the kubelet is expected: failing is a warning.
  if (!state->last_error.empty() && state->last_error != said_summary_) {
    context.notice(NoticeLevel::warning, "kubelet: " + state->last_error);
  }
  said_summary_ = state->last_error;
  if (state->asked_yet) out.add(kSummaryUp, state->up ? 1 : 0);
  for (const auto& [code, count] : state->errors) out.add(kSummaryErrors, {code}, static_cast<double>(count));
  details["summary"] = {{"url", summary_->options().url + "/stats/summary"},
                        {"up", state->up},
                        {"last_error", state->last_error.empty() ? nlohmann::json() : nlohmann::json(state->last_error)}};
  if (!state->summary) return;
  const FilesystemUsage& fs = state->summary->node_fs;
  if (fs.capacity_bytes) out.add(kNodeEphemeralCapacity, *fs.capacity_bytes);
  if (fs.available_bytes) out.add(kNodeEphemeralAvailable, *fs.available_bytes);
  if (fs.used_bytes) out.add(kNodeEphemeralUsed, *fs.used_bytes);
  for (const auto& pod : state->summary->pods) out.add(kPodEphemeral, {pod.namespace_name, pod.pod}, pod.used_bytes);
}

void KubeletCollector::collect(CollectContext& context, MetricSet& out) {
  nlohmann::json details = nlohmann::json::object();
  collect_summary(context, out, details);
  if (!watcher_) {
    context.set_details(std::move(details));
    return;
  }
  auto state = watcher_->latest();
  if (!state->last_error.empty() && state->last_error != said_) {
    // No socket where it is by default is a host that is not a Kubernetes
    // node: news, said at info. A socket configured elsewhere, or a kubelet
    // that is there and fails, is a warning.
    bool default_socket = watcher_->options().socket_path == PodResourcesOptions{}.socket_path;
    NoticeLevel level = state->socket_missing && default_socket ? NoticeLevel::info : NoticeLevel::warning;
    context.notice(level, "kubelet: " + state->last_error);
  }
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
  details["kubelet"] = {
      {"socket", watcher_->options().socket_path},
      {"up", state->up},
      {"asked", state->asked_yet},
      {"last_error", state->last_error.empty() ? nlohmann::json() : nlohmann::json(state->last_error)},
      {"allocatable", state->allocatable_unimplemented ? "unimplemented by this kubelet"
                      : state->allocatable           ? "known"
                                                     : "unknown"}};
  details["pod_devices"] = state->list ? pods_json(*state->list) : nlohmann::json::array();
  context.set_details(std::move(details));
}

}  // namespace ainode
