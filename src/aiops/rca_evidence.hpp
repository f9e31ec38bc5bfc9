#pragma once
// Evidence rules of root-cause analysis: each rule reads one feature of one
// cycle, compares it with its threshold (and, where a healthy level varies by
// node, with that subject's own baseline) and, when it fires, names the cause
// it points at with a weight. Every rule, threshold and weight is listed and
// justified in docs/rca.md; the values live here and nowhere else.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "aiops/rca_features.hpp"

namespace ainode::aiops {

// The cause vocabulary: the twin's (docs/twin.md) plus "unknown".
const std::vector<std::string>& rca_causes();

// What a finding is about: one GPU, one pod, or the node.
struct RcaSubject {
  enum class Kind { node, gpu, pod } kind = Kind::node;
  std::optional<unsigned> gpu;
  std::string uuid, namespace_name, pod;
  std::string key() const;  // "gpu/3", "pod/ns/name", "node"
};

struct Evidence {
  std::string cause;
  RcaSubject subject;
  std::string signal;  // e.g. "gpu.temperature_celsius"
  double value = 0;
  std::optional<double> baseline;
  double threshold = 0;
  std::chrono::system_clock::time_point at;
  double weight = 0;
  // A one-off observation (an XID, an OOM kill, a restart) keeps counting for
  // this long after it was seen; a level (a throttle bit) counts while it lasts.
  double hold_seconds = 0;
  // The baseline the rule compared with: frozen while the evidence lasts, so
  // a fault does not become its own healthy level.
  std::string baseline_key;
};

// The healthy level of a subject's signals, from cycles outside any episode
// of that subject (the engine keeps them; rules only read them).
struct Baselines {
  struct Level {
    double mean = 0, max = 0;
  };
  std::map<std::string, Level> values;  // "gpu/3/temperature" -> its healthy level
  // Per GPU ("gpu/3"): healthy temperature = intercept + slope x lagged power,
  // least squares over its healthy cycles.
  struct ThermalFit {
    double intercept = 0, slope = 0;
  };
  std::map<std::string, ThermalFit> thermal;
  std::optional<double> get(const std::string& key) const;   // mean
  std::optional<double> peak(const std::string& key) const;  // highest healthy reading
};

// A power limit our own policy engine set (policy_action events with result
// "applied"): a cap at this value on this GPU is ours, not an external one.
// ainode_gpu_power_limit_managed = 1 without an event marks the GPU's cap as
// ours at whatever value it has (watts absent).
struct OwnPowerCap {
  std::string profile;
  std::optional<double> watts;
};

struct RuleInputs {
  const CycleFeatures& now;
  const Baselines& baselines;
  const std::map<std::string, OwnPowerCap>& own_caps;            // uuid -> our cap
  const std::map<std::string, double>& last_slowdown_margin;     // uuid -> slowdown threshold - temperature, last seen up
  const std::map<std::string, PodFeatures>& previous_pods;       // the previous cycle's pods
};

std::vector<Evidence> evaluate_rules(const RuleInputs& inputs);

// Baseline keys the rules read, with the value of this cycle, so the engine
// can keep their history (only for subjects outside an episode).
std::vector<std::pair<std::string, double>> baseline_samples(const CycleFeatures& now);

// Memory-error XIDs (NVIDIA's catalogue: 48 DBE, 63/64 remap event/failure,
// 92 excess SBE, 94/95 contained/uncontained): the ECC fault's own XIDs
// when the ECC counters or remap state moved with them.
bool is_memory_xid(unsigned code);

}  // namespace ainode::aiops
