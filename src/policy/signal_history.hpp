#pragma once
// The compact per-GPU signal windows the policy conditions read (avg/max
// over `window`), fed one reading per cycle. Only numbers are kept, never
// snapshots: five signals per GPU plus node power, for the longest window
// the loaded profiles ask for.
#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "core/time_window.hpp"
#include "policy/profile.hpp"

namespace ainode {

// One GPU's readings of one cycle, in the conditions' base units.
struct GpuSignals {
  std::optional<double> utilization_ratio, memory_utilization_ratio, memory_used_bytes, temperature_celsius,
      power_watts;
};

class SignalHistory {
 public:
  using Clock = std::chrono::system_clock;

  // Windows older than `keep` are dropped; the engine passes the longest
  // window of the loaded profiles.
  void set_keep(Clock::duration keep);
  void observe_gpu(const std::string& uuid, Clock::time_point now, const GpuSignals& signals);
  void observe_node_power(Clock::time_point now, std::optional<double> watts);
  // GPUs not seen this cycle are forgotten (removed, lost).
  void forget_gpus_except(const std::map<std::string, bool>& present);

  // nullptr when the GPU or node has no reading of that signal.
  const TimeWindow<double>* window(const std::string& uuid, PolicySignal signal) const;

 private:
  Clock::duration keep_ = std::chrono::minutes(5);
  std::map<std::pair<std::string, PolicySignal>, TimeWindow<double>> windows_;
  void push(const std::string& uuid, PolicySignal signal, Clock::time_point now, std::optional<double> value);
};

}  // namespace ainode
