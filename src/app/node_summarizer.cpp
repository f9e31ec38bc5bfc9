#include "app/node_summarizer.hpp"

#include <algorithm>

#include "app/family_lookup.hpp"
#include "health/health_score.hpp"

namespace ainode {

namespace {

std::optional<double> worst_pressure(std::span<const Family> families) {
  std::optional<double> worst;
  for (std::string_view resource : {"cpu", "memory", "io"}) {
    auto value = find_value(families, "ainode_pressure_stall_ratio",
                            {{"resource", resource}, {"kind", "some"}, {"window", "10s"}});
    if (value) worst = std::max(worst.value_or(0.0), *value);
  }
  return worst;
}

// The default-route interface, or else the non-loopback interface that has
// received the most bytes.
std::optional<std::string> primary_interface(std::span<const Family> families) {
  if (auto device = find_label(families, "ainode_network_default_route_info", "device")) return std::string(*device);
  const Family* received = find_family(families, "ainode_network_receive_bytes_total");
  if (received == nullptr) return std::nullopt;
  const Sample* best = nullptr;
  for (const auto& sample : received->samples) {
    if (sample.label_values[0] == "lo") continue;
    if (best == nullptr || sample.value > best->value) best = &sample;
  }
  if (best == nullptr) return std::nullopt;
  return std::string(best->label_values[0]);
}

}  // namespace

NodeSummary NodeSummarizer::summarize(std::span<const Family> families, std::chrono::steady_clock::time_point now) {
  NodeSummary s;
  s.cpu_count = find_value(families, "ainode_cpus_online");
  s.cpu_utilization_ratio = find_value(families, "ainode_cpu_utilization_ratio");
  s.load1 = find_value(families, "ainode_load1");
  s.load5 = find_value(families, "ainode_load5");
  s.load15 = find_value(families, "ainode_load15");
  s.memory_total_bytes = find_value(families, "ainode_memory_total_bytes");
  s.memory_available_bytes = find_value(families, "ainode_memory_available_bytes");
  s.memory_used_bytes = find_value(families, "ainode_memory_used_bytes");
  s.swap_total_bytes = find_value(families, "ainode_swap_total_bytes");
  s.swap_used_bytes = find_value(families, "ainode_swap_used_bytes");
  s.root_filesystem_size_bytes = find_value(families, "ainode_filesystem_size_bytes", {{"mountpoint", "/"}});
  s.root_filesystem_avail_bytes = find_value(families, "ainode_filesystem_avail_bytes", {{"mountpoint", "/"}});
  s.worst_pressure_some_ratio = worst_pressure(families);

  s.primary_interface = primary_interface(families);
  if (s.primary_interface) {
    const std::string& device = *s.primary_interface;
    auto received = find_value(families, "ainode_network_receive_bytes_total", {{"device", device}});
    auto transmitted = find_value(families, "ainode_network_transmit_bytes_total", {{"device", device}});
    if (received && transmitted) {
      if (previous_ && previous_->device == device) {
        double seconds = std::chrono::duration<double>(now - previous_->at).count();
        // A counter that went backwards (interface reset) gives no rate this cycle.
        if (seconds > 0 && *received >= previous_->receive_bytes && *transmitted >= previous_->transmit_bytes) {
          s.primary_receive_bytes_per_second = (*received - previous_->receive_bytes) / seconds;
          s.primary_transmit_bytes_per_second = (*transmitted - previous_->transmit_bytes) / seconds;
        }
      }
      previous_ = NicCounters{device, *received, *transmitted, now};
    }
  }

  s.health_score = health_score(HealthInputs{s.cpu_utilization_ratio, s.memory_total_bytes, s.memory_available_bytes,
                                             s.worst_pressure_some_ratio});
  return s;
}

}  // namespace ainode
