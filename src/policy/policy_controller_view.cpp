// GET /v1/policies and the policy metrics, read from the controller's last
// evaluation and its ownership records (see policy_controller.hpp).
#include <algorithm>

#include "events/event.hpp"
#include "policy/policy_controller.hpp"

namespace ainode {

namespace {

using Clock = std::chrono::system_clock;

const MetricDesc kPolicyActive{"ainode_policy_active", MetricType::gauge, "",
                               "1 while the profile wants its action on at least one GPU (applied or in cooldown), "
                               "0 while loaded and idle; any mode but off.",
                               {"profile"}};
const MetricDesc kPolicyActions{"ainode_policy_actions_total", MetricType::counter, "",
                                "Policy decisions by profile, action and result (applied, dry_run, failed, "
                                "no_permission, restored, backed_off).",
                                {"profile", "action", "result"}};
const MetricDesc kPowerManaged{"ainode_gpu_power_limit_managed", MetricType::gauge, "",
                               "1 while the policy engine owns the GPU's power limit (it set it and will restore it), 0 once "
                               "restored; no series for a GPU it has not managed since the agent started.",
                               {"gpu", "uuid"}};
const MetricDesc kPolicyFileErrors{"ainode_policy_file_errors", MetricType::gauge, "",
                                   "Errors in the profile file as last read (0 = valid); a file with errors keeps its "
                                   "previous profiles.",
                                   {"file"}};

}  // namespace

std::vector<const MetricDesc*> policy_metric_descriptors() {
  return {&kPolicyActive, &kPolicyActions, &kPowerManaged, &kPolicyFileErrors};
}

nlohmann::json PolicyController::view() const {
  std::lock_guard lock(mutex_);
  auto modes = effective_modes();
  nlohmann::json profiles = nlohmann::json::array();
  for (const auto& profile : evaluator_.profiles()) {
    nlohmann::json gpus = nlohmann::json::array();
    bool active = false;
    if (last_) {
      for (const auto& state : last_->states) {
        if (state.profile != profile.name) continue;
        bool wants = state.phase == ProfilePhase::applied || state.phase == ProfilePhase::cooldown;
        active = active || wants;
        std::string phase(to_string(state.phase));
        std::string reason = state.condition.holds ? "" : state.condition.reason;
        nlohmann::json desired = nlohmann::json::object(), applied = nlohmann::json::object(),
                       original = nlohmann::json::object();
        std::optional<Clock::time_point> next = state.next_change_at;
        for (const auto& setting : state.desired) desired[std::string(to_string(setting.knob))] = setting_json(setting);
        for (Knob knob : kKnobs) {
          const OwnedKnob* record = ownership_.find(state.uuid, knob);
          if (record && record->profile == profile.name) {
            applied[std::string(to_string(knob))] = setting_json(record->set);
            original[std::string(to_string(knob))] = setting_json(record->original);
          }
          auto control = knobs_.find({state.uuid, knob});
          bool relevant = std::any_of(state.desired.begin(), state.desired.end(), [&](const auto& s) { return s.knob == knob; });
          if (control == knobs_.end() || !relevant) continue;
          switch (control->second.block) {
            case Block::backed_off: phase = "backed_off"; reason = control->second.reason; break;
            case Block::unsupported: phase = "unsupported"; reason = control->second.reason; break;
            case Block::no_permission:
            case Block::failed: phase = "error"; reason = control->second.reason; break;
            case Block::none: break;
          }
          if (control->second.rate_limited_until && wants) {
            reason = "max_changes_per_hour reached";
            next = control->second.rate_limited_until;
          }
        }
        if (!state.unsupported.empty()) {
          phase = "unsupported";
          reason = state.unsupported;
        }
        if (modes[profile.name] == PolicyMode::dry_run && wants && reason.empty()) reason = "dry_run: would apply";
        gpus.push_back({{"gpu", state.gpu},
                        {"uuid", state.uuid},
                        {"state", phase},
                        {"condition", state.condition.values},
                        {"desired", desired},
                        {"applied", applied},
                        {"original", original},
                        {"next_change_at", next ? nlohmann::json(rfc3339(*next)) : nlohmann::json(nullptr)},
                        {"reason", reason}});
      }
    }
    nlohmann::json entry = {{"name", profile.name},
                            {"file", profile.file},
                            {"line", profile.line},
                            {"mode", std::string(to_string(modes[profile.name]))},
                            {"file_mode", std::string(to_string(profile.mode))},
                            {"priority", profile.priority},
                            {"active", active},
                            {"last_evaluation", last_ ? nlohmann::json(rfc3339(last_->at)) : nlohmann::json(nullptr)},
                            {"gpus", gpus}};
    profiles.push_back(std::move(entry));
  }
  nlohmann::json files = nlohmann::json::array();
  for (const auto& file : directory_.files()) files.push_back(file_status_json(file));
  nlohmann::json owned = nlohmann::json::array();
  for (const auto& r : ownership_.all()) {
    owned.push_back({{"gpu", r.gpu}, {"uuid", r.uuid}, {"action", to_string(r.knob)}, {"profile", r.profile},
                     {"original", setting_json(r.original)}, {"set", setting_json(r.set)}});
  }
  return {{"directory", directory_.directory()},
          {"enforcement", {{"available", ownership_error_.empty()}, {"reason", ownership_error_}}},
          {"profiles", profiles},
          {"files", files},
          {"owned", owned}};
}

void PolicyController::add_metrics(MetricSet& out) const {
  std::lock_guard lock(mutex_);
  auto modes = effective_modes();
  for (const auto& profile : evaluator_.profiles()) {
    if (modes[profile.name] == PolicyMode::off) continue;
    bool active = false;
    if (last_) {
      for (const auto& state : last_->states) {
        active = active || (state.profile == profile.name &&
                            (state.phase == ProfilePhase::applied || state.phase == ProfilePhase::cooldown));
      }
    }
    out.add(kPolicyActive, {profile.name}, active ? 1 : 0);
  }
  for (const auto& [key, value] : actions_) {
    out.add(kPolicyActions, {std::get<0>(key), std::get<1>(key), std::get<2>(key)}, static_cast<double>(value));
  }
  for (const auto& [uuid, entry] : managed_power_) {
    out.add(kPowerManaged, {std::to_string(entry.first), uuid}, entry.second ? 1 : 0);
  }
  for (const auto& file : directory_.files()) {
    out.add(kPolicyFileErrors, {file.file}, static_cast<double>(file.errors.size()));
  }
}

}  // namespace ainode
