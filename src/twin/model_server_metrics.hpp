#pragma once
// The twin's model server: vLLM-shaped /metrics for the inference workloads
// of a scenario, whose token counts are the simulated GPUs' delivered work
// (read from the simulated NVML's state_file). Counters keep vLLM's names so
// the agent's later model-server scraping can be tested on them; the
// model_name label says the model is simulated.
#include <optional>
#include <string>
#include <string_view>

namespace ainode::twin {

// Prometheus text for one state_file document; nullopt if it is not one.
// The state file is rewritten once per simulated second (when the agent
// reads NVML), so a counter read from it would move in steps of a second's
// tokens; with `now` (scenario time of the request) each GPU's count is
// carried forward from the file's time at its current rate, as a real
// server's counter grows token by token.
std::optional<std::string> vllm_metrics(std::string_view state_json, std::optional<double> now = std::nullopt);

}  // namespace ainode::twin
