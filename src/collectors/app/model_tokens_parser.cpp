#include "collectors/app/model_tokens_parser.hpp"

#include <cmath>

namespace ainode {

namespace {

enum class Field { prompt, generation, requests };

struct Known {
  std::string_view sample;
  std::string_view server;
  std::string_view model_label;  // "" = none
  Field field;
};

// Exact sample names; TGI's Rust exporter writes counters without _total,
// so both spellings are listed where a framework's versions differ.
constexpr Known kKnown[] = {
    {"vllm:prompt_tokens_total", "vllm", "model_name", Field::prompt},
    {"vllm:generation_tokens_total", "vllm", "model_name", Field::generation},
    {"vllm:request_success_total", "vllm", "model_name", Field::requests},
    {"sglang:prompt_tokens_total", "sglang", "model_name", Field::prompt},
    {"sglang:generation_tokens_total", "sglang", "model_name", Field::generation},
    {"llamacpp:prompt_tokens_total", "llamacpp", "", Field::prompt},
    {"llamacpp:tokens_predicted_total", "llamacpp", "", Field::generation},
    {"tgi_request_input_length_sum", "tgi", "", Field::prompt},
    {"tgi_request_generated_tokens_sum", "tgi", "", Field::generation},
    {"tgi_request_success", "tgi", "", Field::requests},
    {"tgi_request_success_total", "tgi", "", Field::requests},
    {"nv_inference_request_success", "triton", "model", Field::requests},
    {"trtllm_request_success_total", "trtllm", "model_name", Field::requests},
};

}  // namespace

std::vector<ModelCounters> extract_model_counters(const ParsedExposition& exposition) {
  std::vector<ModelCounters> out;
  for (const auto& sample : exposition.samples) {
    for (const auto& known : kKnown) {
      if (sample.name != known.sample) continue;
      if (!std::isfinite(sample.value) || sample.value < 0) break;  // not a counter value
      std::string model;
      if (!known.model_label.empty()) {
        const std::string* label = sample.label(known.model_label);
        if (label == nullptr) break;
        model = *label;
      }
      ModelCounters* entry = nullptr;
      for (auto& existing : out) {
        if (existing.server == known.server && existing.model == model) entry = &existing;
      }
      if (entry == nullptr) {
        out.push_back(ModelCounters{std::string(known.server), model, {}, {}, {}});
        entry = &out.back();
      }
      auto& field = known.field == Field::prompt       ? entry->prompt_tokens
                    : known.field == Field::generation ? entry->generation_tokens
                                                       : entry->requests;
      field = field.value_or(0) + sample.value;  // sum over engine, version, finished_reason, ...
      break;
    }
  }
  return out;
}

}  // namespace ainode
