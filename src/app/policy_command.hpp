#pragma once
// `ainode policy check FILE…`: parses and validates EfficiencyProfile files
// offline, as CI or an operator would before handing them to the agent.
// Prints "FILE: ok (N profiles)" or one "FILE:LINE: KEY: message" per
// problem, on stdout. Exit 0 when every file is valid, 1 when any is
// invalid, 2 for usage errors (bad flags, a file that cannot be read, as
// grep does).
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace ainode {

struct PolicyCheckOptions {
  std::vector<std::string> files;
  // Device constraints to check against, without a GPU: --gpus N GPUs
  // (indices 0..N-1) allowing --min-watts..--max-watts, and --default-watts
  // for "60%" limits.
  std::optional<unsigned> gpus;
  std::optional<double> min_watts;
  std::optional<double> max_watts;
  std::optional<double> default_watts;
};

int run_policy_check(const PolicyCheckOptions& options, std::ostream& out, std::ostream& err);

}  // namespace ainode
