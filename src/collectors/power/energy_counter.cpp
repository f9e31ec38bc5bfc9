#include "collectors/power/energy_counter.hpp"

namespace ainode {

EnergyCounter::Update EnergyCounter::update(std::uint64_t raw, std::uint64_t range, double now) {
  constexpr double kMicro = 1e-6;
  if (!last_raw_) {
    // Start from the register's value so the counter lines up with the
    // hardware's at start-up; only increments are added from here on.
    total_joules_ = static_cast<double>(raw) * kMicro;
    last_raw_ = raw;
    last_time_ = now;
    return {total_joules_, std::nullopt};
  }
  std::uint64_t delta = 0;
  bool valid = true;
  if (raw >= *last_raw_) {
    delta = raw - *last_raw_;
  } else if (range > 0 && *last_raw_ <= range) {
    delta = (range - *last_raw_) + raw;  // wrapped once
  } else {
    valid = false;  // reset without a known range: no increment, no power
  }
  double elapsed = now - last_time_;
  std::optional<double> watts;
  if (valid) {
    total_joules_ += static_cast<double>(delta) * kMicro;
    if (elapsed > 0) watts = static_cast<double>(delta) * kMicro / elapsed;
  }
  last_raw_ = raw;
  last_time_ = now;
  return {total_joules_, watts};
}

}  // namespace ainode
