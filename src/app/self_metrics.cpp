#include "app/self_metrics.hpp"

#include "ainode/build_info.hpp"

namespace ainode {

namespace {

const MetricDesc kCollectorDuration{"ainode_collector_duration_seconds", MetricType::gauge, "seconds",
                                    "Duration of the collector's last run (time waited when it timed out).",
                                    {"collector"}};
const MetricDesc kCollectorSuccess{"ainode_collector_success", MetricType::gauge, "",
                                   "1 if the collector's last run succeeded, 0 if it failed or timed out.",
                                   {"collector"}};
const MetricDesc kCollectorErrors{"ainode_collector_errors_total", MetricType::counter, "",
                                  "Failed runs, timeouts and non-fatal warnings of the collector since start.",
                                  {"collector"}};
const MetricDesc kCollectorTimeouts{"ainode_collector_timeouts_total", MetricType::counter, "",
                                    "Runs of the collector still going at the cycle deadline since start.",
                                    {"collector"}};
const MetricDesc kCollectorLastSuccess{"ainode_collector_last_success_timestamp_seconds", MetricType::gauge, "seconds",
                                       "Unix time of the collector's last successful run.", {"collector"}};
const MetricDesc kBuildInfo{"ainode_build_info", MetricType::gauge, "", "ainode build identity; value is always 1.",
                            {"version", "revision"}};
const MetricDesc kStartTime{"ainode_start_time_seconds", MetricType::gauge, "seconds",
                            "Unix time the agent started."};
const MetricDesc kSnapshotTimestamp{"ainode_snapshot_timestamp_seconds", MetricType::gauge, "seconds",
                                    "Unix time the served snapshot's collection started; "
                                    "snapshot age is time() - this."};
const MetricDesc kCollectionDuration{"ainode_collection_duration_seconds", MetricType::gauge, "seconds",
                                     "Wall time of the last full collection cycle."};
const MetricDesc kHealthScore{"ainode_health_score", MetricType::gauge, "",
                              "Node headroom score from 0 (saturated) to 10 (idle), from CPU, memory and pressure; "
                              "see docs/health-score.md."};

const MetricDesc kNodePower{"ainode_node_power_watts", MetricType::gauge, "watts",
                           "Whole-node power from the best source present (bmc, acpi_power_meter, or components = "
                           "CPU packages + GPUs).",
                           {"source"}};
const MetricDesc kNodeEnergy{"ainode_node_energy_joules_total", MetricType::counter, "joules",
                             "Node energy since ainode started, integrated from ainode_node_power_watts."};
const MetricDesc kEnvelope{"ainode_node_power_envelope_watts", MetricType::gauge, "watts",
                           "The configured node power budget (power.node_envelope_watts)."};
const MetricDesc kEnvelopeExceeded{"ainode_node_power_envelope_exceeded", MetricType::gauge, "",
                                   "1 while node power is above power.node_envelope_watts, else 0."};

const MetricDesc kDegradationSignal{"ainode_degradation_signal", MetricType::gauge, "",
                                    "1 while a degradation signal is past its threshold (docs/degradation.md).",
                                    {"signal"}};
const MetricDesc kDegradationValue{"ainode_degradation_signal_value", MetricType::gauge, "",
                                   "The measured value of each degradation signal (units per docs/degradation.md).",
                                   {"signal"}};
const MetricDesc kDegradationScore{"ainode_degradation_score", MetricType::gauge, "",
                                   "Weighted share of degradation signals active, 0 (none) to 1 (all)."};

const MetricDesc kHttpRejected{"ainode_http_connections_rejected_total", MetricType::counter, "",
                               "Connections closed unanswered because web.max_connections were open."};
const MetricDesc kTlsHandshakeErrors{"ainode_http_tls_handshake_errors_total", MetricType::counter, "",
                                     "TLS handshakes that failed or timed out (no or untrusted client certificate, "
                                     "plain HTTP to the TLS port, protocol or cipher mismatch)."};
const MetricDesc kWebConfigReloadSuccess{"ainode_web_config_reload_success", MetricType::gauge, "",
                                         "1 if the last load of --web.config.file succeeded, 0 if it was refused "
                                         "(the previous config stays in force; /v1/status says why)."};

double unix_seconds(std::chrono::system_clock::time_point time) {
  return std::chrono::duration<double>(time.time_since_epoch()).count();
}

}  // namespace

std::vector<const MetricDesc*> self_metric_descriptors() {
  return {&kCollectorDuration, &kCollectorSuccess, &kCollectorErrors,   &kCollectorTimeouts,  &kCollectorLastSuccess,
          &kBuildInfo,         &kStartTime,        &kSnapshotTimestamp, &kCollectionDuration, &kHealthScore,
          &kNodePower,         &kNodeEnergy,       &kEnvelope,          &kEnvelopeExceeded,   &kDegradationSignal,
          &kDegradationValue,  &kDegradationScore, &kHttpRejected,       &kWebConfigReloadSuccess,
          &kTlsHandshakeErrors};
}

void add_self_metrics(const SelfMetricInputs& inputs, MetricSet& out) {
  for (const auto& c : inputs.collectors) out.add(kCollectorDuration, {c.name}, c.duration_seconds);
  for (const auto& c : inputs.collectors) out.add(kCollectorSuccess, {c.name}, c.success ? 1 : 0);
  for (const auto& c : inputs.collectors) out.add(kCollectorErrors, {c.name}, static_cast<double>(c.errors_total));
  for (const auto& c : inputs.collectors) out.add(kCollectorTimeouts, {c.name}, static_cast<double>(c.timeouts_total));
  for (const auto& c : inputs.collectors) {
    if (c.last_success) out.add(kCollectorLastSuccess, {c.name}, unix_seconds(*c.last_success));
  }
  out.add(kBuildInfo, {build::version, build::revision}, 1);
  out.add(kStartTime, unix_seconds(inputs.start_time));
  out.add(kSnapshotTimestamp, unix_seconds(inputs.snapshot_time));
  out.add(kCollectionDuration, inputs.collect_seconds);
  if (inputs.summary.health_score) out.add(kHealthScore, *inputs.summary.health_score);
  const NodeSummary& s = inputs.summary;
  for (const auto& signal : s.degradation.signals) out.add(kDegradationSignal, {signal.name}, signal.active ? 1 : 0);
  for (const auto& signal : s.degradation.signals) out.add(kDegradationValue, {signal.name}, signal.value);
  if (s.degradation.score) out.add(kDegradationScore, *s.degradation.score);
  if (s.node_power_watts && s.node_power_source) out.add(kNodePower, {*s.node_power_source}, *s.node_power_watts);
  if (inputs.node_energy_joules) out.add(kNodeEnergy, *inputs.node_energy_joules);
  if (inputs.node_power_envelope_watts > 0) {
    out.add(kEnvelope, inputs.node_power_envelope_watts);
    if (s.node_power_watts) out.add(kEnvelopeExceeded, *s.node_power_watts > inputs.node_power_envelope_watts ? 1 : 0);
  }
  if (inputs.http) {
    out.add(kHttpRejected, static_cast<double>(inputs.http->connections_rejected));
    out.add(kWebConfigReloadSuccess, inputs.http->web_config_reload_success ? 1 : 0);
    out.add(kTlsHandshakeErrors, static_cast<double>(inputs.http->tls_handshake_errors));
  }
}

}  // namespace ainode
