#pragma once
// A workload's demand on one GPU over scenario time: the fraction of the GPU
// it would keep busy at full clocks. Pure functions of time, so a scenario
// replays identically.
#include <string>

namespace ainode::twin {

enum class WorkloadKind { idle, constant, sine, step, training };

struct Workload {
  WorkloadKind kind = WorkloadKind::sine;
  double base = 0.5;            // constant/sine level, training compute level, step level before
  double amplitude = 0.3;       // sine
  double period_seconds = 120;  // sine period; training step period
  double phase = 0;             // sine phase (radians)
  double after = 0;             // step: level after step_at_seconds
  double step_at_seconds = 0;
  double duty = 0.8;            // training: share of each step spent computing (the rest is a gradient all-reduce / input dip)
  // Progress: units per second at full delivered utilization (1.0). Training
  // defaults to one step per period; inference to a token rate.
  std::string progress_unit = "steps";
  double progress_at_full_rate = 0;
};

// Demand in [0, 1] at scenario time t.
double demand(const Workload& w, double t);

// "idle", "constant", ... ; false for an unknown name.
bool parse_workload_kind(const std::string& name, WorkloadKind& out);

}  // namespace ainode::twin
