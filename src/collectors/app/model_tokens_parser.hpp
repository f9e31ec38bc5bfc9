#pragma once
// Token and request counters of model servers, per model, from their own
// /metrics (names from each framework's docs, gathered in
// docs/model-efficiency.md):
//
//   vLLM       vllm:prompt_tokens_total, vllm:generation_tokens_total,
//              vllm:request_success_total                       label model_name
//   SGLang     sglang:prompt_tokens_total, sglang:generation_tokens_total  model_name
//   llama.cpp  llamacpp:prompt_tokens_total, llamacpp:tokens_predicted_total  (no model label)
//   TGI        tgi_request_input_length_sum, tgi_request_generated_tokens_sum
//              (histograms: no counter), tgi_request_success      (no model label)
//   Triton     nv_inference_request_success                     labels model, version
//   TRT-LLM    trtllm_request_success_total                     label model_name
//
// Triton and TensorRT-LLM count no tokens: their token fields stay absent
// (unknown), never zero, so tokens per joule is not reported for them and
// requests per joule is.
#include <optional>
#include <string>
#include <vector>

#include "collectors/app/exposition_parser.hpp"

namespace ainode {

struct ModelCounters {
  std::string server;  // vllm, sglang, llamacpp, tgi, triton, trtllm
  std::string model;   // "" when the server exposes no model label
  std::optional<double> prompt_tokens;      // cumulative, summed over other labels
  std::optional<double> generation_tokens;
  std::optional<double> requests;           // successful requests
};

// One entry per (server, model) found, in the order first seen.
std::vector<ModelCounters> extract_model_counters(const ParsedExposition& exposition);

}  // namespace ainode
