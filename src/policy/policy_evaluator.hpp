#pragma once
// The pure half of the policy engine: each cycle, for every loaded profile
// and every GPU it selects, whether its `when` holds, the `for:` hold and
// `cooldown:` state machine, and which setting each GPU should have per
// knob (priorities, floors, node power budgets). It changes nothing and
// calls nothing: the controller (policy_controller.hpp) turns its result
// into stepped, rate-limited, owned and audited actions. Tested on
// hand-made inputs with a fake clock.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "policy/condition_eval.hpp"
#include "policy/gpu_setting.hpp"
#include "policy/profile.hpp"
#include "policy/signal_history.hpp"

namespace ainode {

// What the engine knows of one GPU this cycle (from gpu_view.hpp).
struct PolicyGpu {
  unsigned index = 0;
  std::string uuid, model, vendor = "nvidia";
  std::optional<bool> mig;
  std::string namespace_name;  // of the pod holding it, "" = none known
  bool workload_running = false;
  GpuSignals signals;
  // Power limits as the driver reports them (watts): the limit set now, the
  // board's default, and the range nvmlDeviceGetPowerManagementLimitConstraints allows.
  std::optional<double> current_limit_watts, default_limit_watts, min_limit_watts, max_limit_watts;
};

struct PolicyInput {
  std::chrono::system_clock::time_point now;
  int local_minute = 0;
  std::vector<PolicyGpu> gpus;
  std::optional<double> node_power_watts;
  std::optional<double> envelope_watts;  // power.node_envelope_watts (absent when 0)
};

// idle: the condition does not hold; pending: it holds, for `for:` not yet;
// applied: the profile wants its action; cooldown: it wants it still, the
// condition has been false for less than `cooldown:`.
enum class ProfilePhase { idle, pending, applied, cooldown };
std::string_view to_string(ProfilePhase phase);

// One profile on one GPU.
struct ProfileGpuState {
  std::string profile;
  unsigned gpu = 0;
  std::string uuid;
  ProfilePhase phase = ProfilePhase::idle;
  ConditionResult condition;
  // The settings the profile asks for on this GPU (empty when it cannot:
  // `unsupported` says why).
  std::vector<GpuSetting> desired;
  std::string unsupported;
  std::optional<std::chrono::system_clock::time_point> next_change_at;  // when the phase can next change
};

// The setting that wins on one GPU and knob among the enforcing profiles.
struct KnobTarget {
  unsigned gpu = 0;
  std::string uuid;
  GpuSetting setting;
  std::string profile;
  std::optional<double> step_watts;
  unsigned max_changes_per_hour = 6;
  nlohmann::json condition;  // the values it was decided on
};

struct Evaluation {
  std::chrono::system_clock::time_point at;
  std::vector<ProfileGpuState> states;  // per profile (load order), per GPU (index order)
  std::vector<KnobTarget> targets;      // enforce profiles in applied/cooldown, the winner per (GPU, knob)
};

class PolicyEvaluator {
 public:
  // Profiles with their effective mode (a runtime override, or the file's).
  // The hold/cooldown state of a profile that stays (same name) is kept.
  void set_profiles(std::vector<EfficiencyProfile> profiles);
  const std::vector<EfficiencyProfile>& profiles() const { return profiles_; }

  Evaluation evaluate(const PolicyInput& input, const std::map<std::string, PolicyMode>& modes);

 private:
  struct Timing {
    std::optional<std::chrono::system_clock::time_point> holding_since, clear_since;
    bool active = false;
  };
  std::vector<EfficiencyProfile> profiles_;
  std::map<std::pair<std::string, std::string>, Timing> timing_;  // (profile, uuid)
  SignalHistory history_;
};

// Whether the selector selects the GPU, with what is known of it now. Pod
// labels are not in the agent's data (the kubelet's PodResources carries
// none), so a selector naming them selects nothing: docs/policies.md.
bool selector_selects(const ProfileSelector& selector, const PolicyGpu& gpu);

// The next value on the way from `current` to `target` with at most
// `step_watts` per step (power only; other knobs go at once).
GpuSetting step_toward(const GpuSetting& current, const GpuSetting& target, std::optional<double> step_watts);

}  // namespace ainode
