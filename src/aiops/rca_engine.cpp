#include "aiops/rca_engine.hpp"

#include <algorithm>

#include "aiops/rca_calibration.hpp"

namespace ainode::aiops {

namespace {

const MetricDesc kFindingsTotal{"ainode_rca_findings_total", MetricType::counter, "",
                                "Root-cause findings reported since the agent started, by cause (docs/rca.md).",
                                {"cause"}};
const MetricDesc kOpenFindings{"ainode_rca_open_findings", MetricType::gauge, "",
                               "Root-cause findings whose episode is still going on, by cause and GPU (gpu is empty "
                               "for node and pod findings).",
                               {"cause", "gpu"}};

constexpr double kPodEventHoldSeconds = 60;
// (20 W)^2: less spread than this in a GPU's healthy power fits no slope.
constexpr double kMinPowerVariance = 400;

double seconds_between(std::chrono::system_clock::time_point a, std::chrono::system_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

Severity finding_severity(const std::string& cause) {
  static const std::set<std::string> critical = {"gpu_lost", "ecc_errors", "xid"};
  return critical.count(cause) ? Severity::critical : Severity::warning;
}

std::string payload_text(const nlohmann::json& payload, const char* key) {
  auto it = payload.find(key);
  return it != payload.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

RcaEngine::RcaEngine(RcaOptions options, Publish publish) : options_(options), publish_(std::move(publish)) {
  for (const auto& cause : rca_causes()) totals_[cause] = 0;
}

const std::vector<std::string>& RcaEngine::subscribed_types() {
  static const std::vector<std::string> types = {"policy_action", "policy_restored", "pod_evicted", "container_restarted",
                                                 "container_oom_killed"};
  return types;
}

void RcaEngine::on_event(const EventDraft& draft) {
  const auto& types = subscribed_types();
  if (std::find(types.begin(), types.end(), draft.type) == types.end()) return;
  std::lock_guard lock(mutex_);
  if (queued_.size() < 1024) queued_.push_back(draft);
}

void RcaEngine::consume_events(std::chrono::system_clock::time_point now, std::vector<Evidence>& held) {
  std::deque<EventDraft> events;
  {
    std::lock_guard lock(mutex_);
    events.swap(queued_);
  }
  for (const auto& d : events) {
    const nlohmann::json& p = d.payload;
    std::string uuid = payload_text(p, "uuid");
    if (d.type == "policy_action" && payload_text(p, "action") == "power_limit" && !uuid.empty()) {
      std::string result = payload_text(p, "result");
      if (result == "applied" && p.contains("after") && p["after"].is_number()) {
        own_caps_[uuid] = OwnPowerCap{payload_text(p, "profile"), p["after"].get<double>()};
      }
      continue;
    }
    if (d.type == "policy_restored") {
      if (!uuid.empty()) own_caps_.erase(uuid);
      continue;
    }
    // Pod events: the kubelet's own word about a pod on this node.
    Evidence e;
    e.subject.kind = RcaSubject::Kind::pod;
    e.subject.namespace_name = payload_text(p, "namespace");
    e.subject.pod = payload_text(p, "pod");
    if (e.subject.pod.empty()) continue;
    e.at = now;
    e.hold_seconds = kPodEventHoldSeconds;
    e.weight = 3;
    e.signal = "event." + d.type;
    e.value = p.contains("restart_count") && p["restart_count"].is_number() ? p["restart_count"].get<double>() : 1;
    std::string reason = payload_text(p, "reason");
    if (d.type == "pod_evicted") e.cause = "pod_eviction";
    else if (d.type == "container_oom_killed" || reason == "OOMKilled") e.cause = "oom_kill";
    else e.cause = "pod_restart";
    held.push_back(std::move(e));
  }
}

void RcaEngine::observe(std::span<const Family> families, std::chrono::system_clock::time_point now) {
  CycleFeatures features = extractor_.extract(families, now);
  // Our own policy's cap, also when only its gauge says so (no event seen, e.g. after a restart).
  for (const auto& family : families) {
    if (family.desc == nullptr || family.desc->name != "ainode_gpu_power_limit_managed") continue;
    const auto& labels = family.desc->labels;
    auto uuid_at = std::find(labels.begin(), labels.end(), "uuid") - labels.begin();
    for (const auto& sample : family.samples) {
      if (static_cast<std::size_t>(uuid_at) >= sample.label_values.size()) continue;
      const std::string uuid(sample.label_values[static_cast<std::size_t>(uuid_at)]);
      if (sample.value == 1 && !own_caps_.count(uuid)) own_caps_[uuid] = OwnPowerCap{"", std::nullopt};
      if (sample.value == 0) own_caps_.erase(uuid);
    }
  }
  std::vector<Evidence> fresh;
  consume_events(now, fresh);
  Baselines baselines = current_baselines(now);
  auto from_rules = evaluate_rules(RuleInputs{features, baselines, own_caps_, last_slowdown_margin_, previous_pods_});
  for (auto& e : from_rules) fresh.push_back(std::move(e));

  // One-off evidence keeps counting for its hold time.
  held_.erase(std::remove_if(held_.begin(), held_.end(),
                             [&](const Evidence& e) { return seconds_between(e.at, now) > e.hold_seconds; }),
              held_.end());
  std::vector<Evidence> evidence = held_;
  for (auto& e : fresh) {
    if (e.hold_seconds > 0) held_.push_back(e);
    evidence.push_back(std::move(e));
  }
  update_episodes(evidence, now);
  close_quiet_episodes(now);
  update_baselines(features, evidence);
  for (const auto& g : features.gpus) {
    if (g.up && g.temperature_celsius && g.slowdown_celsius) {
      last_slowdown_margin_[g.uuid] = *g.slowdown_celsius - *g.temperature_celsius;
    }
  }
  previous_pods_ = std::move(features.pods);
}

void RcaEngine::update_episodes(const std::vector<Evidence>& evidence, std::chrono::system_clock::time_point now) {
  // Per subject and cause, each signal counts once (its strongest reading).
  std::map<std::string, std::map<std::string, std::map<std::string, const Evidence*>>> by_subject;
  for (const auto& e : evidence) {
    auto& slot = by_subject[e.subject.key()][e.cause][e.signal];
    if (slot == nullptr || e.weight > slot->weight || (e.weight == slot->weight && e.at > slot->at)) slot = &e;
  }
  for (auto& [key, causes] : by_subject) {
    auto [it, opened] = episodes_.try_emplace(key);
    Episode& episode = it->second;
    if (opened) {
      episode.start = now;
      episode.subject = causes.begin()->second.begin()->second->subject;
    }
    episode.last_evidence = now;
    for (auto& [cause, track] : episode.causes) track.score = 0;
    for (const auto& [cause, signals] : causes) {
      CauseTrack& track = episode.causes[cause];
      for (const auto& [signal, e] : signals) {
        track.score += e->weight;
        track.evidence[signal] = *e;
      }
    }
    for (auto& [cause, track] : episode.causes) track.cycles = track.score >= options_.min_score ? track.cycles + 1 : 0;
    report(episode, now);
  }
  // Subjects with no evidence this cycle: their causes stop accumulating.
  for (auto& [key, episode] : episodes_) {
    if (by_subject.count(key)) continue;
    for (auto& [cause, track] : episode.causes) {
      track.score = 0;
      track.cycles = 0;
    }
  }
}

void RcaEngine::report(Episode& episode, std::chrono::system_clock::time_point now) {
  std::vector<std::pair<std::string, double>> ranked;
  for (const auto& [cause, track] : episode.causes) {
    if (track.score > 0) ranked.emplace_back(cause, track.score);
  }
  if (ranked.empty()) return;
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  const auto& [cause, score] = ranked.front();
  const CauseTrack& track = episode.causes[cause];
  unsigned needed = cause == "unknown" ? options_.unknown_confirm_cycles : options_.confirm_cycles;
  // "unknown" only when no named cause has any evidence on the subject.
  if (cause == "unknown" && ranked.size() > 1) return;
  if (score < options_.min_score || track.cycles < needed || episode.reported.count(cause)) return;

  Finding f;
  f.cause = cause;
  f.score = score;
  f.margin = score - (ranked.size() > 1 ? ranked[1].second : 0);
  f.subject = episode.subject;
  f.start = episode.start;
  f.reported_at = now;
  for (const auto& [signal, e] : track.evidence) f.evidence.push_back(e);
  f.features = confidence_features(score, ranked.size() > 1 ? ranked[1].second : 0, f.evidence,
                                   seconds_between(episode.start, now));
  f.confidence = calibrated_confidence(f.features);
  for (std::size_t i = 1; i < ranked.size(); ++i) f.alternatives.push_back(ranked[i]);
  f.action = recommended_action(cause, f.evidence);
  f.id = "rca-" + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count()) +
         "-" + std::to_string(next_id_++);
  episode.reported[cause] = f.id;
  {
    std::lock_guard lock(mutex_);
    findings_.push_back(f);
    ++totals_[cause];
  }
  if (publish_) {
    EventDraft draft;
    draft.type = "rca_finding";
    draft.severity = finding_severity(cause);
    draft.subject.gpu = f.subject.gpu;
    draft.subject.uuid = f.subject.uuid;
    draft.subject.namespace_name = f.subject.namespace_name;
    draft.subject.pod = f.subject.pod;
    draft.message = "root cause " + cause + " on " + f.subject.key() + " (confidence " +
                    std::to_string(static_cast<int>(f.confidence * 100 + 0.5)) + "%): " + f.action;
    draft.payload = finding_json(f);
    publish_(std::move(draft));
  }
}

void RcaEngine::close_quiet_episodes(std::chrono::system_clock::time_point now) {
  for (auto it = episodes_.begin(); it != episodes_.end();) {
    Episode& episode = it->second;
    if (now - episode.last_evidence < options_.close_after) {
      ++it;
      continue;
    }
    std::vector<Finding> closed;
    {
      std::lock_guard lock(mutex_);
      for (auto& f : findings_) {
        bool ours = std::any_of(episode.reported.begin(), episode.reported.end(),
                                [&](const auto& r) { return r.second == f.id; });
        if (ours && f.open()) {
          f.end = episode.last_evidence;
          closed.push_back(f);
        }
      }
      // Keep the newest closed findings only.
      std::size_t closed_count = static_cast<std::size_t>(
          std::count_if(findings_.begin(), findings_.end(), [](const Finding& f) { return !f.open(); }));
      for (auto f = findings_.begin(); f != findings_.end() && closed_count > options_.keep_closed;) {
        if (!f->open()) {
          f = findings_.erase(f);
          --closed_count;
        } else {
          ++f;
        }
      }
    }
    if (publish_) {
      for (const auto& f : closed) {
        EventDraft draft;
        draft.type = "rca_finding";
        draft.severity = Severity::info;
        draft.subject.gpu = f.subject.gpu;
        draft.subject.uuid = f.subject.uuid;
        draft.subject.namespace_name = f.subject.namespace_name;
        draft.subject.pod = f.subject.pod;
        draft.message = "root cause " + f.cause + " on " + f.subject.key() + ": episode ended";
        draft.payload = finding_json(f);
        publish_(std::move(draft));
      }
    }
    it = episodes_.erase(it);
  }
}

void RcaEngine::update_baselines(const CycleFeatures& features, const std::vector<Evidence>& evidence) {
  // A baseline a rule fired against stays frozen until that episode ends:
  // a fault's readings are not the healthy level.
  for (const auto& e : evidence) {
    auto episode = episodes_.find(e.subject.key());
    if (!e.baseline_key.empty() && episode != episodes_.end()) episode->second.frozen_baselines.insert(e.baseline_key);
  }
  // Each window keeps only baseline_span of points: current_baselines()
  // reads no further back, and a frozen key (no new points) loses its
  // baseline after baseline_span either way. Keeping the whole 15-minute
  // window held 3x the points (~0.5 MB on the 8-GPU twin) that nothing read.
  std::set<std::string> frozen;
  for (const auto& [subject, episode] : episodes_) frozen.insert(episode.frozen_baselines.begin(), episode.frozen_baselines.end());
  for (const auto& g : features.gpus) {
    std::string key = "gpu/" + std::to_string(g.index);
    if (!g.up || !g.temperature_celsius || !g.lagged_power_watts || frozen.count(key + "/temperature")) continue;
    auto [it, added] = thermal_history_.try_emplace(key, options_.baseline_span);
    it->second.push(features.time, {*g.lagged_power_watts, *g.temperature_celsius});
  }
  for (const auto& [key, value] : baseline_samples(features)) {
    if (frozen.count(key)) continue;
    auto [it, added] = history_.try_emplace(key, options_.baseline_span);
    it->second.push(features.time, value);
  }
  // Forget signals not seen for a whole window (a process that exited).
  for (auto it = history_.begin(); it != history_.end();) {
    const auto* newest = it->second.newest();
    if (newest == nullptr || features.time - newest->time > options_.window) it = history_.erase(it);
    else ++it;
  }
}

Baselines RcaEngine::current_baselines(std::chrono::system_clock::time_point now) const {
  Baselines b;
  for (const auto& [key, window] : thermal_history_) {
    double n = 0, sum_p = 0, sum_t = 0, sum_pp = 0, sum_pt = 0;
    window.for_each_since(now, options_.baseline_span, [&](const auto& point) {
      auto [p, t] = point.value;
      n += 1;
      sum_p += p;
      sum_t += t;
      sum_pp += p * p;
      sum_pt += p * t;
    });
    if (n < static_cast<double>(options_.baseline_min_points)) continue;
    double mean_p = sum_p / n, mean_t = sum_t / n;
    double variance = sum_pp / n - mean_p * mean_p, covariance = sum_pt / n - mean_p * mean_t;
    // A steady load gives no spread of power to fit a slope on: then the
    // healthy temperature is its mean.
    double slope = variance >= kMinPowerVariance ? covariance / variance : 0;
    b.thermal[key] = Baselines::ThermalFit{mean_t - slope * mean_p, slope};
  }
  for (const auto& [key, window] : history_) {
    auto stats = window_stats(window, now, options_.baseline_span);
    if (stats && stats->count >= options_.baseline_min_points) b.values[key] = Baselines::Level{stats->mean, stats->max};
  }
  return b;
}

std::vector<Finding> RcaEngine::findings() const {
  std::lock_guard lock(mutex_);
  std::vector<Finding> out(findings_.rbegin(), findings_.rend());
  std::stable_partition(out.begin(), out.end(), [](const Finding& f) { return f.open(); });
  return out;
}

nlohmann::json RcaEngine::to_json() const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& f : findings()) list.push_back(finding_json(f));
  return {{"findings", std::move(list)}};
}

void RcaEngine::add_metrics(MetricSet& out) const {
  std::lock_guard lock(mutex_);
  for (const auto& [cause, total] : totals_) out.add(kFindingsTotal, {cause}, static_cast<double>(total));
  std::map<std::pair<std::string, std::string>, double> open;
  for (const auto& f : findings_) {
    if (f.open()) open[{f.cause, f.subject.gpu ? std::to_string(*f.subject.gpu) : ""}] += 1;
  }
  for (const auto& [key, count] : open) out.add(kOpenFindings, {key.first, key.second}, count);
}

const std::vector<const MetricDesc*>& rca_metric_descriptors() {
  static const std::vector<const MetricDesc*> descriptors = {&kFindingsTotal, &kOpenFindings};
  return descriptors;
}

}  // namespace ainode::aiops
