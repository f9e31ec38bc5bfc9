#pragma once
// The energy of one GPU (or of the node) as a function of time, so a model
// server's token count, read at its own scrape time, can be matched with
// the energy used up to that same instant (docs/model-efficiency.md).
//
// NVML's energy counter is exact but the GPU collector reads it only every
// gpu.slow_read_interval (30 s by default: the call blocks in the driver),
// while power is read every cycle. So each cycle's estimate is the counter
// at its last change (the cycle it was read in) plus the power integrated
// since (trapezoid), re-anchored at every new counter value. Without a
// counter the estimate is the integrated power alone. The estimate never
// decreases: an overshoot of the integration is held until the counter
// catches up, a counter reset (driver reload) continues from the last value.
#include <chrono>
#include <optional>

#include "core/time_window.hpp"

namespace ainode {

class EnergyTimeline {
 public:
  using Clock = std::chrono::system_clock;
  explicit EnergyTimeline(Clock::duration keep) : estimates_(keep, 1 << 16) {}

  // One cycle's reading at `time`: the counter as last read (joules), the
  // power now (watts); either may be absent. Nothing known: no point.
  void add(Clock::time_point time, std::optional<double> counter_joules, std::optional<double> watts);

  // Energy at `time`, interpolated between the cycles around it, or
  // extrapolated past the newest one by at most the last step's length (a
  // scrape that ended just after the cycle began); nullopt elsewhere.
  std::optional<double> at(Clock::time_point time) const;

 private:
  TimeWindow<double> estimates_;
  std::optional<double> last_counter_;
  double anchor_ = 0;       // the counter at its last change (+ offset)
  double integrated_ = 0;   // joules integrated from power since the anchor
  double offset_ = 0;       // carried over counter resets
  double estimate_ = 0;
  std::optional<double> last_watts_;
  std::optional<Clock::time_point> last_time_;
};

}  // namespace ainode
