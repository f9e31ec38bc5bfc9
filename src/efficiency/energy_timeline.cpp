#include "efficiency/energy_timeline.hpp"

#include <algorithm>

namespace ainode {

void EnergyTimeline::add(Clock::time_point time, std::optional<double> counter, std::optional<double> watts) {
  if (last_time_ && time <= *last_time_) return;
  if (!counter && !watts) return;
  if (last_time_ && (watts || last_watts_)) {
    double seconds = std::chrono::duration<double>(time - *last_time_).count();
    double before = last_watts_.value_or(*watts), now = watts.value_or(*last_watts_);
    integrated_ += (before + now) / 2 * seconds;
  }
  if (counter && counter != last_counter_) {
    // A counter that goes down (driver reload) or first appears after
    // integration alone continues from the estimate so far, without a jump.
    bool continue_from_estimate = last_counter_ ? *counter < *last_counter_ : last_time_.has_value();
    if (continue_from_estimate) offset_ = anchor_ + integrated_ - *counter;
    anchor_ = *counter + offset_;
    integrated_ = 0;
    last_counter_ = counter;
  }
  bool first = !last_time_;
  double raw = anchor_ + integrated_;
  estimate_ = first ? raw : std::max(estimate_, raw);
  last_time_ = time;
  last_watts_ = watts;
  estimates_.push(time, estimate_);
}

std::optional<double> EnergyTimeline::at(Clock::time_point time) const {
  const auto& points = estimates_.points();
  if (points.empty() || time < points.front().time) return std::nullopt;
  auto interpolate = [time](const auto& before, const auto& after) {
    double span = std::chrono::duration<double>(after.time - before.time).count();
    double part = std::chrono::duration<double>(time - before.time).count() / span;
    return before.value + (after.value - before.value) * part;
  };
  if (time > points.back().time) {
    if (points.size() < 2) return std::nullopt;
    const auto& last = points.back();
    const auto& previous = points[points.size() - 2];
    if (time - last.time > last.time - previous.time) return std::nullopt;
    return interpolate(previous, last);
  }
  auto after = std::lower_bound(points.begin(), points.end(), time,
                                [](const auto& p, Clock::time_point t) { return p.time < t; });
  if (after->time == time || after == points.begin()) return after->value;
  return interpolate(*std::prev(after), *after);
}

}  // namespace ainode
