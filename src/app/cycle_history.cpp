#include "app/cycle_history.hpp"

#include <cstdlib>
#include <set>

#include <fmt/format.h>
#include <string>

#include "gpu/gpu_view.hpp"

namespace ainode {

namespace {

// Floats halve the ring's size; seven significant digits are more than a
// sparkline of a watt or a hertz reading can show.
std::optional<float> compact(const std::optional<double>& value) {
  if (!value) return std::nullopt;
  return static_cast<float>(*value);
}

// Back to the shortest double that reads as the float, so 0.3 is served as
// 0.3 and not as 0.30000001192092896.
nlohmann::json value_or_null(const std::optional<float>& value) {
  if (!value) return nullptr;
  return std::strtod(fmt::format("{}", *value).c_str(), nullptr);
}

}  // namespace

CycleHistory::CycleHistory(double interval_seconds, std::size_t capacity)
    : interval_seconds_(interval_seconds), capacity_(capacity == 0 ? 1 : capacity) {}

void CycleHistory::observe(const Snapshot& snapshot) {
  Cycle cycle;
  for (const auto& view : gpu_views(snapshot)) {
    const GpuReading& reading = view.reading;
    GpuPoint point;
    point.index = reading.index;
    point.utilization = compact(reading.utilization_ratio);
    point.power_watts = compact(reading.power_watts);
    point.temperature_celsius = compact(reading.temperature_celsius);
    if (auto sm = reading.clocks_hertz.find("sm"); sm != reading.clocks_hertz.end()) {
      point.sm_clock_hertz = static_cast<float>(sm->second);
    }
    point.memory_used_bytes = compact(reading.memory_used_bytes);
    cycle.gpus.push_back(point);
  }
  cycle.cpu_utilization = compact(snapshot.summary.cpu_utilization_ratio);
  cycle.node_power_watts = compact(snapshot.summary.node_power_watts);
  std::lock_guard lock(mutex_);
  cycles_.push_back(std::move(cycle));
  while (cycles_.size() > capacity_) cycles_.pop_front();
}

nlohmann::json CycleHistory::to_json() const {
  std::lock_guard lock(mutex_);
  // Every GPU seen in the window gets a full-length series: a GPU that
  // appeared (or fell off the bus) mid-window has nulls where it was absent,
  // so index i of every array is the same cycle.
  std::set<unsigned> indices;
  for (const auto& cycle : cycles_) {
    for (const auto& gpu : cycle.gpus) indices.insert(gpu.index);
  }
  nlohmann::json series = nlohmann::json::object();
  for (unsigned index : indices) {
    nlohmann::json utilization = nlohmann::json::array(), power = nlohmann::json::array(),
                   temperature = nlohmann::json::array(), sm_clock = nlohmann::json::array(),
                   memory = nlohmann::json::array();
    for (const auto& cycle : cycles_) {
      const GpuPoint* found = nullptr;
      for (const auto& gpu : cycle.gpus) {
        if (gpu.index == index) found = &gpu;
      }
      GpuPoint none;
      const GpuPoint& point = found ? *found : none;
      utilization.push_back(value_or_null(point.utilization));
      power.push_back(value_or_null(point.power_watts));
      temperature.push_back(value_or_null(point.temperature_celsius));
      sm_clock.push_back(value_or_null(point.sm_clock_hertz));
      memory.push_back(value_or_null(point.memory_used_bytes));
    }
    series[std::to_string(index)] = {{"utilization", std::move(utilization)},
                                     {"power_watts", std::move(power)},
                                     {"temperature_celsius", std::move(temperature)},
                                     {"sm_clock_hertz", std::move(sm_clock)},
                                     {"memory_used_bytes", std::move(memory)}};
  }
  nlohmann::json cpu = nlohmann::json::array(), node_power = nlohmann::json::array();
  for (const auto& cycle : cycles_) {
    cpu.push_back(value_or_null(cycle.cpu_utilization));
    node_power.push_back(value_or_null(cycle.node_power_watts));
  }
  return nlohmann::json{{"interval_seconds", interval_seconds_},
                        {"cycles", cycles_.size()},
                        {"series", std::move(series)},
                        {"node", {{"cpu_utilization", std::move(cpu)}, {"power_watts", std::move(node_power)}}}};
}

}  // namespace ainode
