#pragma once
// The policy engine's impure half: each cycle it reads the GPUs from the
// snapshot, runs the evaluator, and turns the settings it wants into
// actions that are stepped, rate-limited (max_changes_per_hour per GPU),
// owned (the original recorded in the state directory before the first
// change, restored when no profile wants the change any more, on stop, and
// on the next start after a crash), never fought over (a setting someone
// else changed is left alone: policy_conflict), audited and published as
// events. Driver calls go through the AsyncActuator, so a hung call never
// blocks the cycle. docs/policies.md describes the behaviour.
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "control/control_api.hpp"
#include "core/metric.hpp"
#include "core/snapshot.hpp"
#include "events/event_bus.hpp"
#include "policy/actuator.hpp"
#include "policy/ownership.hpp"
#include "policy/policy_evaluator.hpp"
#include "policy/profile_directory.hpp"

namespace ainode {

struct PolicyControllerOptions {
  std::string directory;  // policy.dir; "" = no profiles
  std::string state_dir;  // "" = no ownership records: enforce profiles only dry-run
  std::string boot_id;    // /proc/sys/kernel/random/boot_id; "" = unknown
  std::optional<double> envelope_watts;  // power.node_envelope_watts (absent when 0)
  // Minutes after local midnight for time_of_day; a parameter for tests.
  std::function<int(std::chrono::system_clock::time_point)> local_minute;
};

// One cycle's input: the GPUs and the node's power (tests build it by hand;
// the agent from a snapshot with policy_cycle()).
struct PolicyCycle {
  std::chrono::system_clock::time_point now;
  std::vector<PolicyGpu> gpus;
  std::optional<double> node_power_watts;
  std::map<std::string, std::string> driver_versions;  // uuid -> driver version
  std::map<std::string, std::string> pci_bus_ids;      // uuid -> PCI address (amdgpu's power1_cap)
};

PolicyCycle policy_cycle(const Snapshot& snapshot);

class PolicyController {
 public:
  PolicyController(PolicyControllerOptions options, std::unique_ptr<ActuatorBackend> backend, EventBus& events,
                   ControlApi& control);
  ~PolicyController();

  void observe(const Snapshot& snapshot) { observe(policy_cycle(snapshot)); }
  void observe(const PolicyCycle& cycle);

  // POST /v1/control/policies/{name}/mode: a runtime override of the file's
  // mode, persisted in the state directory so it survives a restart.
  ControlOutcome set_mode(const std::string& name, const std::string& mode);
  // POST /v1/control/policies/reload (and every configuration reload):
  // re-reads every file now; the outcome lists the files and their errors.
  ControlOutcome reload();
  void set_directory(const std::string& directory);
  void set_envelope_watts(std::optional<double> watts);

  // Agent stop: restores every setting the engine owns, waiting up to
  // `timeout` for the driver; what is not restored stays recorded for the
  // next start.
  void stop(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  nlohmann::json view() const;  // GET /v1/policies
  void add_metrics(MetricSet& out) const;

  // Waits for the actuator to finish what was submitted (tests).
  bool wait_for_actuator(std::chrono::milliseconds timeout) { return actuator_.wait_idle(timeout); }

 private:
  enum class Block { none, no_permission, unsupported, backed_off, failed };
  struct KnobControl {
    std::optional<std::uint64_t> in_flight;
    bool restoring = false;
    std::string profile;  // whose action is in flight / was last applied
    std::string audit_request;
    nlohmann::json condition;
    GpuSetting before;
    Block block = Block::none;
    std::string reason;
    std::chrono::system_clock::time_point retry_at{};
    std::optional<GpuSetting> last_target;
    std::optional<std::chrono::system_clock::time_point> rate_limited_until;
  };
  using KnobKey = std::pair<std::string, Knob>;

  void handle_result(const ActuationResult& result, std::chrono::system_clock::time_point now);
  void scan_directory(bool force);
  void recover_previous_run(const PolicyCycle& cycle);
  void check_ownership(const PolicyCycle& cycle, const std::map<KnobKey, const KnobTarget*>& targets);
  void drive_targets(const PolicyCycle& cycle, const std::map<KnobKey, const KnobTarget*>& targets);
  void restore_unwanted(const PolicyCycle& cycle, const std::map<KnobKey, const KnobTarget*>& targets);
  void audit_dry_runs(const PolicyCycle& cycle, const Evaluation& evaluation);
  bool submit(const PolicyGpu& gpu, const PolicyCycle& cycle, const GpuSetting& setting, const GpuSetting& before,
              const std::string& profile, const nlohmann::json& condition, bool restoring, const std::string& why);
  void publish(const std::string& type, const std::string& profile, unsigned gpu, const std::string& uuid, Knob knob,
               const std::string& mode, const nlohmann::json& before, const nlohmann::json& after,
               const std::string& result, const std::string& reason);
  void count(const std::string& profile, Knob knob, const std::string& result);
  std::map<std::string, PolicyMode> effective_modes() const;
  void load_modes();
  std::optional<std::string> save_modes() const;
  bool identity_changed(const OwnedKnob& record, const PolicyCycle& cycle) const;
  std::string mode_text(const std::string& profile) const;

  PolicyControllerOptions options_;
  EventBus& events_;
  ControlApi& control_;
  mutable std::mutex mutex_;
  ProfileDirectory directory_;
  PolicyEvaluator evaluator_;
  OwnershipStore ownership_;
  std::string ownership_error_;  // why enforcement is unavailable ("" = available)
  std::map<std::string, PolicyMode> mode_overrides_;
  std::map<KnobKey, KnobControl> knobs_;
  std::map<std::string, std::deque<std::chrono::system_clock::time_point>> changes_;  // per GPU uuid
  std::map<std::pair<std::string, std::string>, ProfilePhase> dry_run_phases_;  // (profile, uuid)
  std::map<std::tuple<std::string, std::string, std::string>, std::uint64_t> actions_;  // (profile, knob, result)
  std::map<std::string, std::pair<unsigned, bool>> managed_power_;  // uuid -> (gpu, owned now), for the gauge
  std::optional<Evaluation> last_;
  std::vector<PolicyGpu> last_gpus_;
  bool recovered_ = false;
  bool force_scan_ = true;
  std::size_t device_count_ = 0;
  std::map<KnobKey, bool> permission_reported_;
  AsyncActuator actuator_;  // last: its worker stops before the state it reports into
};

std::vector<const MetricDesc*> policy_metric_descriptors();

}  // namespace ainode
