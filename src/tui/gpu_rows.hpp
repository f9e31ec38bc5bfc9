#pragma once
// Pieces of GPU rows shared by the overview, GPUs, power and AIOps screens:
// the GPU list (with risk when /v1/gpus carries it), short names, throttle
// flags with their severity, the history series of one GPU.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tui/agent_state.hpp"
#include "tui/page.hpp"

namespace ainode::tui {

// /v1/gpus' list when it answered, else /v1/status' (the same objects).
const nlohmann::json& gpu_list(const AgentState& agent);
const nlohmann::json* find_gpu_json(const AgentState& agent, unsigned index);

// "NVIDIA H100 80GB HBM3" -> "H100 80GB HBM3": the vendor is in the column.
std::string short_gpu_name(const std::string& name);

struct Flag {
  std::string text;
  Tone tone = Tone::normal;
};
// Throttle reasons a person must see: thermal and hardware slowdowns are
// bad, a power cap is a warning, idle is only dim. Empty when none.
std::vector<Flag> throttle_flags(const nlohmann::json& gpu);
// True when the GPU is slowed by heat or hardware (what "throttling" means
// to an SRE; a power cap under load is normal operation).
bool throttled_badly(const nlohmann::json& gpu);

// The risk field of issue 14 ({"value","action","reasons"}), when present.
std::optional<Flag> risk_flag(const nlohmann::json& gpu);

// One series of /v1/history for a GPU ("utilization", "power_watts", ...)
// or for the node (gpu absent: "cpu_utilization", "power_watts").
std::vector<std::optional<double>> history_series(const AgentState& agent, std::optional<unsigned> gpu,
                                                  const char* key);

}  // namespace ainode::tui
