#include "twin/pods.hpp"

#include <stdexcept>

#include <toml++/toml.h>

#include "twin/scenario_file.hpp"

namespace ainode::twin {

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

bool pod_present(const Causes& causes, const PodSpec& pod, double t) {
  for (const auto& f : causes.faults) {
    if (f.kind == Cause::pod_eviction && f.subject.pod == pod.uid && f.active(t)) return false;
  }
  return true;
}

}  // namespace ainode::twin
