#pragma once
// GET /v1/history: the last cycles (120 by default) of the few signals the
// TUI draws as sparklines: per GPU utilization, power, temperature, SM clock
// and memory used, and the node's CPU utilization and power. A fixed ring of
// compact values filled from each published snapshot, so a client opening a
// screen sees two minutes of trend at once instead of waiting for them, and
// the agent keeps kilobytes, not snapshots (issue 15's memory goal).
//
// Shape (oldest first, null for a cycle without that reading):
//   {"interval_seconds": 5, "cycles": N,
//    "series": {"0": {"utilization": [...], "power_watts": [...], ...}},
//    "node": {"cpu_utilization": [...], "power_watts": [...]}}
// utilization and cpu_utilization are ratios (0..1), like the metrics.
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/snapshot.hpp"

namespace ainode {

class CycleHistory {
 public:
  explicit CycleHistory(double interval_seconds, std::size_t capacity = 120);

  // Called from the scheduler's cycle callback.
  void observe(const Snapshot& snapshot);
  // Called from HTTP threads.
  nlohmann::json to_json() const;

 private:
  struct GpuPoint {
    unsigned index = 0;
    std::optional<float> utilization, power_watts, temperature_celsius, sm_clock_hertz, memory_used_bytes;
  };
  struct Cycle {
    std::vector<GpuPoint> gpus;  // ordered by index
    std::optional<float> cpu_utilization, node_power_watts;
  };

  double interval_seconds_;
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<Cycle> cycles_;
};

}  // namespace ainode
