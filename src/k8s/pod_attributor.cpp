#include "k8s/pod_attributor.hpp"

#include <filesystem>
#include <system_error>

namespace ainode {

void PodAttributor::begin_cycle(const HostFs& fs, std::chrono::steady_clock::time_point now) {
  for (auto it = cgroups_.begin(); it != cgroups_.end();) {
    if (!it->second.used) {
      it = cgroups_.erase(it);
    } else {
      it->second.used = false;
      ++it;
    }
  }
  if (now < next_refresh_) return;
  next_refresh_ = now + refresh_every_;
  reload_directory(fs);
}

void PodAttributor::reload_directory(const HostFs& fs) {
  by_container_id_.clear();
  by_pod_uid_.clear();
  auto directory = fs.root("var/log/containers");
  for (const auto& entry : HostFs::list(directory)) {
    std::error_code error;
    auto target = std::filesystem::read_symlink(directory / entry, error);
    auto names = parse_container_log_name(entry, error ? std::string() : target.string());
    if (!names) continue;
    if (!names->pod_uid.empty()) by_pod_uid_[names->pod_uid] = {names->namespace_name, names->pod};
    by_container_id_[names->container_id] = std::move(*names);
  }
}

PodRef PodAttributor::attribute(const HostFs& fs, int pid, std::uint64_t start_time) {
  auto key = std::make_pair(pid, start_time);
  auto cached = cgroups_.find(key);
  if (cached == cgroups_.end()) {
    auto text = HostFs::try_read(fs.proc(std::to_string(pid) + "/cgroup"));
    cached = cgroups_.emplace(key, Cached{text ? parse_cgroup_container(*text) : std::nullopt}).first;
  }
  cached->second.used = true;
  const auto& container = cached->second.container;
  if (!container) return {};
  PodRef ref{"", "", "", container->pod_uid};
  if (auto names = by_container_id_.find(container->container_id);
      !container->container_id.empty() && names != by_container_id_.end()) {
    ref.namespace_name = names->second.namespace_name;
    ref.pod = names->second.pod;
    ref.container = names->second.container;
  } else if (auto pod = by_pod_uid_.find(container->pod_uid); !container->pod_uid.empty() && pod != by_pod_uid_.end()) {
    ref.namespace_name = pod->second.first;  // the pod's own cgroup or a runtime helper: no container
    ref.pod = pod->second.second;
  }
  return ref;
}

}  // namespace ainode
