#pragma once
// ainode's own metrics: per-collector health, build identity, and values
// derived across collectors (health score).
#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/metric.hpp"
#include "core/snapshot.hpp"

namespace ainode {

std::vector<const MetricDesc*> self_metric_descriptors();

// The HTTP server's counters, read when the snapshot is built.
struct HttpSelfStats {
  std::uint64_t connections_rejected = 0;
  bool web_config_reload_success = true;
  std::uint64_t tls_handshake_errors = 0;
};

struct SelfMetricInputs {
  const std::vector<CollectorStatus>& collectors;
  std::chrono::system_clock::time_point start_time;
  std::chrono::system_clock::time_point snapshot_time;
  double collect_seconds;
  const NodeSummary& summary;
  std::optional<double> node_energy_joules;
  double node_power_envelope_watts = 0;  // 0 = none configured
  std::optional<HttpSelfStats> http;      // absent when no server runs (tests, tools)
};

void add_self_metrics(const SelfMetricInputs& inputs, MetricSet& out);

}  // namespace ainode
