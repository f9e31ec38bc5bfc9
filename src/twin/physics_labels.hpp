#pragma once
// Ground-truth labels from what the twin's physics actually applied, for
// scenarios whose answer is not obvious from their [[fault]] list alone
// (`[scenario] labels = "physics"`: overlapping throttles, marginal faults).
// A throttle fault (thermal, power_cap, hw_slowdown) applies when the
// simulated GPU reports its reason bit; faults on one GPU whose windows
// overlap make one episode, labelled with the cause the physics applied
// first (ties: the one applied longer); an episode whose faults never bound
// is not labelled. Other faults (counters, events, host causes) always apply
// their symptom and are labelled as declared. Pure: the GPU readings come in
// (src/twin/suite/physics_truth.cpp reads them from the simulated NVML).
#include <map>
#include <vector>

#include "twin/causes.hpp"

namespace ainode::twin {

// One reading of one GPU at scenario time t, as NVML reports it.
struct ThrottleReading {
  double t = 0;
  unsigned long long reasons = 0;  // nvmlClocksEventReasons bits
  double enforced_limit_w = 0, default_limit_w = 0;
  bool lost = false;  // NVML_ERROR_GPU_IS_LOST
};

// Whether `kind`'s own symptom shows in the reading: thermal: SW or HW
// thermal slowdown, or lost (an overheated GPU shuts down); power_cap: SW
// power cap while the enforced limit is below the board's default (at the
// default it is the board's own limit, not a cap); hw_slowdown: HW slowdown
// without HW thermal slowdown, or the power brake.
bool throttle_applied(Cause kind, const ThrottleReading& reading);
bool is_throttle_cause(Cause kind);

// Labels for `causes.faults` given each GPU's readings (by index, in time
// order). A scenario left with no label gets `none` over [0, duration].
std::vector<Label> physics_labels(const Causes& causes, const std::map<unsigned, std::vector<ThrottleReading>>& readings,
                                  double duration_seconds);

}  // namespace ainode::twin
