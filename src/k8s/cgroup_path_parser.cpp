#include "k8s/cgroup_path_parser.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "core/text.hpp"

namespace ainode {

namespace {

bool is_hex(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// "0f8e…" (64 hex): a container id as containerd, CRI-O and Docker write it.
bool is_container_id(std::string_view s) { return s.size() == 64 && is_hex(s); }

// A pod UID as it appears in a path: 8-4-4-4-12 hex with '-' or '_' (the
// systemd driver escapes dashes), or a static pod's 32-hex config hash.
std::optional<std::string> pod_uid(std::string_view s) {
  if (s.size() == 32 && is_hex(s)) return std::string(s);
  if (s.size() != 36) return std::nullopt;
  std::string uid(s);
  for (std::size_t i = 0; i < uid.size(); ++i) {
    bool separator = i == 8 || i == 13 || i == 18 || i == 23;
    if (separator) {
      if (uid[i] != '-' && uid[i] != '_') return std::nullopt;
      uid[i] = '-';
    } else if (!is_hex(std::string_view(&uid[i], 1))) {
      return std::nullopt;
    }
  }
  return uid;
}

// The pod UID in one path segment: "pod<uid>" (cgroupfs) or
// "kubepods-burstable-pod<uid>.slice" (systemd).
std::optional<std::string> pod_in_segment(std::string_view segment) {
  if (segment.ends_with(".slice")) segment.remove_suffix(6);
  auto at = segment.rfind("pod");
  if (at == std::string_view::npos || (at > 0 && segment[at - 1] != '-')) return std::nullopt;
  return pod_uid(segment.substr(at + 3));
}

struct ContainerSegment {
  std::string id;
  std::string runtime;
};

// "cri-containerd-<id>.scope", "crio-<id>.scope", "docker-<id>.scope",
// or a bare "<id>" (cgroupfs driver). CRI-O's conmon ("crio-conmon-<id>")
// is the runtime's helper, not the container.
std::optional<ContainerSegment> container_in_segment(std::string_view segment) {
  if (segment.ends_with(".scope")) segment.remove_suffix(6);
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 4> prefixes{
      {{"cri-containerd-", "containerd"}, {"crio-", "cri-o"}, {"docker-", "docker"}, {"", ""}}};
  for (const auto& [prefix, runtime] : prefixes) {
    if (!segment.starts_with(prefix)) continue;
    auto id = segment.substr(prefix.size());
    if (is_container_id(id)) return ContainerSegment{std::string(id), std::string(runtime)};
  }
  return std::nullopt;
}

std::optional<CgroupContainer> parse_path(std::string_view path) {
  auto segments = text::split(path, '/');
  std::optional<CgroupContainer> found;
  bool in_kubepods = false;
  std::string qos;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    std::string_view segment = segments[i];
    if (segment.find("kubepods") != std::string_view::npos) in_kubepods = true;
    if (in_kubepods) {
      if (segment.find("burstable") != std::string_view::npos) qos = "burstable";
      if (segment.find("besteffort") != std::string_view::npos) qos = "besteffort";
      if (auto uid = pod_in_segment(segment)) {
        found = CgroupContainer{*uid, "", "", qos.empty() ? "guaranteed" : qos};
        continue;
      }
    }
    if (auto container = container_in_segment(segment)) {
      if (!found) found = CgroupContainer{};  // a container outside Kubernetes (plain Docker)
      found->container_id = container->id;
      found->runtime = container->runtime;
      // "/docker/<id>": cgroupfs Docker names itself only in the parent.
      if (found->runtime.empty() && i > 0 && segments[i - 1] == "docker") found->runtime = "docker";
    }
  }
  return found;
}

}  // namespace

std::optional<CgroupContainer> parse_cgroup_container(std::string_view proc_pid_cgroup) {
  // v2's single line first; on v1 the hierarchies a container always has.
  std::optional<CgroupContainer> best;
  int best_rank = 0;
  for (std::string_view line : text::split(proc_pid_cgroup, '\n')) {
    auto first = line.find(':');
    auto second = first == std::string_view::npos ? first : line.find(':', first + 1);
    if (second == std::string_view::npos) continue;
    std::string_view hierarchy = line.substr(0, first);
    std::string_view controllers = line.substr(first + 1, second - first - 1);
    std::string_view path = line.substr(second + 1);
    int rank = 0;
    if (hierarchy == "0" && controllers.empty()) {
      rank = 4;
    } else {
      for (std::string_view controller : text::split(controllers, ',')) {
        if (controller == "cpu" || controller == "memory") rank = std::max(rank, 3);
        if (controller == "pids") rank = std::max(rank, 2);
        if (controller == "name=systemd") rank = std::max(rank, 1);
      }
    }
    if (rank <= best_rank) continue;
    if (auto container = parse_path(path)) {
      best = std::move(container);
      best_rank = rank;
    }
  }
  return best;
}

}  // namespace ainode
