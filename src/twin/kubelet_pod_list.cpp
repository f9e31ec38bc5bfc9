#include "twin/kubelet_pod_list.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>


namespace ainode::twin {

namespace {

using json = nlohmann::json;

constexpr std::time_t kScenarioEpoch = 1767225600;  // 2026-01-01T00:00:00Z

std::string timestamp(double t) {
  std::time_t at = kScenarioEpoch + static_cast<std::time_t>(std::floor(t));
  std::tm utc{};
  gmtime_r(&at, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// The runtime's id of the n-th instance of the pod's container.
std::string container_id(const PodInstance& pod, std::size_t n) {
  char text[80];
  std::snprintf(text, sizeof text, "containerd://%s-%zu", pod.uid.c_str(), n);
  return text;
}

json terminated(const PodInstance& pod, std::size_t n, double started, double finished, const std::string& reason,
                long long exit_code) {
  return {{"exitCode", exit_code},
          {"reason", reason},
          {"startedAt", timestamp(started)},
          {"finishedAt", timestamp(finished)},
          {"containerID", container_id(pod, n)}};
}

json container_status(const PodInstance& pod) {
  std::size_t restarts = pod.ends.size();
  double started = restarts == 0 ? pod.created_at : pod.ends.back().at;
  json status = {{"name", pod.spec->container},
                 {"restartCount", restarts},
                 {"ready", !pod.evicted},
                 {"started", !pod.evicted},
                 {"image", "registry.example/twin-workload:sim"},
                 {"containerID", container_id(pod, restarts)},
                 {"lastState", json::object()}};
  if (restarts > 0) {
    const ContainerEnd& last = pod.ends.back();
    double last_started = restarts == 1 ? pod.created_at : pod.ends[restarts - 2].at;
    status["lastState"] = {{"terminated", terminated(pod, restarts - 1, last_started, last.at, last.reason, last.exit_code)}};
  }
  if (pod.evicted) {
    // The kubelet kills an evicted pod's containers (SIGKILL after the grace period).
    status["state"] = {{"terminated", terminated(pod, restarts, started, pod.evicted_at, "Error", 137)}};
  } else {
    status["state"] = {{"running", {{"startedAt", timestamp(started)}}}};
  }
  return status;
}

json pod_json(const PodInstance& pod, std::string_view model_server) {
  const PodSpec& spec = *pod.spec;
  json metadata = {{"name", pod.name},
                   {"namespace", spec.namespace_name},
                   {"uid", pod.uid},
                   {"creationTimestamp", timestamp(pod.created_at)},
                   {"annotations", {{"kubernetes.io/config.source", "api"}}}};
  if (!spec.owner_kind.empty()) {
    metadata["ownerReferences"] = json::array({{{"apiVersion", spec.owner_kind == "Job" ? "batch/v1" : "apps/v1"},
                                                {"kind", spec.owner_kind},
                                                {"name", spec.owner_name},
                                                {"controller", true},
                                                {"blockOwnerDeletion", true}}});
  }
  json container = {{"name", spec.container}, {"image", "registry.example/twin-workload:sim"}};
  if (!spec.gpus.empty()) {
    std::string count = std::to_string(spec.gpus.size());
    container["resources"] = {{"limits", {{"nvidia.com/gpu", count}}}, {"requests", {{"nvidia.com/gpu", count}}}};
  }
  json status = {{"phase", pod.evicted ? "Failed" : "Running"},
                 {"startTime", timestamp(pod.created_at)},
                 {"qosClass", "Burstable"},
                 {"containerStatuses", json::array({container_status(pod)})}};
  auto colon = model_server.rfind(':');
  if (spec.model_server && colon != std::string_view::npos && !pod.evicted) {
    metadata["annotations"]["ainode.io/metrics-port"] = std::string(model_server.substr(colon + 1));
    status["podIP"] = std::string(model_server.substr(0, colon));
  }
  if (pod.evicted) {
    std::string why = "The node was low on resource: memory. (twin: a pod_eviction fault)";
    status["reason"] = "Evicted";
    status["message"] = why;
    status["conditions"] = json::array({{{"type", "DisruptionTarget"},
                                         {"status", "True"},
                                         {"reason", "TerminationByKubelet"},
                                         {"message", why},
                                         {"lastTransitionTime", timestamp(pod.evicted_at)}}});
  }
  return {{"metadata", metadata},
          {"spec", {{"nodeName", kTwinNodeName}, {"restartPolicy", "Always"}, {"containers", json::array({container})}}},
          {"status", status}};
}

}  // namespace

std::string kubelet_pods_json(const std::vector<PodInstance>& pods, std::string_view model_server) {
  json items = json::array();
  for (const PodInstance& pod : pods) items.push_back(pod_json(pod, model_server));
  return json{{"kind", "PodList"}, {"apiVersion", "v1"}, {"metadata", json::object()}, {"items", items}}.dump();
}

std::string kubelet_summary_json(const std::vector<PodInstance>& pods) {
  json refs = json::array();
  for (const PodInstance& pod : pods) {
    refs.push_back({{"podRef", {{"name", pod.name}, {"namespace", pod.spec->namespace_name}, {"uid", pod.uid}}}});
  }
  return json{{"node", {{"nodeName", kTwinNodeName}}}, {"pods", refs}}.dump();
}

}  // namespace ainode::twin
