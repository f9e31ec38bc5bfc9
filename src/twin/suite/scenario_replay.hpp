#pragma once
// Replays one labelled scenario through the agent's real collectors and the
// root-cause engine in virtual time: for t = 0, 1, 2 ... s the twin's host
// tree is written for t, the simulated NVML's clock file says t, every
// collector runs once on the calling thread, and the snapshot (taken_at =
// t) goes to RcaEngine::observe. No scheduler, no timers: a 300 s scenario
// takes as long as 300 collections.
#include <filesystem>
#include <string>

#include "twin/suite_scoring.hpp"

namespace ainode::twin {

struct ReplayOptions {
  std::filesystem::path source_dir;  // the repository: base trees under tests/fixtures
  std::filesystem::path nvml_sim;    // build/nvml_sim/libnvidia-ml.so.1
  std::filesystem::path work_dir;    // a scratch directory of this replay (removed after)
  bool all_collectors = false;       // every default collector (bench), not only those RCA reads
  double step_seconds = 1;
};

struct ReplayCost {
  unsigned cycles = 0;
  double collect_seconds = 0;  // all collectors, all cycles
  double rca_seconds = 0;      // RcaEngine::observe, all cycles
  double max_rca_seconds = 0;
};

struct ReplayResult {
  ScenarioOutcome outcome;
  ReplayCost cost;
  std::string error;  // non-empty when the scenario could not be replayed
};

ReplayResult replay_scenario(const std::filesystem::path& scenario, const ReplayOptions& options);

}  // namespace ainode::twin
