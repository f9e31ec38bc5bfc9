#pragma once
// Turns a hardware energy register that wraps (RAPL's energy_uj wraps at
// max_energy_range_uj, every few minutes on a busy server) into a counter
// that only grows, and derives average power between two readings.
#include <cstdint>
#include <optional>

namespace ainode {

class EnergyCounter {
 public:
  struct Update {
    double joules_total;                 // monotonic since the first reading
    std::optional<double> watts;         // average since the previous reading
  };
  // `raw_microjoules` is the register; `range_microjoules` its wrap point
  // (0 when unknown: then a decrease is taken as a reset, not a wrap).
  Update update(std::uint64_t raw_microjoules, std::uint64_t range_microjoules, double seconds_since_epoch_monotonic);

 private:
  std::optional<std::uint64_t> last_raw_;
  double last_time_ = 0;
  double total_joules_ = 0;
};

}  // namespace ainode
