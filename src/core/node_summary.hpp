#pragma once
// The node at a glance, derived from one snapshot's families (and the
// previous snapshot for rates). Shown at the top of /v1/status and used for
// ainode_health_score. Every field is optional: absent input, absent field.
#include <optional>
#include <string>
#include <vector>

namespace ainode {

// One degradation signal of a cycle (see health/degradation.hpp).
struct DegradationSignal {
  std::string name;
  double value = 0;
  double threshold = 0;
  bool active = false;
  double weight = 1;
};

struct DegradationReport {
  std::vector<DegradationSignal> signals;  // only those with inputs this cycle
  std::optional<double> score;             // 0 (nothing degrading) .. 1
};

struct NodeSummary {
  std::optional<double> cpu_count;
  std::optional<double> cpu_utilization_ratio;
  std::optional<double> load1, load5, load15;
  std::optional<double> memory_total_bytes, memory_available_bytes, memory_used_bytes;
  std::optional<double> swap_total_bytes, swap_used_bytes;
  std::optional<double> root_filesystem_size_bytes, root_filesystem_avail_bytes;
  std::optional<std::string> primary_interface;
  std::optional<double> primary_receive_bytes_per_second, primary_transmit_bytes_per_second;
  std::optional<double> worst_pressure_some_ratio;
  std::optional<double> health_score;
  std::optional<double> node_power_watts;
  std::optional<std::string> node_power_source;
  DegradationReport degradation;
};

}  // namespace ainode
