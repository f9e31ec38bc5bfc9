#pragma once
// Process -> container -> pod. The cgroup path of /proc/<pid>/cgroup names
// the pod UID and container id; the kubelet's log links under
// <rootfs>/var/log/containers name the pod, namespace and container (see
// container_log_name_parser.hpp). No API call, no credentials: it works
// wherever the host's / is visible (path.rootfs), and says nothing (empty
// names) for processes outside Kubernetes.
//
// Not thread-safe: each collector keeps its own (the directory is small and
// re-listed at most every `refresh_every`).
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "core/host_fs.hpp"
#include "k8s/cgroup_path_parser.hpp"
#include "k8s/container_log_name_parser.hpp"

namespace ainode {

struct PodRef {
  std::string namespace_name;
  std::string pod;
  std::string container;
  std::string pod_uid;  // known from the cgroup even when the names are not
};

class PodAttributor {
 public:
  explicit PodAttributor(std::chrono::seconds refresh_every = std::chrono::seconds(10))
      : refresh_every_(refresh_every) {}

  // Once per collection cycle: re-lists the container directory when due and
  // forgets processes not asked about during the previous cycle.
  void begin_cycle(const HostFs& fs, std::chrono::steady_clock::time_point now);

  // The pod of `pid`. `start_time` (field 22 of /proc/<pid>/stat) keeps a
  // reused pid from inheriting the previous process's pod; 0 when unknown.
  PodRef attribute(const HostFs& fs, int pid, std::uint64_t start_time = 0);

  std::size_t containers_known() const { return by_container_id_.size(); }

 private:
  void reload_directory(const HostFs& fs);

  std::chrono::seconds refresh_every_;
  std::chrono::steady_clock::time_point next_refresh_{};
  std::map<std::string, ContainerNames> by_container_id_;
  std::map<std::string, std::pair<std::string, std::string>> by_pod_uid_;  // uid -> namespace, pod
  struct Cached {
    std::optional<CgroupContainer> container;
    bool used = true;
  };
  std::map<std::pair<int, std::uint64_t>, Cached> cgroups_;
};

}  // namespace ainode
