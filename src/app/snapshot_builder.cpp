#include "app/snapshot_builder.hpp"

#include "app/self_metrics.hpp"
#include "exposition/prometheus_text.hpp"

namespace ainode {

std::shared_ptr<const Snapshot> SnapshotBuilder::build(CycleResult&& cycle) {
  auto started = std::chrono::steady_clock::now();
  auto snapshot = std::make_shared<Snapshot>();
  snapshot->sequence = cycle.sequence;
  snapshot->taken_at = cycle.started_at;
  snapshot->families = std::move(cycle.families);
  snapshot->collectors = std::move(cycle.collectors);
  snapshot->summary = summarizer_.summarize(snapshot->families, started);

  snapshot->summary.degradation = degradation_.evaluate(snapshot->families, started);
  std::optional<double> node_energy;
  if (auto power = node_power(snapshot->families)) {
    snapshot->summary.node_power_watts = power->watts;
    snapshot->summary.node_power_source = power->source;
    node_energy = node_energy_.add(power->watts, started);
  }

  std::optional<HttpSelfStats> http;
  if (http_server_) {
    auto stats = http_server_->stats();
    http = HttpSelfStats{stats.connections_rejected, http_server_->web_config_status().reload_success,
                         stats.tls_handshake_errors};
  }
  MetricSet self;
  add_self_metrics(SelfMetricInputs{snapshot->collectors, start_time_, snapshot->taken_at, cycle.collect_seconds,
                                    snapshot->summary, node_energy, node_power_envelope_watts_.load(), http},
                   self);
  for (const auto& contribute : contributors_) contribute(self);
  for (auto& family : self.families()) snapshot->families.push_back(std::move(family));

  // The snapshot owns both the families and the bodies that render them.
  const std::vector<Family>* families = &snapshot->families;
  snapshot->prometheus_text = std::make_unique<RenderedBody>(
      [families] { return render_exposition(*families, ExpositionFormat::prometheus_text); });
  snapshot->openmetrics_text =
      std::make_unique<RenderedBody>([families] { return render_exposition(*families, ExpositionFormat::openmetrics); });
  snapshot->cycle_seconds =
      cycle.collect_seconds + std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return snapshot;
}

}  // namespace ainode
