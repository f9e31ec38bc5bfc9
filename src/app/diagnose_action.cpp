#include "app/diagnose_action.hpp"

#include <sys/timex.h>

#include "app/diagnose_checks.hpp"

namespace ainode {

namespace {

// The kernel's clock discipline state; read-only (modes = 0).
std::optional<ClockSync> read_clock_sync() {
  timex tx{};
  int state = ntp_adjtime(&tx);
  if (state < 0) return std::nullopt;
  ClockSync sync;
  sync.synchronized = state != TIME_ERROR;
  sync.max_error_seconds = static_cast<double>(tx.maxerror) / 1e6;
  return sync;
}

}  // namespace

void register_diagnose_action(ControlApi& api, const SnapshotStore& store, const RiskTracker& risk,
                              const KernelXidFollower& kernel_log) {
  api.add_action("/v1/control/diagnose",
                 ControlAction{"POST", "diagnose", false, [&store, &risk, &kernel_log](const ControlCall&) {
                                 auto started = std::chrono::steady_clock::now();
                                 auto snapshot = store.latest();
                                 DiagnoseInputs inputs;
                                 inputs.snapshot = snapshot.get();
                                 inputs.now = std::chrono::system_clock::now();
                                 inputs.risk = risk.assessments();
                                 inputs.clock = read_clock_sync();
                                 inputs.kernel_log_problem = kernel_log.reason();
                                 auto checks = run_diagnose_checks(inputs);
                                 double seconds =
                                     std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
                                 ControlOutcome outcome;
                                 outcome.body = diagnose_report_json(checks, seconds);
                                 outcome.after = {{"status", outcome.body["status"]}};
                                 return outcome;
                               }});
}

}  // namespace ainode
