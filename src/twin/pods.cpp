#include "twin/pods.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <stdexcept>

#include <toml++/toml.h>

#include "twin/scenario_file.hpp"

namespace ainode::twin {

namespace {

// "trainer-0" -> "trainer": the StatefulSet a pod name suggests.
std::string statefulset_of(const std::string& name) {
  auto dash = name.rfind('-');
  if (dash == std::string::npos || dash + 1 == name.size()) return name;
  bool digits = std::all_of(name.begin() + static_cast<long>(dash) + 1, name.end(), [](char c) { return c >= '0' && c <= '9'; });
  return digits ? name.substr(0, dash) : name;
}

unsigned long long fnv1a(const std::string& text) {
  unsigned long long hash = 1469598103934665603ULL;
  for (unsigned char c : text) hash = (hash ^ c) * 1099511628211ULL;
  return hash;
}

// Stable across runs and kubelet restarts, so a restarted twin kubelet
// reports the same pods.
std::string replacement_uid(const std::string& uid, unsigned generation) {
  unsigned long long a = fnv1a(uid + "#" + std::to_string(generation)), b = fnv1a(std::to_string(a) + uid);
  char text[40];
  std::snprintf(text, sizeof text, "%08llx-%04llx-4%03llx-8%03llx-%012llx", a >> 32, (a >> 16) & 0xffff, a & 0xfff,
                b >> 52, b & 0xffffffffffffULL);
  return text;
}

std::string replacement_name(const PodSpec& pod, unsigned generation) {
  if (pod.owner_kind.empty() || pod.owner_kind == "StatefulSet") return pod.name;
  static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";  // the API server's generateName alphabet
  unsigned long long hash = fnv1a(pod.uid + "@" + std::to_string(generation));
  std::string suffix;
  for (int i = 0; i < 5; ++i, hash /= 27) suffix += alphabet[hash % 27];
  return pod.owner_name + "-" + suffix;
}

// Every time the pod's container ends and restarts: pod_restart faults at
// their start, oom_kill faults naming the pod at each kill.
std::vector<ContainerEnd> container_ends(const PodSpec& pod, const Causes& causes, double t) {
  std::vector<ContainerEnd> ends;
  for (const Fault& f : causes.faults) {
    if (f.subject.pod != pod.uid) continue;
    if (f.kind == Cause::pod_restart && f.from_seconds <= t) {
      ends.push_back({f.from_seconds, f.exit_code == 0 ? "Completed" : "Error", f.exit_code});
    }
    if (f.kind == Cause::oom_kill) {
      for (double at : oom_kill_times(f, t)) ends.push_back({at, "OOMKilled", 137});
    }
  }
  std::sort(ends.begin(), ends.end(), [](const ContainerEnd& a, const ContainerEnd& b) { return a.at < b.at; });
  return ends;
}

}  // namespace

std::vector<PodSpec> load_pods(const std::string& path) {
  toml::table root = parse_scenario_file(path);
  std::vector<PodSpec> pods;
  const toml::array* array = root.get_as<toml::array>("pods");
  if (array == nullptr) return pods;
  for (const auto& node : *array) {
    const toml::table* t = node.as_table();
    auto fail = [&](const std::string& what) {
      throw std::runtime_error(path + ":" + std::to_string(node.source().begin.line) + ": [[pods]] " + what);
    };
    if (t == nullptr) fail("entries must be tables");
    PodSpec pod;
    pod.namespace_name = (*t)["namespace"].value_or<std::string>("default");
    pod.name = (*t)["name"].value_or<std::string>("");
    pod.uid = (*t)["uid"].value_or<std::string>("");
    pod.container = (*t)["container"].value_or<std::string>("main");
    if (pod.name.empty() || pod.uid.empty()) fail("needs name and uid");
    if (const toml::array* gpus = t->get_as<toml::array>("gpus")) {
      for (const auto& gpu : *gpus) {
        auto index = gpu.value<std::int64_t>();
        if (!index || *index < 0) fail("gpus: expected GPU indices");
        pod.gpus.push_back(static_cast<unsigned>(*index));
      }
    }
    pod.model_server = (*t)["model_server"].value_or(false);
    std::string owner = (*t)["owner"].value_or<std::string>("StatefulSet/" + statefulset_of(pod.name));
    if (!owner.empty()) {
      auto slash = owner.find('/');
      if (slash == std::string::npos || slash == 0 || slash + 1 == owner.size()) {
        fail("owner: expected \"Kind/name\" (e.g. \"ReplicaSet/serve-6c9f7d8b5\") or \"\"");
      }
      pod.owner_kind = owner.substr(0, slash);
      pod.owner_name = owner.substr(slash + 1);
    }
    pods.push_back(pod);
  }
  return pods;
}

unsigned load_gpu_count(const std::string& path) {
  toml::table root = parse_scenario_file(path);
  unsigned count = 0;
  if (const toml::array* gpus = root.get_as<toml::array>("gpus")) {
    for (const auto& node : *gpus) {
      if (const toml::table* t = node.as_table()) count += static_cast<unsigned>((*t)["count"].value_or<std::int64_t>(1));
    }
  }
  return count;
}

std::vector<PodInstance> pods_at(const std::vector<PodSpec>& pods, const Causes& causes, double t) {
  std::vector<PodInstance> out;
  for (const PodSpec& pod : pods) {
    std::vector<const Fault*> evictions;
    for (const Fault& f : causes.faults) {
      if (f.kind == Cause::pod_eviction && f.subject.pod == pod.uid) evictions.push_back(&f);
    }
    std::sort(evictions.begin(), evictions.end(), [](const Fault* a, const Fault* b) { return a->from_seconds < b->from_seconds; });
    PodInstance instance;
    instance.spec = &pod;
    for (const Fault* eviction : evictions) {
      if (eviction->to_seconds <= t) {  // evicted and replaced since
        ++instance.generation;
        instance.created_at = eviction->to_seconds;
      } else if (eviction->from_seconds <= t && !instance.evicted) {
        instance.evicted = true;
        instance.evicted_at = eviction->from_seconds;
      }
    }
    instance.name = instance.generation == 0 ? pod.name : replacement_name(pod, instance.generation);
    instance.uid = instance.generation == 0 ? pod.uid : replacement_uid(pod.uid, instance.generation);
    double ended_by = instance.evicted ? instance.evicted_at : t;
    for (const ContainerEnd& end : container_ends(pod, causes, ended_by)) {
      if (end.at >= instance.created_at && (!instance.evicted || end.at < instance.evicted_at)) {
        instance.ends.push_back(end);
      }
    }
    out.push_back(std::move(instance));
  }
  return out;
}

}  // namespace ainode::twin
