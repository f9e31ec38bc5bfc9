#include "k8s/kubelet_pods_parser.hpp"

#include "core/text.hpp"
#include "k8s/kubelet_json.hpp"

namespace ainode {

namespace {

using json = nlohmann::json;
using kubelet_json::member;
using kubelet_json::string_of;

std::optional<std::int64_t> integer(const json& object, const char* key) {
  const json& value = member(object, key);
  if (value.is_number_integer()) return value.get<std::int64_t>();
  return std::nullopt;
}

std::optional<ContainerTermination> termination(const json& state) {
  const json& terminated = member(state, "terminated");
  if (!terminated.is_object()) return std::nullopt;
  ContainerTermination out;
  out.reason = string_of(terminated, "reason");
  out.exit_code = integer(terminated, "exitCode");
  out.signal = integer(terminated, "signal");
  out.container_id = string_of(terminated, "containerID");
  out.started_at = string_of(terminated, "startedAt");
  out.finished_at = string_of(terminated, "finishedAt");
  return out;
}

ContainerStatus container_status(const json& status) {
  ContainerStatus out;
  out.name = string_of(status, "name");
  out.restart_count = integer(status, "restartCount").value_or(0);
  const json& state = member(status, "state");
  out.running = member(state, "running").is_object();
  out.waiting_reason = string_of(member(state, "waiting"), "reason");
  out.terminated = termination(state);
  out.last_terminated = termination(member(status, "lastState"));
  return out;
}

std::optional<OwnerReference> owner_of(const json& metadata) {
  const json& references = member(metadata, "ownerReferences");
  if (!references.is_array()) return std::nullopt;
  std::optional<OwnerReference> first;
  for (const auto& reference : references) {
    OwnerReference owner{string_of(reference, "kind"), string_of(reference, "name")};
    if (owner.kind.empty() || owner.name.empty()) continue;
    const json& controller = member(reference, "controller");
    if (controller.is_boolean() && controller.get<bool>()) return owner;
    if (!first) first = owner;
  }
  return first;
}

std::string disruption_reason(const json& status) {
  const json& conditions = member(status, "conditions");
  if (!conditions.is_array()) return "";
  for (const auto& condition : conditions) {
    if (string_of(condition, "type") == "DisruptionTarget" && string_of(condition, "status") == "True") {
      return string_of(condition, "reason");
    }
  }
  return "";
}

std::map<std::string, std::string> ainode_annotations(const json& metadata) {
  std::map<std::string, std::string> out;
  const json& annotations = member(metadata, "annotations");
  if (!annotations.is_object()) return out;
  for (const auto& [key, value] : annotations.items()) {
    if (key.starts_with(kAinodeAnnotationPrefix) && value.is_string()) out[key] = value.get<std::string>();
  }
  return out;
}

PodStatus pod_status(const json& pod) {
  const json& metadata = member(pod, "metadata");
  const json& status = member(pod, "status");
  PodStatus out;
  out.uid = string_of(metadata, "uid");
  out.namespace_name = string_of(metadata, "namespace");
  out.name = string_of(metadata, "name");
  out.node_name = string_of(member(pod, "spec"), "nodeName");
  out.deleting = member(metadata, "deletionTimestamp").is_string();
  out.owner = owner_of(metadata);
  out.phase = string_of(status, "phase");
  out.reason = string_of(status, "reason");
  out.message = string_of(status, "message");
  out.disruption_reason = disruption_reason(status);
  out.pod_ip = string_of(status, "podIP");
  out.annotations = ainode_annotations(metadata);
  const json& containers = member(status, "containerStatuses");
  if (containers.is_array()) {
    for (const auto& container : containers) {
      ContainerStatus parsed = container_status(container);
      if (!parsed.name.empty()) out.containers.push_back(std::move(parsed));
    }
  }
  return out;
}

}  // namespace

std::string ContainerTermination::identity() const {
  if (container_id.empty() && started_at.empty() && finished_at.empty()) {
    return reason + "|" + (exit_code ? std::to_string(*exit_code) : "");
  }
  return container_id + "|" + started_at + "|" + finished_at;
}

std::vector<PodStatus> parse_kubelet_pods(std::string_view json_text) {
  json document = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) throw ParseError("kubelet pods: not JSON");
  if (!document.is_object()) throw ParseError("kubelet pods: not a JSON object");
  std::string kind = string_of(document, "kind");
  if (!kind.empty() && kind != "PodList") throw ParseError("kubelet pods: a " + kind + ", not a PodList");
  const json& items = member(document, "items");
  // An empty PodList from the kubelet (a Go nil slice) says "items": null.
  if (items.is_null() && kind == "PodList") return {};
  if (!items.is_array()) throw ParseError("kubelet pods: no items list");
  std::vector<PodStatus> pods;
  for (const auto& item : items) {
    PodStatus pod = pod_status(item);
    if (pod.uid.empty() || pod.name.empty()) continue;
    pods.push_back(std::move(pod));
  }
  return pods;
}

}  // namespace ainode
