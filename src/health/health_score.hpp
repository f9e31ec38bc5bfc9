#pragma once
// ainode_health_score: a 0-10 summary of how much headroom the node has.
//
//   cpu       = 1 - cpu_utilization                        (0..1)
//   memory    = min(1, memory_available / memory_total / 0.25)
//               (a quarter of memory available counts as full headroom)
//   pressure  = 1 - min(1, worst PSI "some" avg10 ratio over cpu, memory, io / 0.5)
//               (tasks stalled half of the time counts as no headroom)
//   score     = 10 * weighted mean of the components present,
//               weights cpu 0.3, memory 0.4, pressure 0.3
//
// Components whose inputs are absent are left out of the mean (a kernel
// without PSI is not penalised); with no component at all there is no score.
#include <optional>

namespace ainode {

struct HealthInputs {
  std::optional<double> cpu_utilization_ratio;
  std::optional<double> memory_total_bytes;
  std::optional<double> memory_available_bytes;
  std::optional<double> worst_pressure_some_ratio;  // max over resources of avg10 / 100
};

std::optional<double> health_score(const HealthInputs& inputs);

}  // namespace ainode
