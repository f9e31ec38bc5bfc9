#include "policy/policy_evaluator.hpp"

#include <algorithm>
#include <cmath>

#include "policy/power_budget.hpp"
#include "policy/profile_validation.hpp"

namespace ainode {

namespace {

using Clock = std::chrono::system_clock;

PolicyMode mode_of(const EfficiencyProfile& profile, const std::map<std::string, PolicyMode>& modes) {
  auto found = modes.find(profile.name);
  return found == modes.end() ? profile.mode : found->second;
}

// The power limit a profile's power_limit asks for on one GPU, inside the
// device's range; nullopt with `why` when it cannot be known.
std::optional<double> power_limit_watts(const PowerLimit& limit, const PolicyGpu& gpu, std::string& why) {
  double watts = 0;
  if (limit.watts) {
    watts = *limit.watts;
  } else if (limit.percent_of_default && gpu.default_limit_watts) {
    watts = *limit.percent_of_default / 100 * *gpu.default_limit_watts;
  } else {
    why = "the driver reports no default power limit for a percentage";
    return std::nullopt;
  }
  return watts;
}

// Never outside the device's constraints, and not under the profile's
// floor while a workload runs.
double bounded_watts(double watts, const EfficiencyProfile& profile, const PolicyGpu& gpu) {
  if (profile.floor_watts && gpu.workload_running) watts = std::max(watts, *profile.floor_watts);
  if (gpu.min_limit_watts) watts = std::max(watts, *gpu.min_limit_watts);
  if (gpu.max_limit_watts) watts = std::min(watts, *gpu.max_limit_watts);
  return watts;
}

// The GPU power budget of a node profile: the envelope less what the rest
// of the node draws (node power minus the GPUs' power, when both are known).
std::optional<double> gpu_envelope(const PowerBudget& budget, const PolicyInput& input) {
  std::optional<double> envelope = budget.envelope_watts ? budget.envelope_watts : input.envelope_watts;
  if (!envelope) return std::nullopt;
  if (input.node_power_watts) {
    double gpus = 0;
    bool all_known = true;
    for (const auto& gpu : input.gpus) {
      if (gpu.signals.power_watts) {
        gpus += *gpu.signals.power_watts;
      } else {
        all_known = false;
      }
    }
    if (all_known) *envelope -= std::max(0.0, *input.node_power_watts - gpus);
  }
  return envelope;
}

// Demand for the budget: utilization averaged over the last 30 s (the
// latest reading when there is less).
double demand_of(const SignalHistory& history, const PolicyGpu& gpu, Clock::time_point now) {
  if (const auto* window = history.window(gpu.uuid, PolicySignal::gpu_utilization)) {
    if (auto stats = window_stats(*window, now, std::chrono::seconds(30))) return stats->mean;
  }
  return gpu.signals.utilization_ratio.value_or(0);
}

}  // namespace

std::string_view to_string(ProfilePhase phase) {
  switch (phase) {
    case ProfilePhase::idle: return "idle";
    case ProfilePhase::pending: return "pending";
    case ProfilePhase::applied: return "applied";
    case ProfilePhase::cooldown: return "cooldown";
  }
  return "?";
}

bool selector_selects(const ProfileSelector& selector, const PolicyGpu& gpu) {
  if (selector.node) return true;
  GpuPowerConstraints known;
  known.index = gpu.index;
  known.uuid = gpu.uuid;
  known.model = gpu.model;
  // With the uuid and model known, "may select" is exact for the GPU list and model.
  if (gpu.uuid.empty() || gpu.model.empty()) {
    if (!selector.model.empty() || !selector.gpu_uuids.empty()) return false;
  }
  if (!selector_may_select(selector, known)) return false;
  if (selector.mig && (!gpu.mig || *gpu.mig != *selector.mig)) return false;
  if (!selector.namespace_name.empty() && selector.namespace_name != gpu.namespace_name) return false;
  return selector.pod_labels.empty();
}

GpuSetting step_toward(const GpuSetting& current, const GpuSetting& target, std::optional<double> step_watts) {
  if (target.knob != Knob::power_limit || !step_watts || *step_watts <= 0) return target;
  double delta = target.watts - current.watts;
  if (std::fabs(delta) <= *step_watts) return target;
  return GpuSetting::power(current.watts + (delta > 0 ? *step_watts : -*step_watts));
}

void PolicyEvaluator::set_profiles(std::vector<EfficiencyProfile> profiles) {
  profiles_ = std::move(profiles);
  for (auto it = timing_.begin(); it != timing_.end();) {
    bool kept = std::any_of(profiles_.begin(), profiles_.end(), [&](const auto& p) { return p.name == it->first.first; });
    it = kept ? std::next(it) : timing_.erase(it);
  }
  std::chrono::milliseconds keep{std::chrono::seconds(30)};
  for (const auto& profile : profiles_) keep = std::max(keep, longest_window(profile.when));
  history_.set_keep(keep);
}

Evaluation PolicyEvaluator::evaluate(const PolicyInput& input, const std::map<std::string, PolicyMode>& modes) {
  Evaluation result;
  result.at = input.now;
  std::map<std::string, bool> present;
  for (const auto& gpu : input.gpus) {
    history_.observe_gpu(gpu.uuid, input.now, gpu.signals);
    present[gpu.uuid] = true;
  }
  history_.observe_node_power(input.now, input.node_power_watts);
  history_.forget_gpus_except(present);

  struct Candidate {
    KnobTarget target;
    std::int64_t priority;
  };
  std::map<std::pair<std::string, Knob>, Candidate> winners;

  for (const auto& profile : profiles_) {
    PolicyMode mode = mode_of(profile, modes);
    if (mode == PolicyMode::off) {
      for (auto it = timing_.begin(); it != timing_.end();) it = it->first.first == profile.name ? timing_.erase(it) : std::next(it);
      continue;
    }
    std::vector<const PolicyGpu*> selected;
    for (const auto& gpu : input.gpus) {
      if (selector_selects(profile.selector, gpu)) selected.push_back(&gpu);
    }
    std::size_t first = result.states.size();
    for (const PolicyGpu* gpu : selected) {
      ProfileGpuState state;
      state.profile = profile.name;
      state.gpu = gpu->index;
      state.uuid = gpu->uuid;
      ConditionContext context{input.now, input.local_minute, gpu->workload_running, input.envelope_watts};
      state.condition = evaluate_conditions(profile.when, history_, gpu->uuid, context);
      Timing& timing = timing_[{profile.name, gpu->uuid}];
      if (state.condition.holds) {
        timing.clear_since.reset();
        if (!timing.holding_since) timing.holding_since = input.now;
        if (!timing.active && input.now - *timing.holding_since >= profile.hold_for) timing.active = true;
        state.phase = timing.active ? ProfilePhase::applied : ProfilePhase::pending;
        if (!timing.active) state.next_change_at = *timing.holding_since + profile.hold_for;
      } else {
        timing.holding_since.reset();
        if (timing.active) {
          if (!timing.clear_since) timing.clear_since = input.now;
          if (input.now - *timing.clear_since >= profile.cooldown) timing.active = false;
        }
        state.phase = timing.active ? ProfilePhase::cooldown : ProfilePhase::idle;
        if (timing.active) state.next_change_at = *timing.clear_since + profile.cooldown;
      }
      // What the profile asks for on this GPU.
      const auto& then = profile.then;
      if (then.power_limit) {
        std::string why;
        if (auto watts = power_limit_watts(*then.power_limit, *gpu, why)) {
          state.desired.push_back(GpuSetting::power(bounded_watts(*watts, profile, *gpu)));
        } else {
          state.unsupported = why;
        }
      }
      if (then.locked_clocks) {
        state.desired.push_back(GpuSetting::clocks(Knob::locked_clocks, then.locked_clocks->min_mhz, then.locked_clocks->max_mhz));
      }
      if (then.memory_locked_clocks) {
        state.desired.push_back(GpuSetting::clocks(Knob::memory_locked_clocks, then.memory_locked_clocks->min_mhz,
                                                   then.memory_locked_clocks->max_mhz));
      }
      if (then.application_clocks) {
        state.desired.push_back(GpuSetting::clocks(Knob::application_clocks, then.application_clocks->memory_mhz,
                                                   then.application_clocks->graphics_mhz));
      }
      result.states.push_back(std::move(state));
    }
    // A node budget is shared among the selected GPUs whose limits are known.
    if (profile.then.power_budget) {
      const PowerBudget& budget = *profile.then.power_budget;
      auto envelope = gpu_envelope(budget, input);
      std::vector<BudgetGpu> shares_of;
      for (std::size_t i = 0; i < selected.size(); ++i) {
        const PolicyGpu& gpu = *selected[i];
        ProfileGpuState& state = result.states[first + i];
        if (!envelope) {
          state.unsupported = "no envelope: set envelope_watts or power.node_envelope_watts";
          continue;
        }
        if (!gpu.min_limit_watts || !gpu.max_limit_watts) {
          state.unsupported = "the driver reports no power limit constraints";
          continue;
        }
        double floor = std::max(*gpu.min_limit_watts, budget.min_watts_per_gpu);
        if (profile.floor_watts && gpu.workload_running) floor = std::max(floor, *profile.floor_watts);
        double ceiling = gpu.default_limit_watts ? std::min(*gpu.default_limit_watts, *gpu.max_limit_watts) : *gpu.max_limit_watts;
        shares_of.push_back({gpu.uuid, demand_of(history_, gpu, input.now), std::min(floor, ceiling), ceiling});
      }
      if (envelope) {
        for (const auto& share : distribute_power_budget(*envelope, shares_of)) {
          for (std::size_t i = 0; i < selected.size(); ++i) {
            if (selected[i]->uuid == share.uuid) result.states[first + i].desired.push_back(GpuSetting::power(share.watts));
          }
        }
      }
    }
    if (mode != PolicyMode::enforce) continue;
    for (std::size_t i = first; i < result.states.size(); ++i) {
      const ProfileGpuState& state = result.states[i];
      if (state.phase != ProfilePhase::applied && state.phase != ProfilePhase::cooldown) continue;
      for (const auto& setting : state.desired) {
        auto key = std::make_pair(state.uuid, setting.knob);
        auto found = winners.find(key);
        if (found != winners.end() && found->second.priority >= profile.priority) continue;
        KnobTarget target;
        target.gpu = state.gpu;
        target.uuid = state.uuid;
        target.setting = setting;
        target.profile = profile.name;
        target.step_watts = profile.step_watts;
        target.max_changes_per_hour = profile.max_changes_per_hour;
        target.condition = state.condition.values;
        winners[key] = Candidate{target, profile.priority};
      }
    }
  }
  for (auto& [key, candidate] : winners) result.targets.push_back(std::move(candidate.target));
  return result;
}

}  // namespace ainode
