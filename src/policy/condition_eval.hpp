#pragma once
// Whether a profile's `when` holds for one GPU now, and the values it was
// decided on (for /v1/policies, the audit record and `ainode policy plan`).
// Pure: the clock, local time and node envelope are parameters.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "policy/profile.hpp"
#include "policy/signal_history.hpp"

namespace ainode {

struct ConditionContext {
  std::chrono::system_clock::time_point now;
  int local_minute = 0;              // minutes after local midnight, for time_of_day
  bool workload_running = false;     // a process or a pod holds the GPU
  std::optional<double> envelope_watts;  // power.node_envelope_watts; absent = not configured
};

struct ConditionResult {
  bool holds = false;
  // {"gpu.utilization avg 30s": 0.21, ...}; null where no value is known.
  nlohmann::json values = nlohmann::json::object();
  std::string reason;  // the first condition that does not hold, or why it cannot be known
};

// Every condition must hold; a condition whose signal has no reading, or
// whose window is not yet covered (90% of it), does not hold: the engine
// never acts on a guess.
ConditionResult evaluate_conditions(const std::vector<ProfileCondition>& when, const SignalHistory& history,
                                    const std::string& uuid, const ConditionContext& context);

// "gpu.utilization avg 30s" — the key of a condition's value.
std::string condition_label(const ProfileCondition& condition);

// The longest window of the conditions (for SignalHistory::set_keep).
std::chrono::milliseconds longest_window(const std::vector<ProfileCondition>& when);

}  // namespace ainode
