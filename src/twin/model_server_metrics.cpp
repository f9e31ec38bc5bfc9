#include "twin/model_server_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

namespace ainode::twin {

std::optional<std::string> vllm_metrics(std::string_view state_json, std::optional<double> now) {
  nlohmann::json state = nlohmann::json::parse(state_json, nullptr, false);
  if (state.is_discarded() || !state.contains("gpus") || !state["gpus"].is_array()) return std::nullopt;
  double tokens = 0, rate = 0;
  bool any = false;
  // Carried forward a second at most: a stale file (the agent stopped) is not extrapolated.
  double ahead = now ? std::clamp(*now - state.value("time", *now), 0.0, 1.0) : 0.0;
  for (const auto& gpu : state["gpus"]) {
    if (gpu.value("progress_unit", "") != "tokens") continue;  // training GPUs serve no tokens
    any = true;
    tokens += gpu.value("progress_total", 0.0) + ahead * gpu.value("progress_per_second", 0.0);
    rate += gpu.value("progress_per_second", 0.0);
  }
  std::string out;
  if (!any) return out;
  // The twin models work, not requests: each request is taken to generate
  // kTokensPerRequest tokens and to finish by length, so requests per joule
  // has a figure that follows the tokens.
  constexpr double kTokensPerRequest = 256;
  char text[1024];
  std::snprintf(text, sizeof text,
                "# HELP vllm:generation_tokens_total Number of generation tokens processed.\n"
                "# TYPE vllm:generation_tokens_total counter\n"
                "vllm:generation_tokens_total{model_name=\"sim-model\"} %.0f\n"
                "# HELP vllm:avg_generation_throughput_toks_per_s Average generation throughput in tokens/s.\n"
                "# TYPE vllm:avg_generation_throughput_toks_per_s gauge\n"
                "vllm:avg_generation_throughput_toks_per_s{model_name=\"sim-model\"} %.1f\n"
                "# HELP vllm:request_success_total Count of successfully processed requests.\n"
                "# TYPE vllm:request_success_total counter\n"
                "vllm:request_success_total{finished_reason=\"length\",model_name=\"sim-model\"} %.0f\n",
                tokens, rate, std::floor(tokens / kTokensPerRequest));
  return out + text;
}

}  // namespace ainode::twin
