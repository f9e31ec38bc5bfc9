#pragma once
// The kubelet's GET /pods (a v1 PodList of the pods bound to this node),
// the parts pod events are derived from: identity, owner, phase and the
// eviction reason, and each container's restarts and terminations; and the
// parts model-server discovery reads (the pod's IP and its ainode.io/
// annotations, docs/model-efficiency.md). Pure: JSON text in, values out.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ainode {

// One container termination (state.terminated or lastState.terminated).
struct ContainerTermination {
  std::string reason;  // "OOMKilled", "Error", "Completed", "ContainerStatusUnknown", ...
  std::optional<std::int64_t> exit_code;
  std::optional<std::int64_t> signal;
  std::string container_id;  // "containerd://…": the instance that ended
  std::string started_at, finished_at;  // RFC 3339, as the kubelet wrote them
  // Tells one termination from another across answers: the same ended
  // instance is reported first as state.terminated, then as lastState.
  std::string identity() const;
};

struct ContainerStatus {
  std::string name;
  std::int64_t restart_count = 0;
  std::string waiting_reason;  // "CrashLoopBackOff", "ContainerCreating", ... ("" when not waiting)
  bool running = false;
  std::optional<ContainerTermination> terminated;       // state.terminated: ended and not (yet) restarted
  std::optional<ContainerTermination> last_terminated;  // lastState.terminated: the previous instance
};

struct OwnerReference {
  std::string kind, name;  // "ReplicaSet", "trainer-7d9f8"
  bool operator==(const OwnerReference&) const = default;
};

struct PodStatus {
  std::string uid, namespace_name, name, node_name;
  std::string phase;  // Pending, Running, Succeeded, Failed, Unknown ("" when absent)
  std::string reason, message;  // status.reason ("Evicted", "Preempting", "NodeShutdown", ...)
  // The reason of a DisruptionTarget condition that is True (Kubernetes
  // 1.26+): "EvictionByEvictionAPI", "TerminationByKubelet", ...
  std::string disruption_reason;
  bool deleting = false;  // metadata.deletionTimestamp is set
  // The controller owner reference (controller: true), else the first one.
  std::optional<OwnerReference> owner;
  std::vector<ContainerStatus> containers;  // status.containerStatuses
  std::string pod_ip;  // status.podIP ("" before the pod has one)
  // metadata.annotations under the "ainode.io/" prefix only, string values:
  // other annotations (last-applied-configuration can be 256 KiB) are not
  // kept, so a node's pod list costs the agent little memory.
  std::map<std::string, std::string> annotations;
};

inline constexpr std::string_view kAinodeAnnotationPrefix = "ainode.io/";

// Throws ParseError when the text is not JSON, not a PodList, or its items
// are not a list (a proxy's error page must never read as "no pods").
// Items without metadata.uid or name are skipped; other fields missing are
// simply absent.
std::vector<PodStatus> parse_kubelet_pods(std::string_view json_text);

}  // namespace ainode
