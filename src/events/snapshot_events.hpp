#pragma once
// Events derived from successive snapshots: a reading that changed state
// (a throttle reason turned on, a counter moved, a collector failed) becomes
// one event at the change. Pure over the snapshots it is shown, so it is
// tested on hand-made families without threads or timers.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/snapshot.hpp"
#include "events/event.hpp"

namespace ainode {

class SnapshotEventDeriver {
 public:
  std::vector<EventDraft> derive(const Snapshot& snapshot);

 private:
  void gpu_states(const Snapshot& snapshot, std::vector<EventDraft>& out);
  void gpu_counters(const Snapshot& snapshot, std::vector<EventDraft>& out);
  void collectors(const Snapshot& snapshot, std::vector<EventDraft>& out);
  void node(const Snapshot& snapshot, std::vector<EventDraft>& out);

  std::map<std::string, double> states_;    // 0/1 readings by series key
  std::map<std::string, double> counters_;  // counter readings by series key
  std::map<std::string, bool> collector_failing_;
  std::optional<int> degradation_band_;
  std::uint64_t snapshots_seen_ = 0;
};

// Bands of ainode_degradation_score: 0 ok (< 0.2), 1 degraded (< 0.5), 2 severe.
int degradation_band(double score);
std::string_view degradation_band_name(int band);

}  // namespace ainode
