#include "aiops/risk_history.hpp"

#include <algorithm>
#include <stdexcept>

namespace ainode {

namespace {

using Clock = GpuRiskHistory::Clock;

double unix_seconds(Clock::time_point t) { return std::chrono::duration<double>(t.time_since_epoch()).count(); }
Clock::time_point from_unix_seconds(double seconds) {
  return Clock::time_point(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds)));
}

// A counter point a minute is enough for rates per minute and per hour;
// a counter that went backwards (driver reload, GPU reset) starts over.
void sample_counter(TimeWindow<double>& window, std::optional<double> value, Clock::time_point now,
                    Clock::duration every = GpuRiskHistory::kMinute) {
  if (!value) return;
  const auto* newest = window.newest();
  if (newest && *value < newest->value) window.clear();
  newest = window.newest();
  if (!newest || now - newest->time >= every) window.push(now, *value);
}

// For a counter window read only for its values (the oldest of the day and
// each increase; the uncorrected ECC rule): a run of equal readings is kept
// as its first and last point, which leaves both readings unchanged. A
// healthy GPU's count never moves, and a point a minute for a day was 1,440
// points per GPU (~23 KB) for nothing.
void sample_counter_values(TimeWindow<double>& window, std::optional<double> value, Clock::time_point now) {
  const auto& points = window.points();
  if (value && points.size() >= 2 && points.back().value == *value && points[points.size() - 2].value == *value) {
    if (now - points.back().time >= GpuRiskHistory::kMinute) window.move_newest(now);
    return;
  }
  sample_counter(window, value, now);
}

template <typename Deque, typename Time>
void drop_older(Deque& items, Clock::time_point limit, Time time_of) {
  while (!items.empty() && time_of(items.front()) < limit) items.pop_front();
}

nlohmann::json window_to_json(const TimeWindow<double>& window) {
  auto out = nlohmann::json::array();
  for (const auto& p : window.points()) out.push_back({unix_seconds(p.time), p.value});
  return out;
}

void window_from_json(const nlohmann::json& json, const char* key, TimeWindow<double>& window) {
  if (!json.contains(key)) return;
  for (const auto& point : json.at(key)) window.push(from_unix_seconds(point.at(0).get<double>()), point.at(1).get<double>());
}

}  // namespace

bool running_hot(const GpuView& gpu) {
  if (gpu.throttled_by("sw_thermal") || gpu.throttled_by("hw_thermal")) return true;
  if (!gpu.reading.temperature_celsius) return false;
  std::optional<double> limit;
  for (const char* name : {"slowdown", "gpu_max"}) {
    auto it = gpu.reading.temperature_thresholds_celsius.find(name);
    if (it != gpu.reading.temperature_thresholds_celsius.end() && it->second > 0) {
      limit = limit ? std::min(*limit, it->second) : it->second;
    }
  }
  return limit && *gpu.reading.temperature_celsius >= *limit;
}

std::optional<double> ecc_count(const GpuView& gpu, const std::string& type) {
  for (const char* scope : {"aggregate", "volatile"}) {
    auto it = gpu.reading.ecc_errors.find({type, scope});
    if (it != gpu.reading.ecc_errors.end()) return it->second;
  }
  return std::nullopt;
}

std::optional<double> nvlink_error_count(const GpuView& gpu) {
  std::optional<double> sum;
  for (const auto& link : gpu.reading.nvlinks) {
    for (const auto& [name, count] : link.errors) sum = sum.value_or(0) + count;
  }
  return sum;
}

