#include "aiops/risk_tracker.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/atomic_file.hpp"
#include "gpu/gpu_view.hpp"

namespace ainode {

namespace {

const MetricDesc kRisk{"ainode_gpu_failure_risk", MetricType::gauge, "",
                       "Failure risk of the GPU, 0..1, from its ECC, row remapping, XIDs, thermal, PCIe and NVLink "
                       "history (docs/risk.md).",
                       {"gpu", "uuid"}};
const MetricDesc kRiskReason{"ainode_gpu_failure_risk_reason", MetricType::gauge, "",
                             "Weight (0..1) of each reason behind the GPU's failure risk; only reasons that apply.",
                             {"gpu", "uuid", "reason"}};
const MetricDesc kRiskAction{"ainode_gpu_failure_risk_action", MetricType::gauge, "",
                             "1 for the recommended action (none, watch, drain, reset, rma) of the GPU's failure risk, "
                             "0 for the others.",
                             {"gpu", "uuid", "action"}};

// Saved at most once a minute (and at once on a new XID or a changed action):
// the history moves slowly and a state disk should not see a write a second.
constexpr auto kSaveInterval = std::chrono::minutes(1);

}  // namespace

std::vector<const MetricDesc*> risk_metric_descriptors() { return {&kRisk, &kRiskReason, &kRiskAction}; }

nlohmann::json risk_to_json(const RiskAssessment& assessment) {
  auto reasons = nlohmann::json::array();
  for (const auto& r : assessment.reasons) {
    reasons.push_back({{"reason", r.reason}, {"detail", r.detail}, {"weight", r.weight}, {"action", to_string(r.action)}});
  }
  return {{"value", assessment.value}, {"action", to_string(assessment.action)}, {"reasons", reasons}};
}

RiskTracker::RiskTracker(EventBus& bus, std::string state_file) : bus_(bus), state_file_(std::move(state_file)) {
  load();
  subscription_ = bus_.subscribe([this](const EventPtr& event, const EventDraft& draft) {
    if (draft.type != "gpu_xid" || draft.subject.uuid.empty()) return;
    const auto& payload = draft.payload;
    if (!payload.contains("xid") || !payload["xid"].is_number_unsigned()) return;
    XidSighting sighting{event->time, payload["xid"].get<unsigned>(), payload.value("source", "nvml")};
    // A kernel-log XID carries the time the kernel logged it.
    if (payload.contains("logged_unix_seconds") && payload["logged_unix_seconds"].is_number()) {
      sighting.at = Clock::time_point(std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(payload["logged_unix_seconds"].get<double>())));
    }
    std::lock_guard lock(pending_mutex_);
    pending_.emplace_back(draft.subject.uuid, sighting);
  });
}

RiskTracker::~RiskTracker() {
  subscription_.reset();
  std::lock_guard lock(mutex_);
  save(Clock::now());
}

void RiskTracker::observe(const Snapshot& snapshot) { observe_at(snapshot, Clock::now()); }

void RiskTracker::take_xids() {
  std::vector<std::pair<std::string, XidSighting>> xids;
  {
    std::lock_guard lock(pending_mutex_);
    xids.swap(pending_);
  }
  for (auto& [uuid, sighting] : xids) {
    auto& history = histories_[uuid];
    history.uuid = uuid;
    record_xid(history, sighting);
    dirty_ = true;
    next_save_ = {};  // an XID is worth a write now: it is what a restart must not forget
  }
}

