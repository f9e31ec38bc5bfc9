#include "twin/workload.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace ainode::twin {

double demand(const Workload& w, double t) {
  double d = 0;
  switch (w.kind) {
    case WorkloadKind::idle: d = 0; break;
    case WorkloadKind::constant: d = w.base; break;
    case WorkloadKind::sine: d = w.base + w.amplitude * std::sin(2 * std::numbers::pi * t / w.period_seconds + w.phase); break;
    case WorkloadKind::step: d = t < w.step_at_seconds ? w.base : w.after; break;
    case WorkloadKind::training: {
      // Each step: forward/backward at `base`, then a communication phase
      // where the GPU mostly waits (a tenth of the compute level).
      double position = std::fmod(t + w.phase * w.period_seconds, w.period_seconds) / w.period_seconds;
      d = position < w.duty ? w.base : 0.1 * w.base;
      break;
    }
  }
  return std::clamp(d, 0.0, 1.0);
}

bool parse_workload_kind(const std::string& name, WorkloadKind& out) {
  if (name == "idle") out = WorkloadKind::idle;
  else if (name == "constant") out = WorkloadKind::constant;
  else if (name == "sine") out = WorkloadKind::sine;
  else if (name == "step") out = WorkloadKind::step;
  else if (name == "training") out = WorkloadKind::training;
  else return false;
  return true;
}

}  // namespace ainode::twin
