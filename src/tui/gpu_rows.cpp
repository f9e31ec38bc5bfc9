#include "tui/gpu_rows.hpp"

#include <fmt/format.h>

#include "tui/json_read.hpp"

namespace ainode::tui {

namespace {

struct ReasonLabel {
  const char* reason;
  const char* text;
  Tone tone;
};

// The NVML clock event reasons as ainode names them (gpu/gpu_reading.hpp).
constexpr ReasonLabel kReasonLabels[] = {
    {"hw_thermal", "HW-THERMAL", Tone::bad},     {"sw_thermal", "THERMAL", Tone::bad},
    {"hw_slowdown", "HW-SLOWDOWN", Tone::bad},   {"hw_power_brake", "POWER-BRAKE", Tone::bad},
    {"sw_power_cap", "pwr-cap", Tone::warn},     {"applications_clocks_setting", "app-clocks", Tone::dim},
    {"sync_boost", "sync-boost", Tone::dim},     {"display_clock_setting", "display", Tone::dim},
    {"idle", "idle", Tone::dim},
};

}  // namespace

const nlohmann::json& gpu_list(const AgentState& agent) {
  if (agent.gpus.status == EndpointStatus::ok) {
    const auto& list = array_at(agent.gpus.body, {"gpus"});
    if (!list.empty()) return list;
  }
  return array_at(agent.status.body, {"gpus"});
}

const nlohmann::json* find_gpu_json(const AgentState& agent, unsigned index) {
  for (const auto& gpu : gpu_list(agent)) {
    if (number_at(gpu, {"index"}) == static_cast<double>(index)) return &gpu;
  }
  return nullptr;
}

std::string short_gpu_name(const std::string& name) {
  for (std::string_view prefix : {"NVIDIA ", "AMD "}) {
    if (name.starts_with(prefix)) return name.substr(prefix.size());
  }
  return name;
}

std::vector<Flag> throttle_flags(const nlohmann::json& gpu) {
  std::vector<Flag> flags;
  const auto& reasons = array_at(gpu, {"health", "throttle_reasons"});
  for (const auto& label : kReasonLabels) {
    for (const auto& reason : reasons) {
      if (reason.is_string() && reason.get<std::string>() == label.reason) flags.push_back({label.text, label.tone});
    }
  }
  if (flag_at(gpu, {"up"}) == false) flags.insert(flags.begin(), Flag{"LOST", Tone::bad});
  return flags;
}

bool throttled_badly(const nlohmann::json& gpu) {
  for (const auto& flag : throttle_flags(gpu)) {
    if (flag.tone == Tone::bad) return true;
  }
  return false;
}

std::optional<Flag> risk_flag(const nlohmann::json& gpu) {
  auto value = number_at(gpu, {"risk", "value"});
  if (!value) return std::nullopt;
  std::string action = text_at(gpu, {"risk", "action"}, "none");
  Tone tone = action == "none" ? Tone::good : action == "watch" ? Tone::warn : Tone::bad;
  return Flag{fmt::format("{:.2f} {}", *value, action), tone};
}

std::vector<std::optional<double>> history_series(const AgentState& agent, std::optional<unsigned> gpu,
                                                  const char* key) {
  std::vector<std::optional<double>> out;
  if (agent.history.status != EndpointStatus::ok) return out;
  const auto& series = gpu ? array_at(agent.history.body, {"series", std::to_string(*gpu), key})
                           : array_at(agent.history.body, {"node", key});
  out.reserve(series.size());
  for (const auto& point : series) {
    out.push_back(point.is_number() ? std::optional<double>(point.get<double>()) : std::nullopt);
  }
  return out;
}

}  // namespace ainode::tui
