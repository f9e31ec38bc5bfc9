#pragma once
// A short in-memory history of one signal: (time, value) points kept for a
// bounded duration. Policies ("avg over 30s"), root-cause analysis (baseline
// vs now) and risk trends keep compact per-GPU values here instead of whole
// snapshots, so a 15-minute window at a 1 s interval costs kilobytes.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <deque>
#include <optional>

namespace ainode {

template <typename Value>
class TimeWindow {
 public:
  using Clock = std::chrono::system_clock;
  struct Point {
    Clock::time_point time;
    Value value;
  };

  explicit TimeWindow(Clock::duration keep = std::chrono::minutes(15), std::size_t max_points = 4096)
      : keep_(keep), max_points_(max_points) {}

  // Points must arrive in time order; an older point than the newest is
  // dropped (a clock step backwards must not corrupt the window).
  void push(Clock::time_point time, Value value) {
    if (!points_.empty() && time < points_.back().time) return;
    points_.push_back({time, std::move(value)});
    while (points_.size() > max_points_ || (points_.size() > 1 && time - points_.front().time > keep_)) {
      points_.pop_front();
    }
  }
  void clear() { points_.clear(); }
  // Moves the newest point forward to `time` (never backwards): lets a run of
  // equal readings be kept as its first and last point.
  void move_newest(Clock::time_point time) {
    if (!points_.empty() && time > points_.back().time) points_.back().time = time;
  }

  bool empty() const { return points_.empty(); }
  std::size_t size() const { return points_.size(); }
  const std::deque<Point>& points() const { return points_; }
  const Point* newest() const { return points_.empty() ? nullptr : &points_.back(); }

  // Time covered by the points at or after `now - span` (0 with fewer than two).
  Clock::duration covered(Clock::time_point now, Clock::duration span) const {
    auto first = first_at_or_after(now - span);
    if (first == points_.end() || points_.empty()) return Clock::duration::zero();
    return points_.back().time - first->time;
  }

  // Visit every point with time >= now - span, oldest first.
  template <typename Visit>
  void for_each_since(Clock::time_point now, Clock::duration span, Visit visit) const {
    for (auto it = first_at_or_after(now - span); it != points_.end(); ++it) visit(*it);
  }

 private:
  typename std::deque<Point>::const_iterator first_at_or_after(Clock::time_point start) const {
    return std::lower_bound(points_.begin(), points_.end(), start,
                            [](const Point& p, Clock::time_point t) { return p.time < t; });
  }

  Clock::duration keep_;
  std::size_t max_points_;
  std::deque<Point> points_;
};

// Plain statistics of a numeric window over the last `span`.
struct WindowStats {
  std::size_t count = 0;
  double mean = 0, min = 0, max = 0;
};

template <typename Value>
std::optional<WindowStats> window_stats(const TimeWindow<Value>& window, typename TimeWindow<Value>::Clock::time_point now,
                                        typename TimeWindow<Value>::Clock::duration span) {
  WindowStats stats;
  double sum = 0;
  window.for_each_since(now, span, [&](const auto& point) {
    double v = static_cast<double>(point.value);
    if (stats.count == 0) stats.min = stats.max = v;
    stats.min = std::min(stats.min, v);
    stats.max = std::max(stats.max, v);
    sum += v;
    ++stats.count;
  });
  if (stats.count == 0) return std::nullopt;
  stats.mean = sum / static_cast<double>(stats.count);
  return stats;
}

}  // namespace ainode