void RiskTracker::observe_at(const Snapshot& snapshot, Clock::time_point now) {
  std::vector<EventDraft> changes;
  {
    std::lock_guard lock(mutex_);
    take_xids();
    current_.clear();
    index_.clear();
    for (const auto& gpu : gpu_views(snapshot)) {
      if (gpu.reading.uuid.empty()) continue;
      auto& history = histories_[gpu.reading.uuid];
      update_history(history, gpu, now);
      RiskAssessment assessment = assess_risk(gpu, history, now);
      index_[gpu.reading.uuid] = gpu.reading.index;
      if (assessment.action != history.action) {
        EventDraft event;
        event.type = "gpu_risk_changed";
        event.severity = assessment.action >= RiskAction::drain ? Severity::critical
                         : assessment.action == RiskAction::watch ? Severity::warning
                                                                  : Severity::info;
        event.subject.gpu = gpu.reading.index;
        event.subject.uuid = gpu.reading.uuid;
        auto json = risk_to_json(assessment);
        event.payload = {{"gpu", gpu.reading.index},
                         {"uuid", gpu.reading.uuid},
                         {"risk", assessment.value},
                         {"action", to_string(assessment.action)},
                         {"previous_action", to_string(history.action)},
                         {"reasons", json["reasons"]}};
        event.message = fmt::format("GPU {}: failure risk {:.2f}, recommended action {} (was {}){}{}", gpu.reading.index,
                                    assessment.value, to_string(assessment.action), to_string(history.action),
                                    assessment.reasons.empty() ? "" : ": ",
                                    assessment.reasons.empty() ? "" : assessment.reasons.front().detail);
        changes.push_back(std::move(event));
        history.action = assessment.action;
        next_save_ = {};
      }
      history.risk = assessment.value;
      current_[gpu.reading.uuid] = std::move(assessment);
    }
    dirty_ = true;
    if (now >= next_save_) save(now);
  }
  for (auto& event : changes) bus_.publish(std::move(event));
}

void RiskTracker::add_metrics(MetricSet& out) const {
  std::lock_guard lock(mutex_);
  for (const auto& [uuid, assessment] : current_) {
    std::string gpu = std::to_string(index_.at(uuid));
    out.add(kRisk, {gpu, uuid}, assessment.value);
    for (const auto& reason : assessment.reasons) out.add(kRiskReason, {gpu, uuid, reason.reason}, reason.weight);
    for (auto action : {RiskAction::none, RiskAction::watch, RiskAction::drain, RiskAction::reset, RiskAction::rma}) {
      out.add(kRiskAction, {gpu, uuid, to_string(action)}, assessment.action == action ? 1 : 0);
    }
  }
}

void RiskTracker::annotate_gpu(nlohmann::json& gpu) const {
  if (!gpu.contains("uuid") || !gpu["uuid"].is_string()) return;
  std::lock_guard lock(mutex_);
  auto it = current_.find(gpu["uuid"].get<std::string>());
  if (it != current_.end()) gpu["risk"] = risk_to_json(it->second);
}

std::map<std::string, RiskAssessment> RiskTracker::assessments() const {
  std::lock_guard lock(mutex_);
  return current_;
}

std::string RiskTracker::state_problem() const {
  std::lock_guard lock(mutex_);
  if (save_error_.empty()) return load_problem_;
  return load_problem_.empty() ? "not saved: " + save_error_ : load_problem_ + "; not saved: " + save_error_;
}

void RiskTracker::load() {
  if (state_file_.empty()) return;
  std::ifstream in(state_file_);
  if (!in) return;  // first start: nothing saved yet
  std::stringstream text;
  text << in.rdbuf();
  try {
    auto json = nlohmann::json::parse(text.str());
    if (json.at("version").get<int>() != 1) throw std::invalid_argument("unknown version");
    for (const auto& entry : json.at("gpus")) {
      GpuRiskHistory history = history_from_json(entry);
      histories_[history.uuid] = std::move(history);
    }
  } catch (const std::exception& error) {
    histories_.clear();
    std::string aside = set_file_aside(state_file_);
    load_problem_ = fmt::format("{}: unreadable risk history ({}); set aside as {}, starting afresh", state_file_,
                                 error.what(), aside.empty() ? "(rename failed)" : aside);
    spdlog::warn("{}", load_problem_);
  }
}

void RiskTracker::save(Clock::time_point now) {
  next_save_ = now + kSaveInterval;
  if (state_file_.empty() || !dirty_) return;
  auto gpus = nlohmann::json::array();
  for (const auto& [uuid, history] : histories_) gpus.push_back(history_to_json(history));
  nlohmann::json json{{"version", 1}, {"gpus", gpus}};
  if (auto error = write_file_atomically(state_file_, json.dump() + "\n")) {
    if (save_error_ != *error) spdlog::warn("risk history not saved: {}", *error);  // once per distinct failure
    save_error_ = *error;
    return;
  }
  if (!save_error_.empty()) spdlog::info("risk history saved again to {}", state_file_);
  save_error_.clear();
  dirty_ = false;
}

}  // namespace ainode