void update_history(GpuRiskHistory& history, const GpuView& gpu, Clock::time_point now) {
  history.gpu = gpu.reading.index;
  history.uuid = gpu.reading.uuid;
  // Time since the previous cycle, bounded so a stopped agent does not count
  // its downtime as hours spent hot.
  double elapsed = 0;
  if (history.last_seen && now > *history.last_seen) {
    elapsed = std::min(60.0, std::chrono::duration<double>(now - *history.last_seen).count());
  }
  history.last_seen = now;

  bool hot = gpu.reading.up && running_hot(gpu);
  if (hot && !history.hot) history.hot_episodes.push_back(now);
  history.hot = hot;
  bool slowed = gpu.throttled_by("hw_slowdown") || gpu.throttled_by("hw_power_brake");
  if (!history.minute_start) history.minute_start = now;
  if (hot) history.minute_hot += elapsed;
  if (slowed) history.minute_slowdown += elapsed;
  if (now - *history.minute_start >= GpuRiskHistory::kMinute) {
    // Only minutes that had any: the windows are read as day totals, and a
    // cool GPU's 1,440 zeros a day per window added nothing to them.
    if (history.minute_hot > 0) history.hot_seconds.push(now, history.minute_hot);
    if (history.minute_slowdown > 0) history.slowdown_seconds.push(now, history.minute_slowdown);
    history.minute_start = now;
    history.minute_hot = history.minute_slowdown = 0;
  }

  if (gpu.reading.up) {
    sample_counter(history.corrected_ecc, ecc_count(gpu, "corrected"), now, GpuRiskHistory::kCorrectedEccEvery);
    sample_counter_values(history.uncorrected_ecc, ecc_count(gpu, "uncorrected"), now);
    sample_counter(history.pcie_replays, gpu.reading.pcie_replays, now);
    sample_counter(history.nvlink_errors, nvlink_error_count(gpu), now);
    for (const auto& link : gpu.reading.nvlinks) {
      if (link.up) history.nvlinks_seen_up.insert(link.link);
    }
  }
  drop_older(history.hot_episodes, now - GpuRiskHistory::kDay, [](Clock::time_point t) { return t; });
  drop_older(history.xids, now - GpuRiskHistory::kXidMemory, [](const XidSighting& x) { return x.at; });
}

void record_xid(GpuRiskHistory& history, const XidSighting& sighting) {
  for (const auto& known : history.xids) {
    auto gap = known.at > sighting.at ? known.at - sighting.at : sighting.at - known.at;
    if (known.code == sighting.code && gap <= std::chrono::seconds(2)) return;
  }
  auto at = std::upper_bound(history.xids.begin(), history.xids.end(), sighting.at,
                             [](Clock::time_point t, const XidSighting& x) { return t < x.at; });
  history.xids.insert(at, sighting);
}

nlohmann::json history_to_json(const GpuRiskHistory& history) {
  auto xids = nlohmann::json::array();
  for (const auto& x : history.xids) xids.push_back({{"at", unix_seconds(x.at)}, {"code", x.code}, {"source", x.source}});
  auto episodes = nlohmann::json::array();
  for (auto t : history.hot_episodes) episodes.push_back(unix_seconds(t));
  return {{"gpu", history.gpu},
          {"uuid", history.uuid},
          {"action", to_string(history.action)},
          {"risk", history.risk},
          {"xids", xids},
          {"hot_episodes", episodes},
          {"hot_seconds", window_to_json(history.hot_seconds)},
          {"slowdown_seconds", window_to_json(history.slowdown_seconds)},
          {"corrected_ecc", window_to_json(history.corrected_ecc)},
          {"uncorrected_ecc", window_to_json(history.uncorrected_ecc)},
          {"nvlinks_seen_up", history.nvlinks_seen_up}};
}

GpuRiskHistory history_from_json(const nlohmann::json& json) {
  GpuRiskHistory history;
  history.gpu = json.at("gpu").get<unsigned>();
  history.uuid = json.at("uuid").get<std::string>();
  if (history.uuid.empty()) throw std::invalid_argument("empty uuid");
  auto action = parse_risk_action(json.at("action").get<std::string>());
  if (!action) throw std::invalid_argument("unknown action " + json.at("action").get<std::string>());
  history.action = *action;
  history.risk = json.at("risk").get<double>();
  for (const auto& x : json.at("xids")) {
    record_xid(history, XidSighting{from_unix_seconds(x.at("at").get<double>()), x.at("code").get<unsigned>(),
                                    x.at("source").get<std::string>()});
  }
  for (const auto& t : json.at("hot_episodes")) history.hot_episodes.push_back(from_unix_seconds(t.get<double>()));
  window_from_json(json, "hot_seconds", history.hot_seconds);
  window_from_json(json, "slowdown_seconds", history.slowdown_seconds);
  window_from_json(json, "corrected_ecc", history.corrected_ecc);
  window_from_json(json, "uncorrected_ecc", history.uncorrected_ecc);
  for (const auto& link : json.at("nvlinks_seen_up")) history.nvlinks_seen_up.insert(link.get<unsigned>());
  return history;
}

}  // namespace ainode
