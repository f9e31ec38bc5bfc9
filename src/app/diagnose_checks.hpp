#pragma once
// `ainode diagnose`: the node health check a person runs first. Each check
// reads the agent's latest snapshot (plus failure risk and the clock's
// synchronisation state) and says pass, warn or fail with its evidence and a
// suggested fix. Pure over its inputs, so every verdict is a table test.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aiops/risk_rules.hpp"
#include "core/snapshot.hpp"

namespace ainode {

enum class CheckStatus { pass, warn, fail };
std::string_view to_string(CheckStatus status);

struct DiagnoseCheck {
  std::string name;     // "nvml", "gpu.ecc", "host.memory", ... (docs/diagnose.md)
  std::string subject;  // "GPU 3 (GPU-…)", "/var", "" for the node
  CheckStatus status = CheckStatus::pass;
  std::string evidence;
  std::string fix;  // "" when it passes
};

// The kernel's view of the system clock (adjtimex(2)).
struct ClockSync {
  bool synchronized = false;  // not TIME_ERROR: an NTP/PTP daemon disciplines the clock
  double max_error_seconds = 0;
};

struct DiagnoseInputs {
  const Snapshot* snapshot = nullptr;  // the latest; null before the first cycle
  std::chrono::system_clock::time_point now;
  std::map<std::string, RiskAssessment> risk;  // by GPU UUID
  std::optional<ClockSync> clock;              // absent when it could not be read
  std::string kernel_log_problem;              // "" when the kernel log is followed
};

std::vector<DiagnoseCheck> run_diagnose_checks(const DiagnoseInputs& inputs);

// The worst status of all checks (pass when there are none).
CheckStatus overall_status(const std::vector<DiagnoseCheck>& checks);
// 0 all pass, 1 any warn and no fail, 2 any fail.
int diagnose_exit_code(CheckStatus overall);

nlohmann::json diagnose_report_json(const std::vector<DiagnoseCheck>& checks, double duration_seconds);
// The readable report `ainode diagnose` prints, from that JSON (so the
// command prints what any client of the API would get).
std::string diagnose_report_text(const nlohmann::json& report);

}  // namespace ainode
