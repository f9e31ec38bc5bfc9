#include "exposition/status_json.hpp"

#include <nlohmann/json.hpp>

#include "ainode/build_info.hpp"

namespace ainode {

namespace {

using nlohmann::json;

double unix_seconds(std::chrono::system_clock::time_point time) {
  return std::chrono::duration<double>(time.time_since_epoch()).count();
}

template <typename T>
json optional_value(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

json degradation_json(const DegradationReport& report) {
  json signals = json::object();
  for (const auto& s : report.signals) {
    signals[s.name] = json{{"active", s.active}, {"value", s.value}, {"threshold", s.threshold}, {"weight", s.weight}};
  }
  return json{{"score", optional_value(report.score)}, {"signals", signals}};
}

json node_json(const NodeSummary& s) {
  return json{
      {"cpu", {{"cores", optional_value(s.cpu_count)}, {"utilization_ratio", optional_value(s.cpu_utilization_ratio)}}},
      {"load", {{"load1", optional_value(s.load1)}, {"load5", optional_value(s.load5)}, {"load15", optional_value(s.load15)}}},
      {"memory",
       {{"total_bytes", optional_value(s.memory_total_bytes)},
        {"available_bytes", optional_value(s.memory_available_bytes)},
        {"used_bytes", optional_value(s.memory_used_bytes)}}},
      {"swap", {{"total_bytes", optional_value(s.swap_total_bytes)}, {"used_bytes", optional_value(s.swap_used_bytes)}}},
      {"root_filesystem",
       {{"size_bytes", optional_value(s.root_filesystem_size_bytes)},
        {"avail_bytes", optional_value(s.root_filesystem_avail_bytes)}}},
      {"primary_interface",
       {{"device", optional_value(s.primary_interface)},
        {"receive_bytes_per_second", optional_value(s.primary_receive_bytes_per_second)},
        {"transmit_bytes_per_second", optional_value(s.primary_transmit_bytes_per_second)}}},
      {"pressure_worst_some_ratio", optional_value(s.worst_pressure_some_ratio)},
      {"health_score", optional_value(s.health_score)},
      {"power", {{"watts", optional_value(s.node_power_watts)}, {"source", optional_value(s.node_power_source)}}},
      {"degradation", degradation_json(s.degradation)},
  };
}

json collector_json(const CollectorStatus& c) {
  json out{
      {"name", c.name},
      {"success", c.success},
      {"timed_out", c.timed_out},
      {"duration_seconds", c.duration_seconds},
      {"errors_total", c.errors_total},
      {"timeouts_total", c.timeouts_total},
      {"last_success_unix", c.last_success ? json(unix_seconds(*c.last_success)) : json(nullptr)},
      {"last_error", c.last_error.empty() ? json(nullptr) : json(c.last_error)},
      {"warnings", c.warnings},
  };
  return out;
}

}  // namespace

std::string render_status_json(const Snapshot& snapshot, std::chrono::system_clock::time_point now,
                               std::chrono::system_clock::time_point start_time) {
  json root{
      {"agent",
       {{"version", build::version},
        {"revision", build::revision},
        {"start_time_unix", unix_seconds(start_time)},
        {"uptime_seconds", std::chrono::duration<double>(now - start_time).count()}}},
      {"snapshot",
       {{"sequence", snapshot.sequence},
        {"taken_at_unix", unix_seconds(snapshot.taken_at)},
        {"age_seconds", std::chrono::duration<double>(now - snapshot.taken_at).count()},
        {"cycle_seconds", snapshot.cycle_seconds}}},
      {"node", node_json(snapshot.summary)},
  };
  json collectors = json::array();
  for (const auto& c : snapshot.collectors) {
    collectors.push_back(collector_json(c));
    // A collector's structured detail (e.g. "gpus") joins the top level so
    // tools find it under a stable name.
    if (c.details && c.details->json().is_object()) {
      for (const auto& [key, value] : c.details->json().items()) root[key] = value;
    }
  }
  root["collectors"] = std::move(collectors);
  return root.dump(2) + "\n";
}

}  // namespace ainode
