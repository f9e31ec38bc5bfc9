#include "collectors/gpu/gpu_status.hpp"

#include <algorithm>

namespace ainode {

namespace {

using nlohmann::json;

template <typename T>
json value_or_null(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

json throttle_reasons(const GpuReading& g) {
  json active = json::array();
  if (g.clock_event_reasons) {
    for (const auto& reason : kThrottleReasons) {
      if (*g.clock_event_reasons & reason.bit) active.push_back(reason.name);
    }
  }
  return active;
}

json owner_json(const PodOwner& owner) {
  if (owner.pod.empty()) return nullptr;
  return {{"namespace", owner.namespace_name}, {"pod", owner.pod}, {"container", owner.container}};
}

json mig_tree(const GpuReading& g) {
  // GPU instance -> compute instances, as nvidia-smi shows the hierarchy.
  std::map<unsigned, json> instances;
  for (const auto& m : g.mig_devices) {
    json& gi = instances[m.gpu_instance];
    if (gi.is_null()) {
      gi = json{{"gpu_instance", m.gpu_instance},
                {"profile", m.profile},
                {"profile_id", value_or_null(m.gpu_instance_profile_id)},
                {"placement", {{"start", value_or_null(m.placement_start)}, {"size", value_or_null(m.placement_size)}}},
                {"slices", value_or_null(m.gpu_instance_slices)},
                {"compute_instances", json::array()}};
    }
    gi["compute_instances"].push_back(json{{"compute_instance", m.compute_instance},
                                           {"profile_id", value_or_null(m.compute_instance_profile_id)},
                                           {"mig_uuid", m.uuid},
                                           {"kubernetes", owner_json(m.owner)},
                                           {"sm_count", value_or_null(m.sm_count)},
                                           {"slices", value_or_null(m.compute_instance_slices)},
                                           {"memory_total_bytes", value_or_null(m.memory_total_bytes)},
                                           {"memory_used_bytes", value_or_null(m.memory_used_bytes)}});
  }
  json out = json::array();
  for (auto& [id, gi] : instances) out.push_back(std::move(gi));
  return out;
}

}  // namespace

json gpu_status_json(const std::vector<GpuReading>& gpus, const GpuEventLog::Counts& events) {
  json list = json::array();
  for (const auto& g : gpus) {
    json ecc = json::object();
    for (const auto& [key, value] : g.ecc_errors) ecc[key.first + "_" + key.second] = value;
    json last_xid = nullptr;
    if (auto found = events.last_xid.find(g.uuid); found != events.last_xid.end()) {
      last_xid = json{{"xid", found->second.data},
                      {"time_unix", std::chrono::duration<double>(found->second.time.time_since_epoch()).count()}};
    }
    json links = json::array();
    for (const auto& link : g.nvlinks) links.push_back(json{{"link", link.link}, {"up", link.up}, {"errors", link.errors}});
    json processes = json::array();
    for (const auto& p : g.processes) {
      processes.push_back(json{{"pid", p.pid},
                               {"name", p.name},
                               {"type", p.type},
                               {"memory_bytes", value_or_null(p.memory_bytes)},
                               {"sm_utilization_ratio", value_or_null(p.sm_utilization_ratio)},
                               {"gpu_instance", value_or_null(p.gpu_instance)},
                               {"compute_instance", value_or_null(p.compute_instance)},
                               {"namespace", p.namespace_name},
                               {"pod", p.pod},
                               {"container", p.container}});
    }
    list.push_back(json{
        {"index", g.index},
        {"uuid", g.uuid},
        {"vendor", g.vendor},
        {"up", g.up},
        {"name", g.name},
        {"pci_bus_id", g.pci_bus_id},
        {"kubernetes", owner_json(g.owner)},
        {"serial", g.serial},
        {"vbios", g.vbios},
        {"numa_node", value_or_null(g.numa_node)},
        {"utilization_ratio", value_or_null(g.utilization_ratio)},
        {"memory", {{"total_bytes", value_or_null(g.memory_total_bytes)}, {"used_bytes", value_or_null(g.memory_used_bytes)}}},
        {"temperature_celsius", value_or_null(g.temperature_celsius)},
        {"power_watts", value_or_null(g.power_watts)},
        {"power_limits_watts", g.power_limits_watts},
        {"clocks_hertz", g.clocks_hertz},
        {"health",
         {{"pstate", value_or_null(g.pstate)},
          {"throttle_reasons", throttle_reasons(g)},
          {"ecc_enabled", value_or_null(g.ecc_enabled)},
          {"ecc_errors", ecc},
          {"retired_pages", g.retired_pages},
          {"remapped_rows_pending", value_or_null(g.remapped_rows_pending)},
          {"remapped_rows_failure", value_or_null(g.remapped_rows_failure)},
          {"row_remap_bank_availability",
           g.row_remap_bank_availability.empty() ? json(nullptr) : json(g.row_remap_bank_availability)},
          {"persistence_mode", value_or_null(g.persistence_mode)},
          {"last_xid", last_xid}}},
        {"pcie",
         {{"generation", value_or_null(g.pcie_generation)},
          {"generation_max", value_or_null(g.pcie_generation_max)},
          {"width", value_or_null(g.pcie_width)},
          {"width_max", value_or_null(g.pcie_width_max)},
          {"replays", value_or_null(g.pcie_replays)}}},
        {"nvlinks", links},
        {"nvlink_data_bytes",
         {{"tx", value_or_null(g.nvlink_transmit_bytes)}, {"rx", value_or_null(g.nvlink_receive_bytes)}}},
        {"mig", {{"enabled", value_or_null(g.mig_enabled)}, {"pending", value_or_null(g.mig_enabled_pending)}, {"instances", mig_tree(g)}}},
        {"processes", processes},
    });
  }
  json recent = json::array();
  for (const auto& e : events.recent) {
    recent.push_back(json{{"time_unix", std::chrono::duration<double>(e.time.time_since_epoch()).count()},
                          {"uuid", e.uuid},
                          {"type", e.type},
                          {"data", e.data}});
  }
  return json{{"gpus", list}, {"gpu_events", recent}};
}

nlohmann::json costliest_calls_json(const std::map<std::string, NvmlCallCost, std::less<>>& costs,
                                    std::size_t limit) {
  std::vector<std::pair<std::string_view, const NvmlCallCost*>> ranked;
  for (const auto& [call, cost] : costs) ranked.emplace_back(call, &cost);
  std::sort(ranked.begin(), ranked.end(),
            [](const auto& a, const auto& b) { return a.second->total_seconds > b.second->total_seconds; });
  if (ranked.size() > limit) ranked.resize(limit);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [call, cost] : ranked) {
    out.push_back({{"call", call},
                   {"calls", cost->calls},
                   {"mean_seconds", cost->total_seconds / static_cast<double>(cost->calls)},
                   {"max_seconds", cost->max_seconds}});
  }
  return out;
}

}  // namespace ainode
