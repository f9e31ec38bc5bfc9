#include "twin/causes.hpp"

#include <algorithm>
#include <stdexcept>

#include <toml++/toml.h>

#include "twin/scenario_file.hpp"

namespace ainode::twin {

namespace {

struct Named {
  Cause cause;
  std::string_view name;
};
constexpr Named kNames[] = {
    {Cause::none, "none"},
    {Cause::thermal, "thermal"},
    {Cause::power_cap, "power_cap"},
    {Cause::hw_slowdown, "hw_slowdown"},
    {Cause::pcie_link_degraded, "pcie_link_degraded"},
    {Cause::nvlink_errors, "nvlink_errors"},
    {Cause::ecc_errors, "ecc_errors"},
    {Cause::xid, "xid"},
    {Cause::gpu_lost, "gpu_lost"},
    {Cause::network_retransmits, "network_retransmits"},
    {Cause::infiniband_errors, "infiniband_errors"},
    {Cause::cpu_contention, "cpu_contention"},
    {Cause::memory_pressure, "memory_pressure"},
    {Cause::disk_io, "disk_io"},
    {Cause::oom_kill, "oom_kill"},
    {Cause::pod_eviction, "pod_eviction"},
    {Cause::pod_restart, "pod_restart"},
};

[[noreturn]] void fail(const std::string& path, const toml::node& at, const std::string& what) {
  throw std::runtime_error(path + ":" + std::to_string(at.source().begin.line) + ": " + what);
}

double number(const std::string& path, const toml::table& t, const char* key, double fallback) {
  const toml::node* node = t.get(key);
  if (node == nullptr) return fallback;
  if (auto v = node->value<double>()) return *v;
  fail(path, *node, std::string(key) + ": expected a number");
}

Subject subject_of(const std::string& path, const toml::table& t) {
  Subject s;
  if (const toml::node* gpu = t.get("gpu")) {
    auto v = gpu->value<std::int64_t>();
    if (!v || *v < 0) fail(path, *gpu, "gpu: expected a non-negative integer");
    s.gpu = static_cast<unsigned>(*v);
  }
  if (const toml::node* device = t.get("device")) s.device = device->value_or<std::string>("");
  if (const toml::node* pod = t.get("pod")) s.pod = pod->value_or<std::string>("");
  return s;
}

Cause cause_of(const std::string& path, const toml::table& t, const char* key) {
  const toml::node* node = t.get(key);
  if (node == nullptr) fail(path, t, std::string(key) + ": missing");
  auto name = node->value<std::string>();
  auto cause = name ? cause_from_name(*name) : std::nullopt;
  if (!cause) fail(path, *node, std::string(key) + ": unknown cause '" + name.value_or("") + "'");
  return *cause;
}

template <typename Each>
void each_table(const std::string& path, const toml::table& root, const char* key, Each each) {
  const toml::array* array = root.get_as<toml::array>(key);
  if (array == nullptr) return;
  for (const auto& node : *array) {
    const toml::table* table = node.as_table();
    if (table == nullptr) fail(path, node, std::string("[[") + key + "]] entries must be tables");
    each(*table);
  }
}

}  // namespace

std::string_view cause_name(Cause cause) {
  for (const auto& n : kNames) {
    if (n.cause == cause) return n.name;
  }
  return "none";
}

std::optional<Cause> cause_from_name(std::string_view name) {
  for (const auto& n : kNames) {
    if (n.name == name) return n.cause;
  }
  return std::nullopt;
}

bool is_gpu_cause(Cause cause) {
  switch (cause) {
    case Cause::thermal: case Cause::power_cap: case Cause::hw_slowdown: case Cause::pcie_link_degraded:
    case Cause::nvlink_errors: case Cause::ecc_errors: case Cause::xid: case Cause::gpu_lost:
      return true;
    default:
      return false;
  }
}

const std::vector<Cause>& all_causes() {
  static const std::vector<Cause> causes = [] {
    std::vector<Cause> out;
    for (const auto& n : kNames) out.push_back(n.cause);
    return out;
  }();
  return causes;
}

std::vector<double> oom_kill_times(const Fault& fault, double t) {
  std::vector<double> kills;
  double interval = 30 / std::max(0.05, fault.severity);
  for (int k = 0; fault.from_seconds + k * interval <= std::min(t, fault.to_seconds); ++k) {
    kills.push_back(fault.from_seconds + k * interval);
  }
  return kills;
}

Causes load_causes(const std::string& path) {
  toml::table root = parse_scenario_file(path);
  Causes out;
  each_table(path, root, "fault", [&](const toml::table& t) {
    Fault f;
    f.kind = cause_of(path, t, "kind");
    f.subject = subject_of(path, t);
    f.from_seconds = number(path, t, "from_seconds", 0);
    f.to_seconds = number(path, t, "to_seconds", 1e18);
    f.severity = number(path, t, "severity", 0.5);
    if (f.severity < 0 || f.severity > 1) fail(path, t, "severity: expected 0..1");
    if (f.to_seconds <= f.from_seconds) fail(path, t, "to_seconds: must be after from_seconds");
    if (const toml::node* xid = t.get("xid")) f.xid = static_cast<unsigned long long>(xid->value_or<std::int64_t>(0));
    if (f.kind == Cause::xid && f.xid == 0) fail(path, t, "xid: an xid fault names its code (xid = 79)");
    if (const toml::node* mode = t.get("mode")) f.mode = mode->value_or<std::string>("");
    if (const toml::node* code = t.get("exit_code")) {
      auto value = code->value<std::int64_t>();
      if (!value || *value < 0 || *value > 255) fail(path, *code, "exit_code: expected 0..255");
      f.exit_code = *value;
    }
    if (is_gpu_cause(f.kind) && !f.subject.gpu) fail(path, t, "gpu: a GPU fault names its gpu");
    out.faults.push_back(f);
  });
  each_table(path, root, "label", [&](const toml::table& t) {
    Label l;
    l.cause = cause_of(path, t, "cause");
    l.subject = subject_of(path, t);
    l.from_seconds = number(path, t, "from_seconds", 0);
    l.to_seconds = number(path, t, "to_seconds", 1e18);
    out.labels.push_back(l);
  });
  return out;
}

}  // namespace ainode::twin
