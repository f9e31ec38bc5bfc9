#include "twin/physics_labels.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ainode::twin {

namespace {

// nvml.h's nvmlClocksEventReasons bits (the twin core does not include the ABI).
constexpr unsigned long long kSwPowerCap = 0x4, kHwSlowdown = 0x8, kSwThermal = 0x20, kHwThermal = 0x40,
                             kHwPowerBrake = 0x80;

struct Applied {
  const Fault* fault = nullptr;
  double first = std::numeric_limits<double>::infinity();
  double seconds = 0;
};

Label label_of(Cause cause, const Subject& subject, double from, double to) {
  Label l;
  l.cause = cause;
  l.subject = subject;
  l.from_seconds = from;
  l.to_seconds = to;
  return l;
}

}  // namespace

bool is_throttle_cause(Cause kind) { return kind == Cause::thermal || kind == Cause::power_cap || kind == Cause::hw_slowdown; }

bool throttle_applied(Cause kind, const ThrottleReading& r) {
  switch (kind) {
    case Cause::thermal: return r.lost || (r.reasons & (kSwThermal | kHwThermal)) != 0;
    case Cause::power_cap:
      return !r.lost && (r.reasons & kSwPowerCap) != 0 && r.enforced_limit_w < r.default_limit_w - 0.5;
    case Cause::hw_slowdown:
      return !r.lost && ((r.reasons & kHwPowerBrake) != 0 || ((r.reasons & kHwSlowdown) != 0 && !(r.reasons & kHwThermal)));
    default: return false;
  }
}

std::vector<Label> physics_labels(const Causes& causes, const std::map<unsigned, std::vector<ThrottleReading>>& readings,
                                  double duration_seconds) {
  std::vector<Label> out;
  std::map<unsigned, std::vector<const Fault*>> throttles;  // by GPU
  for (const auto& f : causes.faults) {
    if (is_throttle_cause(f.kind)) throttles[*f.subject.gpu].push_back(&f);
    else out.push_back(label_of(f.kind, f.subject, f.from_seconds, f.to_seconds));
  }
  for (auto& [gpu, faults] : throttles) {
    std::sort(faults.begin(), faults.end(), [](const Fault* a, const Fault* b) { return a->from_seconds < b->from_seconds; });
    auto found = readings.find(gpu);
    static const std::vector<ThrottleReading> none;
    const auto& series = found == readings.end() ? none : found->second;
    // Episodes: faults whose windows overlap, in start order.
    for (std::size_t begin = 0; begin < faults.size();) {
      std::size_t end = begin + 1;
      double to = faults[begin]->to_seconds;
      while (end < faults.size() && faults[end]->from_seconds < to) to = std::max(to, faults[end++]->to_seconds);
      std::vector<Applied> applied;
      for (std::size_t i = begin; i < end; ++i) {
        Applied a;
        a.fault = faults[i];
        for (std::size_t k = 0; k < series.size(); ++k) {
          const auto& r = series[k];
          if (!a.fault->active(r.t) || !throttle_applied(a.fault->kind, r)) continue;
          a.first = std::min(a.first, r.t);
          a.seconds += k + 1 < series.size() ? series[k + 1].t - r.t : 0;
        }
        if (a.seconds > 0 || a.first < std::numeric_limits<double>::infinity()) applied.push_back(a);
      }
      if (!applied.empty()) {
        // Readings come a second apart: within one of each other is a tie.
        auto winner = std::min_element(applied.begin(), applied.end(), [](const Applied& a, const Applied& b) {
          if (std::abs(a.first - b.first) > 1) return a.first < b.first;
          return a.seconds > b.seconds;
        });
        out.push_back(label_of(winner->fault->kind, winner->fault->subject, faults[begin]->from_seconds, to));
      }
      begin = end;
    }
  }
  if (out.empty()) out.push_back(label_of(Cause::none, Subject{}, 0, duration_seconds));
  return out;
}

}  // namespace ainode::twin
