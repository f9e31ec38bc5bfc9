#include "policy/signal_history.hpp"

namespace ainode {

void SignalHistory::set_keep(Clock::duration keep) { keep_ = keep; }

void SignalHistory::push(const std::string& uuid, PolicySignal signal, Clock::time_point now,
                         std::optional<double> value) {
  auto key = std::make_pair(uuid, signal);
  auto found = windows_.find(key);
  if (!value) {
    // A signal that stops being read must not keep answering from old points.
    if (found != windows_.end()) windows_.erase(found);
    return;
  }
  if (found == windows_.end()) found = windows_.emplace(key, TimeWindow<double>(keep_ + std::chrono::seconds(5))).first;
  found->second.push(now, *value);
}

void SignalHistory::observe_gpu(const std::string& uuid, Clock::time_point now, const GpuSignals& signals) {
  push(uuid, PolicySignal::gpu_utilization, now, signals.utilization_ratio);
  push(uuid, PolicySignal::gpu_memory_utilization, now, signals.memory_utilization_ratio);
  push(uuid, PolicySignal::gpu_memory_used, now, signals.memory_used_bytes);
  push(uuid, PolicySignal::gpu_temperature, now, signals.temperature_celsius);
  push(uuid, PolicySignal::gpu_power, now, signals.power_watts);
}

void SignalHistory::observe_node_power(Clock::time_point now, std::optional<double> watts) {
  push("", PolicySignal::node_power, now, watts);
}

void SignalHistory::forget_gpus_except(const std::map<std::string, bool>& present) {
  for (auto it = windows_.begin(); it != windows_.end();) {
    bool keep = it->first.first.empty() || present.count(it->first.first) != 0;
    it = keep ? std::next(it) : windows_.erase(it);
  }
}

const TimeWindow<double>* SignalHistory::window(const std::string& uuid, PolicySignal signal) const {
  auto found = windows_.find({signal == PolicySignal::node_power ? std::string() : uuid, signal});
  return found == windows_.end() ? nullptr : &found->second;
}

}  // namespace ainode
