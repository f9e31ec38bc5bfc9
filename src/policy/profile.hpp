#pragma once
// An EfficiencyProfile (apiVersion ainode.io/v1) as plain data: what the
// parser produces from a YAML document and what validation, and later the
// evaluation engine, read. No YAML types leak past the parser. The file
// format is the user-facing contract, documented in docs/policies.md.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ainode {

enum class PolicyMode { off, dry_run, enforce };

// Which GPUs a profile applies to. Every criterion that is set must hold
// (they narrow each other); an unset criterion does not narrow.
struct ProfileSelector {
  bool all_gpus = true;              // `gpus: all`, or gpus absent
  std::vector<unsigned> gpu_indices;  // `gpus: [0, 1]`
  std::vector<std::string> gpu_uuids;  // `gpus: [GPU-…]` (entries starting "GPU-" or "MIG-")
  std::string model;                 // glob ("H100*"), fnmatch(3) syntax; empty = any
  std::optional<bool> mig;           // MIG enabled or not; absent = either
  std::string namespace_name;        // Kubernetes namespace of the workload; empty = any
  std::map<std::string, std::string> pod_labels;  // all must match
  bool node = false;                 // node-level profile (power_budget)
};

enum class PolicySignal {
  gpu_utilization,         // ratio 0..1
  gpu_memory_utilization,  // ratio 0..1
  gpu_memory_used,         // bytes
  gpu_temperature,         // celsius
  gpu_power,               // watts
  node_power,              // watts, or the configured node envelope
  time_of_day,             // local time range
  no_workload,             // no process on the GPU
};

// A threshold: a number in the signal's base unit (ratio, bytes, celsius,
// watts), or for node.power the configured node envelope.
struct Threshold {
  double value = 0;
  bool envelope = false;  // `envelope`: power.node_envelope_watts at evaluation time
};

struct TimeOfDayRange {
  int start_minute = 0;  // minutes after local midnight, 0..1439
  int end_minute = 0;    // exclusive; end < start wraps past midnight ("22:00-06:00")
};

struct ProfileCondition {
  PolicySignal signal = PolicySignal::gpu_utilization;
  std::optional<std::chrono::milliseconds> window;  // required with avg_*/max_*
  // Windowed comparisons (over `window`).
  std::optional<Threshold> avg_below, avg_above, max_below, max_above;
  // Instantaneous comparisons (the latest reading).
  std::optional<Threshold> below, above;
  std::optional<TimeOfDayRange> between;  // time_of_day
  bool equals = true;                     // no_workload: true = no workload, false = a workload
  int line = 0;                           // the list item, 1-based
};

struct ClockRange {
  unsigned min_mhz = 0;
  unsigned max_mhz = 0;
};

struct ApplicationClocks {
  unsigned memory_mhz = 0;
  unsigned graphics_mhz = 0;
};

// `power_limit: 250W` or `power_limit: 60%` (of the GPU's default limit).
struct PowerLimit {
  std::optional<double> watts;
  std::optional<double> percent_of_default;  // 0 < p <= 100
};

// Node level: share one envelope across the selected GPUs by demand.
struct PowerBudget {
  std::optional<double> envelope_watts;  // absent = `envelope` (power.node_envelope_watts)
  double min_watts_per_gpu = 0;          // no GPU is given less than this
};

struct ProfileActions {
  std::optional<PowerLimit> power_limit;
  std::optional<ClockRange> locked_clocks;
  std::optional<ClockRange> memory_locked_clocks;
  std::optional<ApplicationClocks> application_clocks;
  std::optional<PowerBudget> power_budget;
};

struct EfficiencyProfile {
  std::string name;  // metadata.name, a DNS-1123 label
  std::map<std::string, std::string> labels;       // metadata.labels
  std::map<std::string, std::string> annotations;  // metadata.annotations
  PolicyMode mode = PolicyMode::dry_run;
  std::int64_t priority = 0;  // higher wins where profiles overlap
  ProfileSelector selector;
  std::vector<ProfileCondition> when;  // all must hold; empty = always
  std::chrono::milliseconds hold_for = std::chrono::seconds(60);   // spec.for
  std::chrono::milliseconds cooldown = std::chrono::seconds(120);  // spec.cooldown
  unsigned max_changes_per_hour = 6;
  std::optional<double> step_watts;   // largest power-limit change in one step
  std::optional<double> floor_watts;  // never below this while a workload runs
  ProfileActions then;

  // Where it came from, so that checks made later (duplicates, conflicts,
  // device limits) name the file, the line and the key.
  std::string file;
  int line = 0;                       // the document's first line
  std::map<std::string, int> key_lines;  // "spec.then.power_limit" -> 1-based line

  int line_of(const std::string& key) const {
    auto found = key_lines.find(key);
    return found == key_lines.end() ? line : found->second;
  }
};

std::string_view to_string(PolicyMode mode);
std::string_view to_string(PolicySignal signal);

// One problem in a profile file: printed as "FILE:LINE: KEY: message".
struct ProfileError {
  std::string file;
  int line = 0;     // 1-based; 0 = the file as a whole
  std::string key;  // "spec.then.power_limit"; empty = the document
  std::string message;
};

std::string format_profile_error(const ProfileError& error);

}  // namespace ainode
