#pragma once
// Sharing one node power envelope across GPUs by demand (spec.then.
// power_budget): every GPU gets at least its floor, and what is left goes
// to the GPUs in proportion to their demand, none above its maximum, so the
// busy GPUs keep the most while the sum stays inside the envelope. Pure.
#include <string>
#include <vector>

namespace ainode {

struct BudgetGpu {
  std::string uuid;
  double demand = 0;     // >= 0; the GPU's recent utilization (0..1)
  double min_watts = 0;  // its NVML minimum, or the profile's min_watts_per_gpu / floor when higher
  double max_watts = 0;  // its NVML maximum (the default limit is the usual ceiling)
};

struct BudgetShare {
  std::string uuid;
  double watts = 0;
};

// Water-filling: floors first, then the rest by demand, capped at each
// GPU's maximum with the excess handed on to the others. When the envelope
// is below the sum of the floors every GPU gets its floor (the validation
// refuses such a profile; the floors are the device's own limits).
// A GPU with no demand still gets a small share (a tenth of the weight of
// a fully busy one), so a job starting on it is not starved for a cycle.
std::vector<BudgetShare> distribute_power_budget(double envelope_watts, const std::vector<BudgetGpu>& gpus);

}  // namespace ainode
