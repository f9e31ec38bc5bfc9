#pragma once
// Prometheus text format 0.0.4 and OpenMetrics 1.0 sample lines, as model
// servers (vLLM, SGLang, llama.cpp, TGI, Triton) expose them: the input of
// the app collector (issue 12, tokens per joule). Pure and fuzzed: any input
// returns, malformed lines are skipped and counted, never thrown.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ainode {

struct ExpositionSample {
  std::string name;
  std::vector<std::pair<std::string, std::string>> labels;  // as written, escapes decoded
  double value = 0;
  const std::string* label(std::string_view name) const;
};

struct ParsedExposition {
  std::vector<ExpositionSample> samples;
  std::size_t malformed_lines = 0;
  bool truncated = false;  // stopped at max_samples
};

// Comments and metadata (# HELP/TYPE/UNIT) are skipped; "# EOF" ends the
// input; timestamps and OpenMetrics exemplars are accepted and ignored.
ParsedExposition parse_exposition(std::string_view text, std::size_t max_samples = 100'000);

}  // namespace ainode
