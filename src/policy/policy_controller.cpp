#include "policy/policy_controller.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>

#include <spdlog/spdlog.h>

#include "core/atomic_file.hpp"
#include "events/event.hpp"
#include "gpu/gpu_view.hpp"

namespace ainode {

namespace {

using Clock = std::chrono::system_clock;

constexpr auto kRetryAfterFailure = std::chrono::minutes(1);
constexpr auto kRateWindow = std::chrono::hours(1);
constexpr auto kHungCall = std::chrono::seconds(30);

int system_local_minute(Clock::time_point now) {
  std::time_t t = Clock::to_time_t(now);
  std::tm local{};
  localtime_r(&t, &local);
  return local.tm_hour * 60 + local.tm_min;
}

std::optional<double> limit(const GpuReading& r, const char* name) {
  auto found = r.power_limits_watts.find(name);
  return found == r.power_limits_watts.end() ? std::nullopt : std::optional<double>(found->second);
}

std::string mode_name(PolicyMode mode) { return std::string(to_string(mode)); }

std::optional<PolicyMode> parse_mode(const std::string& text) {
  for (PolicyMode mode : {PolicyMode::off, PolicyMode::dry_run, PolicyMode::enforce}) {
    if (to_string(mode) == text) return mode;
  }
  return std::nullopt;
}

}  // namespace

PolicyCycle policy_cycle(const Snapshot& snapshot) {
  PolicyCycle cycle;
  cycle.now = snapshot.taken_at;
  cycle.node_power_watts = snapshot.summary.node_power_watts;
  for (const auto& view : gpu_views(snapshot)) {
    const GpuReading& r = view.reading;
    if (!r.up || r.uuid.empty()) continue;
    PolicyGpu gpu;
    gpu.index = r.index;
    gpu.uuid = r.uuid;
    gpu.model = r.name;
    gpu.vendor = r.vendor;
    gpu.mig = r.mig_enabled;
    gpu.namespace_name = r.owner.namespace_name;
    for (const auto& process : r.processes) {
      if (gpu.namespace_name.empty()) gpu.namespace_name = process.namespace_name;
    }
    gpu.workload_running = !r.processes.empty() || !r.owner.pod.empty();
    gpu.signals.utilization_ratio = r.utilization_ratio;
    gpu.signals.memory_utilization_ratio = r.memory_utilization_ratio;
    gpu.signals.memory_used_bytes = r.memory_used_bytes;
    gpu.signals.temperature_celsius = r.temperature_celsius;
    gpu.signals.power_watts = r.power_watts;
    gpu.current_limit_watts = limit(r, "current");
    gpu.default_limit_watts = limit(r, "default");
    gpu.min_limit_watts = limit(r, "min");
    gpu.max_limit_watts = limit(r, "max");
    cycle.driver_versions[r.uuid] = r.driver_version;
    cycle.pci_bus_ids[r.uuid] = r.pci_bus_id;
    cycle.gpus.push_back(std::move(gpu));
  }
  return cycle;
}

PolicyController::PolicyController(PolicyControllerOptions options, std::unique_ptr<ActuatorBackend> backend,
                                   EventBus& events, ControlApi& control)
    : options_(std::move(options)),
      events_(events),
      control_(control),
      directory_(options_.directory),
      ownership_(options_.state_dir.empty() ? "" : options_.state_dir + "/policy-ownership.json"),
      actuator_(std::move(backend)) {
  if (!options_.local_minute) options_.local_minute = system_local_minute;
  if (options_.state_dir.empty()) {
    ownership_error_ = "no state directory: the original settings cannot be recorded, so enforce profiles only dry-run";
  } else if (auto error = ownership_.load()) {
    // A record we cannot read may be a change we cannot undo: refuse to add more.
    ownership_error_ = "ownership records unreadable, enforcement stopped until fixed: " + *error;
  }
  if (!ownership_error_.empty()) spdlog::warn("policy: {}", ownership_error_);
  for (const auto& record : ownership_.all()) {
    if (record.knob == Knob::power_limit) managed_power_[record.uuid] = {record.gpu, true};
  }
  load_modes();
}

PolicyController::~PolicyController() = default;

void PolicyController::load_modes() {
  if (options_.state_dir.empty()) return;
  std::string why;
  auto text = read_small_file(options_.state_dir + "/policy-modes.json", why);
  if (!text) {
    if (!why.empty()) spdlog::warn("policy: mode overrides: {}", why);
    return;
  }
  auto doc = nlohmann::json::parse(*text, nullptr, false);
  if (doc.is_discarded() || !doc.contains("modes") || !doc["modes"].is_object()) {
    spdlog::warn("policy: {}/policy-modes.json: not a mode file; ignored", options_.state_dir);
    return;
  }
  for (const auto& [name, value] : doc["modes"].items()) {
    if (auto mode = value.is_string() ? parse_mode(value.get<std::string>()) : std::nullopt) mode_overrides_[name] = *mode;
  }
}

std::optional<std::string> PolicyController::save_modes() const {
  if (options_.state_dir.empty()) return "no state directory";
  nlohmann::json modes = nlohmann::json::object();
  for (const auto& [name, mode] : mode_overrides_) modes[name] = mode_name(mode);
  return write_file_atomically(options_.state_dir + "/policy-modes.json", nlohmann::json{{"modes", modes}}.dump(2) + "\n");
}

std::map<std::string, PolicyMode> PolicyController::effective_modes() const {
  std::map<std::string, PolicyMode> modes;
  for (const auto& profile : evaluator_.profiles()) {
    auto found = mode_overrides_.find(profile.name);
    PolicyMode mode = found == mode_overrides_.end() ? profile.mode : found->second;
    // Without ownership records nothing may change: enforce runs as dry_run.
    if (mode == PolicyMode::enforce && !ownership_error_.empty()) mode = PolicyMode::dry_run;
    modes[profile.name] = mode;
  }
  return modes;
}

std::string PolicyController::mode_text(const std::string& profile) const {
  auto modes = effective_modes();
  auto found = modes.find(profile);
  return found == modes.end() ? "enforce" : mode_name(found->second);
}

void PolicyController::scan_directory(bool force) {
  std::vector<GpuPowerConstraints> devices;
  for (const auto& gpu : last_gpus_) {
    if (!gpu.min_limit_watts || !gpu.max_limit_watts) continue;
    GpuPowerConstraints c;
    c.index = gpu.index;
    c.uuid = gpu.uuid;
    c.model = gpu.model;
    c.min_watts = *gpu.min_limit_watts;
    c.max_watts = *gpu.max_limit_watts;
    c.default_watts = gpu.default_limit_watts;
    devices.push_back(c);
  }
  auto scan = directory_.scan(force, devices);
  if (!scan.directory_error.empty()) spdlog::warn("policy: {}", scan.directory_error);
  for (const auto& error : scan.new_errors) {
    std::string text = format_profile_error(error);
    spdlog::warn("policy: {} (the file's previous profiles stay in force)", text);
    EventDraft event;
    event.type = "policy_file_invalid";
    event.severity = Severity::warning;
    event.message = "profile file refused: " + text;
    event.payload = profile_error_json(error);
    events_.publish(std::move(event));
  }
  if (scan.changed || force) {
    evaluator_.set_profiles(directory_.profiles());
    spdlog::info("policy: {} profiles in force from {}", directory_.profiles().size(), directory_.directory());
  }
}

void PolicyController::set_directory(const std::string& directory) {
  std::lock_guard lock(mutex_);
  if (directory == directory_.directory()) {
    force_scan_ = true;
    return;
  }
  directory_ = ProfileDirectory(directory);
  force_scan_ = true;
}

void PolicyController::set_envelope_watts(std::optional<double> watts) {
  std::lock_guard lock(mutex_);
  options_.envelope_watts = watts;
}

bool PolicyController::identity_changed(const OwnedKnob& record, const PolicyCycle& cycle) const {
  auto driver = cycle.driver_versions.find(record.uuid);
  bool driver_changed = driver != cycle.driver_versions.end() && !record.driver_version.empty() &&
                        !driver->second.empty() && driver->second != record.driver_version;
  bool boot_changed = !record.boot_id.empty() && !options_.boot_id.empty() && record.boot_id != options_.boot_id;
  return driver_changed || boot_changed;
}

void PolicyController::count(const std::string& profile, Knob knob, const std::string& result) {
  ++actions_[{profile, std::string(to_string(knob)), result}];
}

void PolicyController::publish(const std::string& type, const std::string& profile, unsigned gpu,
                               const std::string& uuid, Knob knob, const std::string& mode,
                               const nlohmann::json& before, const nlohmann::json& after, const std::string& result,
                               const std::string& reason) {
  EventDraft event;
  event.type = type;
  event.severity = type == "policy_conflict" || result == "failed" || result == "no_permission" ? Severity::warning
                                                                                               : Severity::info;
  event.subject.gpu = gpu;
  event.subject.uuid = uuid;
  event.subject.profile = profile;
  event.payload = {{"profile", profile}, {"gpu", gpu},       {"uuid", uuid},     {"action", to_string(knob)},
                   {"mode", mode},       {"before", before}, {"after", after},   {"result", result},
                   {"reason", reason}};
  std::string text = std::string(to_string(knob)) + " on GPU " + std::to_string(gpu) + " (" + profile + "): ";
  if (type == "policy_conflict") {
    text += "changed by someone else (" + before.dump() + " -> " + after.dump() + "); no longer managed";
  } else {
    text += before.dump() + " -> " + after.dump() + ": " + result;
  }
  if (!reason.empty()) text += " (" + reason + ")";
  event.message = text;
  events_.publish(std::move(event));
}

bool PolicyController::submit(const PolicyGpu& gpu, const PolicyCycle& cycle, const GpuSetting& setting,
                              const GpuSetting& before, const std::string& profile, const nlohmann::json& condition,
                              bool restoring, const std::string& why) {
  KnobControl& control = knobs_[{gpu.uuid, setting.knob}];
  CallerIdentity identity{AuthMethod::agent, "policy:" + profile, ""};
  nlohmann::json parameters = {{"profile", profile},  {"gpu", gpu.index},          {"uuid", gpu.uuid},
                               {"action", to_string(setting.knob)}, {"condition", condition}, {"reason", why}};
  ControlOutcome request;
  request.result = restoring ? "restore" : "apply";
  request.before = setting_json(before);
  request.after = setting_json(setting);
  std::string request_id;
  std::string action = restoring ? "policy_restore" : "policy_action";
  // Audited before it runs; no record, no change.
  if (!control_.audit_autonomous(action, identity, parameters, "request", request, request_id)) {
    control.block = Block::failed;
    control.reason = "the audit log cannot be written; no change is made unaudited";
    control.retry_at = cycle.now + kRetryAfterFailure;
    return false;
  }
  ActuationRequest call;
  call.gpu = gpu.index;
  call.uuid = gpu.uuid;
  call.vendor = gpu.vendor;
  auto pci = cycle.pci_bus_ids.find(gpu.uuid);
  if (pci != cycle.pci_bus_ids.end()) call.pci_bus_id = pci->second;
  call.setting = setting;
  control.in_flight = actuator_.submit(call);
  control.restoring = restoring;
  control.profile = profile;
  control.audit_request = request_id;
  control.condition = condition;
  control.before = before;
  control.reason = why;
  return true;
}

void PolicyController::handle_result(const ActuationResult& result, Clock::time_point now) {
  const auto& request = result.request;
  KnobKey key{request.uuid, request.setting.knob};
  KnobControl& control = knobs_[key];
  control.in_flight.reset();
  const OwnedKnob* record = ownership_.find(request.uuid, request.setting.knob);
  std::string mode = mode_text(control.profile);
  std::string result_name;
  std::string reason = result.detail;
  ControlOutcome outcome;
  outcome.before = setting_json(control.before);
  outcome.after = setting_json(request.setting);
  switch (result.code) {
    case ActuationCode::applied:
      control.block = Block::none;
      if (control.restoring) {
        result_name = "restored";
        if (auto error = ownership_.remove(request.uuid, request.setting.knob)) {
          spdlog::error("policy: {}", *error);
        }
      } else {
        result_name = "applied";
        if (record) {
          OwnedKnob updated = *record;
          updated.set = request.setting;
          updated.profile = control.profile;
          updated.set_at_unix_seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
          if (auto error = ownership_.put(updated)) spdlog::error("policy: {}", *error);
        }
      }
      break;
    case ActuationCode::no_permission:
      result_name = "no_permission";
      control.block = Block::no_permission;
      control.reason = result.detail;
      if (!permission_reported_[key]) {
        spdlog::error("policy: {} on GPU {}: {}", to_string(request.setting.knob), request.gpu, result.detail);
        permission_reported_[key] = true;
      }
      break;
    case ActuationCode::unsupported:
      result_name = "failed";
      control.block = Block::unsupported;
      control.reason = "unsupported: " + result.detail;
      reason = control.reason;
      spdlog::warn("policy: {} on GPU {}: {}", to_string(request.setting.knob), request.gpu, control.reason);
      break;
    case ActuationCode::failed:
      result_name = "failed";
      control.block = Block::failed;
      control.reason = result.detail;
      control.retry_at = now + kRetryAfterFailure;
      spdlog::warn("policy: {} on GPU {} failed: {} (retried in 1m)", to_string(request.setting.knob), request.gpu,
                   result.detail);
      break;
  }
  // Nothing was changed by a refused first call: the record is not needed.
  if (result.code != ActuationCode::applied && record && same_setting(record->set, record->original) &&
      !control.restoring) {
    ownership_.remove(request.uuid, request.setting.knob);
  }
  outcome.result = result_name;
  outcome.reason = reason;
  if (result.code != ActuationCode::applied) outcome.status = 500;
  CallerIdentity identity{AuthMethod::agent, "policy:" + control.profile, ""};
  nlohmann::json parameters = {{"profile", control.profile},        {"gpu", request.gpu},
                               {"uuid", request.uuid},              {"action", to_string(request.setting.knob)},
                               {"condition", control.condition}};
  control_.audit_autonomous(control.restoring ? "policy_restore" : "policy_action", identity, parameters, "response",
                            outcome, control.audit_request);
  count(control.profile, request.setting.knob, result_name);
  publish(control.restoring && result.code == ActuationCode::applied ? "policy_restored" : "policy_action",
          control.profile, request.gpu, request.uuid, request.setting.knob, mode, outcome.before, outcome.after,
          result_name, reason.empty() ? control.reason : reason);
}

void PolicyController::recover_previous_run(const PolicyCycle& cycle) {
  for (const auto& record : ownership_.all()) {
    auto gpu = std::find_if(cycle.gpus.begin(), cycle.gpus.end(), [&](const auto& g) { return g.uuid == record.uuid; });
    if (gpu == cycle.gpus.end()) continue;  // not visible (yet): the record waits
    std::string why = "restoring after the agent stopped without restoring (crash or kill)";
    if (record.knob == Knob::power_limit && gpu->current_limit_watts) {
      double current = *gpu->current_limit_watts;
      if (std::fabs(current - record.original.watts) < 0.5) {
        ownership_.remove(record.uuid, record.knob);
        count(record.profile, record.knob, "restored");
        publish("policy_restored", record.profile, gpu->index, gpu->uuid, record.knob, "enforce",
                setting_json(GpuSetting::power(current)), setting_json(record.original), "restored",
                "already at the original setting after an unclean stop (reset by the driver or by hand); nothing to change");
        continue;
      }
      auto check = check_power_ownership(record, current, gpu->default_limit_watts, identity_changed(record, cycle));
      if (check == OwnershipCheck::external_change) {
        ownership_.remove(record.uuid, record.knob);
        knobs_[{record.uuid, record.knob}].block = Block::backed_off;
        knobs_[{record.uuid, record.knob}].reason = "changed by someone else while the agent was down";
        count(record.profile, record.knob, "backed_off");
        publish("policy_conflict", record.profile, gpu->index, gpu->uuid, record.knob, "enforce",
                setting_json(record.set), setting_json(GpuSetting::power(current)), "backed_off",
                "changed while the agent was down; left as it is");
        continue;
      }
      if (check == OwnershipCheck::driver_reset) {
        ownership_.remove(record.uuid, record.knob);
        count(record.profile, record.knob, "restored");
        publish("policy_restored", record.profile, gpu->index, gpu->uuid, record.knob, "enforce",
                setting_json(record.set), setting_json(GpuSetting::power(current)), "restored",
                "the driver reset the GPU to its default since; nothing of ours is in force");
        continue;
      }
    }
    submit(*gpu, cycle, record.original, record.set, record.profile, nlohmann::json::object(), true, why);
  }
}

void PolicyController::check_ownership(const PolicyCycle& cycle, const std::map<KnobKey, const KnobTarget*>& targets) {
  for (const auto& record : ownership_.all()) {
    if (record.knob != Knob::power_limit) continue;  // NVML cannot read locked clocks back
    KnobControl& control = knobs_[{record.uuid, record.knob}];
    if (control.in_flight) continue;
    auto gpu = std::find_if(cycle.gpus.begin(), cycle.gpus.end(), [&](const auto& g) { return g.uuid == record.uuid; });
    if (gpu == cycle.gpus.end() || !gpu->current_limit_watts) continue;
    double current = *gpu->current_limit_watts;
    auto check = check_power_ownership(record, current, gpu->default_limit_watts, identity_changed(record, cycle));
    if (check == OwnershipCheck::ours) continue;
    if (check == OwnershipCheck::external_change) {
      ownership_.remove(record.uuid, record.knob);
      control.block = Block::backed_off;
      control.reason = "the power limit was changed to " + setting_text(GpuSetting::power(current)) +
                       " by someone else; not managed until the profiles are reloaded";
      spdlog::warn("policy: GPU {}: {}", gpu->index, control.reason);
      count(record.profile, record.knob, "backed_off");
      CallerIdentity identity{AuthMethod::agent, "policy:" + record.profile, ""};
      ControlOutcome outcome;
      outcome.result = "backed_off";
      outcome.reason = control.reason;
      outcome.before = setting_json(record.set);
      outcome.after = setting_json(GpuSetting::power(current));
      std::string request_id;
      control_.audit_autonomous("policy_conflict", identity, {{"profile", record.profile}, {"gpu", gpu->index}, {"uuid", gpu->uuid}},
                                "response", outcome, request_id);
      publish("policy_conflict", record.profile, gpu->index, gpu->uuid, record.knob, mode_text(record.profile),
              setting_json(record.set), setting_json(GpuSetting::power(current)), "backed_off", control.reason);
      continue;
    }
    // The driver reset it (reload, reboot): what we set is gone. Re-applied
    // below when a profile still wants it; otherwise nothing is left to undo.
    spdlog::info("policy: GPU {}: power limit back at the default {}W (driver reset); {}", gpu->index, current,
                 targets.count({record.uuid, record.knob}) ? "re-applying" : "nothing to restore");
    OwnedKnob updated = record;
    updated.set = GpuSetting::power(current);
    auto driver = cycle.driver_versions.find(record.uuid);
    if (driver != cycle.driver_versions.end()) updated.driver_version = driver->second;
    updated.boot_id = options_.boot_id;
    if (!targets.count({record.uuid, record.knob})) {
      ownership_.remove(record.uuid, record.knob);
    } else {
      // The original stays what the operator had; the setting we had is lost.
      ownership_.put(updated);
      control.last_target.reset();
    }
  }
}

void PolicyController::drive_targets(const PolicyCycle& cycle, const std::map<KnobKey, const KnobTarget*>& targets) {
  for (const auto& [key, target] : targets) {
    KnobControl& control = knobs_[key];
    if (control.in_flight) continue;
    if (control.block == Block::no_permission || control.block == Block::unsupported ||
        control.block == Block::backed_off) {
      continue;
    }
    if (control.block == Block::failed && cycle.now < control.retry_at) continue;
    auto gpu = std::find_if(cycle.gpus.begin(), cycle.gpus.end(), [&](const auto& g) { return g.uuid == key.first; });
    if (gpu == cycle.gpus.end()) continue;
    const OwnedKnob* record = ownership_.find(key.first, key.second);
    GpuSetting current;
    if (record) {
      current = record->set;
    } else if (key.second == Knob::power_limit) {
      if (!gpu->current_limit_watts) {
        control.block = Block::unsupported;
        control.reason = "the driver reports no current power limit";
        continue;
      }
      current = GpuSetting::power(*gpu->current_limit_watts);
    } else {
      current = GpuSetting::default_of(key.second);
    }
    control.rate_limited_until.reset();
    if (same_setting(current, target->setting)) {
      control.last_target = target->setting;
      continue;
    }
    // A new target is one change, however many steps it takes.
    bool new_target = !control.last_target || !same_setting(*control.last_target, target->setting);
    auto& times = changes_[key.first];
    while (!times.empty() && cycle.now - times.front() >= kRateWindow) times.pop_front();
    if (new_target) {
      if (times.size() >= target->max_changes_per_hour) {
        control.rate_limited_until = times.front() + kRateWindow;
        continue;
      }
    }
    if (!record) {
      // The original, on disk before the first change.
      OwnedKnob owned;
      owned.uuid = gpu->uuid;
      owned.gpu = gpu->index;
      owned.knob = key.second;
      owned.original = current;
      owned.set = current;
      owned.profile = target->profile;
      auto driver = cycle.driver_versions.find(gpu->uuid);
      if (driver != cycle.driver_versions.end()) owned.driver_version = driver->second;
      owned.boot_id = options_.boot_id;
      if (auto error = ownership_.put(owned)) {
        control.block = Block::failed;
        control.reason = "cannot record the original setting, so no change is made: " + *error;
        control.retry_at = cycle.now + kRetryAfterFailure;
        continue;
      }
    }
    GpuSetting next = step_toward(current, target->setting, target->step_watts);
    std::string why = same_setting(next, target->setting) ? "condition held" : "step towards " + setting_text(target->setting);
    if (submit(*gpu, cycle, next, current, target->profile, target->condition, false, why) && new_target) {
      times.push_back(cycle.now);
      control.last_target = target->setting;
    }
  }
}

void PolicyController::restore_unwanted(const PolicyCycle& cycle, const std::map<KnobKey, const KnobTarget*>& targets) {
  for (const auto& record : ownership_.all()) {
    KnobKey key{record.uuid, record.knob};
    if (targets.count(key)) continue;
    KnobControl& control = knobs_[key];
    if (control.in_flight) continue;
    if (control.block == Block::failed && cycle.now < control.retry_at) continue;
    if (control.block == Block::no_permission) continue;
    auto gpu = std::find_if(cycle.gpus.begin(), cycle.gpus.end(), [&](const auto& g) { return g.uuid == record.uuid; });
    if (gpu == cycle.gpus.end()) continue;
    control.last_target.reset();
    if (same_setting(record.set, record.original)) {
      ownership_.remove(record.uuid, record.knob);
      continue;
    }
    // Undoing is always allowed (it returns the GPU to the operator's
    // setting), and it is counted as a change of the GPU.
    changes_[record.uuid].push_back(cycle.now);
    submit(*gpu, cycle, record.original, record.set, record.profile, nlohmann::json::object(), true,
           "no enforcing profile wants it any more");
  }
}

void PolicyController::audit_dry_runs(const PolicyCycle& cycle, const Evaluation& evaluation) {
  auto modes = effective_modes();
  std::map<std::pair<std::string, std::string>, ProfilePhase> phases;
  for (const auto& state : evaluation.states) {
    if (modes[state.profile] != PolicyMode::dry_run) continue;
    auto key = std::make_pair(state.profile, state.uuid);
    phases[key] = state.phase;
    bool wants = state.phase == ProfilePhase::applied || state.phase == ProfilePhase::cooldown;
    auto previous = dry_run_phases_.find(key);
    bool wanted = previous != dry_run_phases_.end() &&
                  (previous->second == ProfilePhase::applied || previous->second == ProfilePhase::cooldown);
    if (wants == wanted) continue;
    auto gpu = std::find_if(cycle.gpus.begin(), cycle.gpus.end(), [&](const auto& g) { return g.uuid == state.uuid; });
    for (const auto& desired : state.desired) {
      GpuSetting current = desired.knob == Knob::power_limit && gpu != cycle.gpus.end() && gpu->current_limit_watts
                               ? GpuSetting::power(*gpu->current_limit_watts)
                               : GpuSetting::default_of(desired.knob);
      nlohmann::json before = setting_json(wants ? current : desired);
      nlohmann::json after = setting_json(wants ? desired : current);
      std::string why = wants ? "dry_run: would apply (condition held for spec.for)"
                              : "dry_run: would restore (condition false for spec.cooldown)";
      CallerIdentity identity{AuthMethod::agent, "policy:" + state.profile, ""};
      ControlOutcome outcome;
      outcome.result = "dry_run";
      outcome.reason = why;
      outcome.before = before;
      outcome.after = after;
      std::string request_id;
      control_.audit_autonomous(wants ? "policy_action" : "policy_restore", identity,
                                {{"profile", state.profile},
                                 {"gpu", state.gpu},
                                 {"uuid", state.uuid},
                                 {"action", to_string(desired.knob)},
                                 {"condition", state.condition.values}},
                                "response", outcome, request_id);
      count(state.profile, desired.knob, "dry_run");
      publish("policy_action", state.profile, state.gpu, state.uuid, desired.knob, "dry_run", before, after, "dry_run",
              why);
    }
  }
  dry_run_phases_ = std::move(phases);
}

void PolicyController::observe(const PolicyCycle& cycle) {
  std::lock_guard lock(mutex_);
  for (const auto& result : actuator_.take_results()) handle_result(result, cycle.now);
  last_gpus_ = cycle.gpus;
  // Device limits become known with the first GPUs: check the profiles against them.
  if (cycle.gpus.size() != device_count_) {
    device_count_ = cycle.gpus.size();
    force_scan_ = true;
  }
  scan_directory(force_scan_);
  force_scan_ = false;

  PolicyInput input;
  input.now = cycle.now;
  input.local_minute = options_.local_minute(cycle.now);
  input.gpus = cycle.gpus;
  input.node_power_watts = cycle.node_power_watts;
  input.envelope_watts = options_.envelope_watts;
  Evaluation evaluation = evaluator_.evaluate(input, effective_modes());

  std::map<KnobKey, const KnobTarget*> targets;
  if (ownership_error_.empty()) {
    for (const auto& target : evaluation.targets) targets[{target.uuid, target.setting.knob}] = &target;
    if (!recovered_ && !cycle.gpus.empty()) {
      recover_previous_run(cycle);
      recovered_ = true;
    }
    check_ownership(cycle, targets);
    drive_targets(cycle, targets);
    restore_unwanted(cycle, targets);
  }
  audit_dry_runs(cycle, evaluation);
  if (auto busy = actuator_.busy_since(); busy && std::chrono::steady_clock::now() - *busy > kHungCall) {
    spdlog::warn("policy: a driver call has not returned for over {}s; no further change is made until it does",
                 std::chrono::duration_cast<std::chrono::seconds>(kHungCall).count());
  }
  // GPUs whose power limit the engine owns, or owned earlier in this run
  // (0 once restored); GPUs it never touched have no series.
  for (const auto& gpu : cycle.gpus) {
    bool owned = ownership_.find(gpu.uuid, Knob::power_limit) != nullptr;
    if (owned || managed_power_.count(gpu.uuid)) managed_power_[gpu.uuid] = {gpu.index, owned};
  }
  last_ = std::move(evaluation);
}

ControlOutcome PolicyController::set_mode(const std::string& name, const std::string& mode_text_in) {
  std::lock_guard lock(mutex_);
  ControlOutcome outcome;
  auto mode = parse_mode(mode_text_in);
  if (!mode) {
    outcome.status = 400;
    outcome.result = "failed";
    outcome.reason = "mode must be off, dry_run or enforce, got '" + mode_text_in + "'";
    return outcome;
  }
  const auto& profiles = evaluator_.profiles();
  auto profile = std::find_if(profiles.begin(), profiles.end(), [&](const auto& p) { return p.name == name; });
  if (profile == profiles.end()) {
    outcome.status = 404;
    outcome.result = "failed";
    outcome.reason = "no profile named '" + name + "' is loaded";
    return outcome;
  }
  auto previous = mode_overrides_;
  auto old = mode_overrides_.count(name) ? mode_overrides_[name] : profile->mode;
  outcome.before = {{"profile", name}, {"mode", mode_name(old)}};
  if (*mode == profile->mode) {
    mode_overrides_.erase(name);  // back to what the file says
  } else {
    mode_overrides_[name] = *mode;
  }
  if (auto error = save_modes()) {
    mode_overrides_ = std::move(previous);
    outcome.status = 503;
    outcome.result = "failed";
    outcome.reason = "the mode cannot be persisted, so it is not changed: " + *error;
    return outcome;
  }
  outcome.after = {{"profile", name}, {"mode", mode_name(*mode)}};
  outcome.body = {{"profile", name}, {"mode", mode_name(*mode)}, {"file_mode", mode_name(profile->mode)},
                  {"persisted", true}};
  if (*mode == PolicyMode::enforce && !ownership_error_.empty()) outcome.body["note"] = ownership_error_;
  return outcome;
}

ControlOutcome PolicyController::reload() {
  std::lock_guard lock(mutex_);
  scan_directory(true);
  // A reload is the operator's way to hand back GPUs the engine backed off from.
  for (auto& [key, control] : knobs_) {
    if (control.block != Block::none && !control.in_flight) {
      control.block = Block::none;
      control.reason.clear();
    }
  }
  ControlOutcome outcome;
  nlohmann::json files = nlohmann::json::array();
  bool ok = true;
  for (const auto& file : directory_.files()) {
    files.push_back(file_status_json(file));
    ok = ok && file.ok;
  }
  outcome.body = {{"directory", directory_.directory()}, {"profiles", directory_.profiles().size()}, {"files", files}};
  outcome.after = outcome.body;
  if (!ok) {
    outcome.result = "failed";
    outcome.status = 422;
    outcome.reason = "some profile files have errors; their previous profiles stay in force";
  }
  return outcome;
}

void PolicyController::stop(std::chrono::milliseconds timeout) {
  std::lock_guard lock(mutex_);
  actuator_.wait_idle(timeout);
  auto now = Clock::now();
  for (const auto& result : actuator_.take_results()) handle_result(result, now);
  PolicyCycle cycle;
  cycle.now = now;
  cycle.gpus = last_gpus_;
  std::size_t submitted = 0;
  for (const auto& record : ownership_.all()) {
    auto gpu = std::find_if(cycle.gpus.begin(), cycle.gpus.end(), [&](const auto& g) { return g.uuid == record.uuid; });
    if (gpu == cycle.gpus.end() || knobs_[{record.uuid, record.knob}].in_flight) continue;
    if (same_setting(record.set, record.original)) {
      ownership_.remove(record.uuid, record.knob);
      continue;
    }
    if (submit(*gpu, cycle, record.original, record.set, record.profile, nlohmann::json::object(), true,
               "the agent is stopping")) {
      ++submitted;
    }
  }
  if (submitted == 0) return;
  if (!actuator_.wait_idle(timeout)) {
    spdlog::error("policy: the driver did not answer within {}s while restoring; the records stay for the next start",
                  std::chrono::duration_cast<std::chrono::seconds>(timeout).count());
  }
  for (const auto& result : actuator_.take_results()) handle_result(result, now);
  spdlog::info("policy: restored the settings it managed ({} left recorded)", ownership_.all().size());
}

}  // namespace ainode
