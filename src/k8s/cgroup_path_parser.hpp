#pragma once
// Which container and pod a process runs in, from /proc/<pid>/cgroup.
// Understands cgroup v1 (several hierarchies; the cpu, memory, pids or
// name=systemd line is used) and v2 ("0::/..."), the kubelet's cgroupfs
// driver (/kubepods/burstable/pod<uid>/<id>) and systemd driver
// (/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid with
// underscores>.slice/cri-containerd-<id>.scope), containerd, CRI-O and
// Docker, and paths seen from another cgroup namespace ("/../../kubepods-…").
#include <optional>
#include <string>
#include <string_view>

namespace ainode {

struct CgroupContainer {
  std::string pod_uid;       // with dashes (or a static pod's 32-hex hash); "" outside Kubernetes
  std::string container_id;  // 64 hex digits; "" for a pod's own cgroup or runtime helpers (conmon)
  std::string runtime;       // "containerd", "cri-o", "docker" or "" when the path does not say
  std::string qos_class;     // "guaranteed", "burstable", "besteffort"; "" outside Kubernetes
};

// Nothing when the process is in no container (a host service, a user session).
std::optional<CgroupContainer> parse_cgroup_container(std::string_view proc_pid_cgroup);

}  // namespace ainode
