#pragma once
// Pod, namespace and container names from the kubelet's log links, so a
// container id found in a cgroup path gets names without any API call:
//   /var/log/containers/<pod>_<namespace>_<container>-<container id>.log
//     -> /var/log/pods/<namespace>_<pod>_<pod uid>/<container>/<n>.log
// The kubelet keeps these for every running container (CRI logging); pod,
// namespace and container names are DNS labels, so '_' cannot occur in them.
#include <optional>
#include <string>
#include <string_view>

namespace ainode {

struct ContainerNames {
  std::string pod;
  std::string namespace_name;
  std::string container;
  std::string container_id;  // 64 hex
  std::string pod_uid;       // from the link target, "" when not given
};

// `file_name` is the entry in /var/log/containers; `link_target` what it
// points to ("" when unknown).
std::optional<ContainerNames> parse_container_log_name(std::string_view file_name, std::string_view link_target = {});

}  // namespace ainode
