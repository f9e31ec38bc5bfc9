#include "events/snapshot_events.hpp"

#include <charconv>

#include <fmt/format.h>

#include "events/xid_event.hpp"

namespace ainode {

namespace {

std::string label(const Family& family, const Sample& sample, std::string_view name) {
  const auto& labels = family.desc->labels;
  for (std::size_t i = 0; i < labels.size() && i < sample.label_values.size(); ++i) {
    if (labels[i] == name) return std::string(sample.label_values[i]);
  }
  return {};
}

EventSubject gpu_subject(const Family& family, const Sample& sample) {
  EventSubject subject;
  std::string gpu = label(family, sample, "gpu");
  unsigned index = 0;
  auto [end, error] = std::from_chars(gpu.data(), gpu.data() + gpu.size(), index);
  if (!gpu.empty() && error == std::errc{} && end == gpu.data() + gpu.size()) subject.gpu = index;
  subject.uuid = label(family, sample, "uuid");
  return subject;
}

std::string gpu_name(const EventSubject& subject) {
  return subject.gpu ? fmt::format("GPU {}", *subject.gpu) : std::string("GPU ") + subject.uuid;
}

// Series key: metric name plus the identifying labels (not the value).
std::string series_key(const Family& family, const Sample& sample, std::initializer_list<std::string_view> names) {
  std::string key(family.desc->name);
  key += '|';
  key += label(family, sample, "uuid");
  for (auto name : names) {
    key += '|';
    key += label(family, sample, name);
  }
  return key;
}

// Throttle reasons that hold clocks below what the workload asks for. The
// others NVML reports (idle, application/display clock settings, sync
// boost) are the GPU doing what it was told.
struct ThrottleKind {
  std::string_view reason;
  Severity severity;
};
constexpr ThrottleKind kThrottles[] = {
    {"sw_power_cap", Severity::info},    {"sw_thermal", Severity::warning},   {"hw_thermal", Severity::warning},
    {"hw_slowdown", Severity::warning},  {"hw_power_brake", Severity::warning},
};

const ThrottleKind* throttle_kind(std::string_view reason) {
  for (const auto& kind : kThrottles) {
    if (kind.reason == reason) return &kind;
  }
  return nullptr;
}

// Calls `on_change(key, before, now, family, sample)` for each sample of
// `name` whose value changed from what `store` last held (or, on the first
// sight of the series, from `unseen`).
template <typename OnChange>
void each_change(const Snapshot& snapshot, std::string_view name, std::initializer_list<std::string_view> key_labels,
                 std::map<std::string, double>& store, std::optional<double> unseen, OnChange on_change) {
  const Family* family = snapshot.find(name);
  if (!family) return;
  for (const auto& sample : family->samples) {
    std::string key = series_key(*family, sample, key_labels);
    auto it = store.find(key);
    std::optional<double> before = it == store.end() ? unseen : std::optional<double>(it->second);
    store[key] = sample.value;
    if (before && *before != sample.value) on_change(*before, sample.value, *family, sample);
  }
}

}  // namespace

int degradation_band(double score) { return score < 0.2 ? 0 : score < 0.5 ? 1 : 2; }

std::string_view degradation_band_name(int band) {
  return band == 0 ? "ok" : band == 1 ? "degraded" : "severe";
}

std::vector<EventDraft> SnapshotEventDeriver::derive(const Snapshot& snapshot) {
  std::vector<EventDraft> out;
  gpu_states(snapshot, out);
  gpu_counters(snapshot, out);
  collectors(snapshot, out);
  node(snapshot, out);
  ++snapshots_seen_;
  return out;
}

void SnapshotEventDeriver::gpu_states(const Snapshot& snapshot, std::vector<EventDraft>& out) {
  // A state first seen "on" is news (the agent just started and the GPU is
  // already throttling); first seen "off" is the normal baseline.
  each_change(snapshot, "ainode_gpu_throttle_reason", {"reason"}, states_, 0.0,
              [&](double, double now, const Family& family, const Sample& sample) {
                std::string reason = label(family, sample, "reason");
                const ThrottleKind* kind = throttle_kind(reason);
                if (!kind) return;
                EventDraft event;
                event.subject = gpu_subject(family, sample);
                bool started = now != 0;
                event.type = started ? "gpu_throttle_start" : "gpu_throttle_end";
                event.severity = started ? kind->severity : Severity::info;
                event.message = fmt::format("{} {} throttling: {}", gpu_name(event.subject),
                                            started ? "started" : "stopped", reason);
                event.payload = {{"reason", reason}};
                out.push_back(std::move(event));
              });
  each_change(snapshot, "ainode_gpu_up", {}, states_, 1.0,
              [&](double, double now, const Family& family, const Sample& sample) {
                EventDraft event;
                event.subject = gpu_subject(family, sample);
                bool lost = now == 0;
                event.type = lost ? "gpu_lost" : "gpu_recovered";
                event.severity = lost ? Severity::critical : Severity::info;
                event.message = fmt::format("{} {}", gpu_name(event.subject),
                                            lost ? "is lost (not answering the driver)" : "answers again");
                out.push_back(std::move(event));
              });
  for (auto [name, kind] : {std::pair{"ainode_gpu_remapped_rows_pending", "pending"},
                            std::pair{"ainode_gpu_remapped_rows_failure", "failure"}}) {
    const std::string kind_name = kind;
    each_change(snapshot, name, {}, states_, 0.0, [&](double, double now, const Family& family, const Sample& sample) {
      if (now == 0) return;  // cleared by a GPU reset: not an event of its own
      EventDraft event;
      event.subject = gpu_subject(family, sample);
      event.type = "gpu_row_remap";
      bool failure = kind_name == "failure";
      event.severity = failure ? Severity::critical : Severity::warning;
      event.message = failure ? fmt::format("{}: row remapping failed (NVIDIA's RMA criterion)", gpu_name(event.subject))
                              : fmt::format("{}: a row remap is pending (takes effect at the next GPU reset)",
                                            gpu_name(event.subject));
      event.payload = {{"kind", kind_name}};
      out.push_back(std::move(event));
    });
  }
  // PCIe width below the maximum: a link trained down (generation drops at
  // idle for power saving, so only width counts).
  if (const Family* width = snapshot.find("ainode_gpu_pcie_link_width")) {
    const Family* max = snapshot.find("ainode_gpu_pcie_link_width_max");
    for (const auto& sample : width->samples) {
      std::string uuid = label(*width, sample, "uuid");
      std::optional<double> max_width;
      if (max) {
        for (const auto& m : max->samples) {
          if (label(*max, m, "uuid") == uuid) max_width = m.value;
        }
      }
      if (!max_width) continue;
      double degraded = sample.value < *max_width ? 1 : 0;
      std::string key = "pcie_degraded|" + uuid;
      auto it = states_.find(key);
      double before = it == states_.end() ? 0 : it->second;
      states_[key] = degraded;
      if (before == degraded) continue;
      EventDraft event;
      event.subject = gpu_subject(*width, sample);
      event.type = degraded != 0 ? "gpu_pcie_link_degraded" : "gpu_pcie_link_restored";
      event.severity = degraded != 0 ? Severity::warning : Severity::info;
      event.message = fmt::format("{}: PCIe link x{} of x{}", gpu_name(event.subject), sample.value, *max_width);
      event.payload = {{"width", sample.value}, {"max_width", *max_width}};
      out.push_back(std::move(event));
    }
  }
}

void SnapshotEventDeriver::gpu_counters(const Snapshot& snapshot, std::vector<EventDraft>& out) {
  // XID counts start at zero when the agent starts (they are the events it
  // received), so a count in the first snapshot is news.
  each_change(snapshot, "ainode_gpu_xid_errors_total", {"xid"}, counters_, 0.0,
              [&](double before, double now, const Family& family, const Sample& sample) {
                if (now < before) return;  // counter reset
                std::string xid_text = label(family, sample, "xid");
                std::uint64_t code = 0;
                std::from_chars(xid_text.data(), xid_text.data() + xid_text.size(), code);
                EventDraft event = xid_event(gpu_subject(family, sample), code, now - before, "nvml");
                out.push_back(std::move(event));
              });
  // ECC: lifetime (aggregate) counts; the first reading is the baseline.
  const Family* ecc = snapshot.find("ainode_gpu_ecc_errors_total");
  if (!ecc) return;
  std::map<std::string, std::pair<EventSubject, std::pair<double, double>>> deltas;  // uuid -> (corrected, uncorrected)
  for (const auto& sample : ecc->samples) {
    if (label(*ecc, sample, "scope") != "aggregate") continue;
    std::string key = series_key(*ecc, sample, {"type"});
    auto it = counters_.find(key);
    std::optional<double> before = it == counters_.end() ? std::nullopt : std::optional<double>(it->second);
    counters_[key] = sample.value;
    if (!before || sample.value <= *before) continue;
    auto& entry = deltas[label(*ecc, sample, "uuid")];
    entry.first = gpu_subject(*ecc, sample);
    (label(*ecc, sample, "type") == "uncorrected" ? entry.second.second : entry.second.first) += sample.value - *before;
  }
  for (auto& [uuid, entry] : deltas) {
    auto [corrected, uncorrected] = entry.second;
    EventDraft event;
    event.subject = entry.first;
    event.type = "gpu_ecc_errors";
    event.severity = uncorrected > 0 ? Severity::critical : Severity::info;
    event.message = fmt::format("{}: {} corrected, {} uncorrected new ECC errors", gpu_name(event.subject),
                                corrected, uncorrected);
    event.payload = {{"corrected", corrected}, {"uncorrected", uncorrected}};
    out.push_back(std::move(event));
  }
}

void SnapshotEventDeriver::collectors(const Snapshot& snapshot, std::vector<EventDraft>& out) {
  for (const auto& collector : snapshot.collectors) {
    bool failing = !collector.success;
    auto it = collector_failing_.find(collector.name);
    bool before = it == collector_failing_.end() ? false : it->second;
    collector_failing_[collector.name] = failing;
    if (failing == before) continue;
    EventDraft event;
    event.subject.collector = collector.name;
    event.type = failing ? "collector_failed" : "collector_recovered";
    event.severity = failing ? Severity::warning : Severity::info;
    event.message = failing ? fmt::format("collector {} failed: {}", collector.name, collector.last_error)
                            : fmt::format("collector {} recovered", collector.name);
    event.payload = {{"timed_out", collector.timed_out}};
    if (failing) event.payload["error"] = collector.last_error;
    out.push_back(std::move(event));
  }
}

void SnapshotEventDeriver::node(const Snapshot& snapshot, std::vector<EventDraft>& out) {
  each_change(snapshot, "ainode_node_power_envelope_exceeded", {}, states_, 0.0,
              [&](double, double now, const Family&, const Sample&) {
                EventDraft event;
                bool exceeded = now != 0;
                event.type = exceeded ? "power_envelope_exceeded" : "power_envelope_cleared";
                event.severity = exceeded ? Severity::warning : Severity::info;
                const auto& summary = snapshot.summary;
                event.payload = nlohmann::json::object();
                if (summary.node_power_watts) {
                  event.payload["node_power_watts"] = *summary.node_power_watts;
                  if (summary.node_power_source) event.payload["source"] = *summary.node_power_source;
                }
                if (const Family* envelope = snapshot.find("ainode_node_power_envelope_watts")) {
                  if (!envelope->samples.empty()) event.payload["envelope_watts"] = envelope->samples[0].value;
                }
                event.message = exceeded ? "node power is above its envelope" : "node power is back inside its envelope";
                out.push_back(std::move(event));
              });
  // The first snapshot scores only the signals that need no rate (the
  // rest need two readings), so its band says little: start from the second.
  const Family* score = snapshot.find("ainode_degradation_score");
  if (snapshots_seen_ == 0 || !score || score->samples.empty()) return;
  double value = score->samples[0].value;
  int band = degradation_band(value);
  std::optional<int> before = degradation_band_;
  degradation_band_ = band;
  // The first band is news only when it is not "ok".
  if ((before && *before == band) || (!before && band == 0)) return;
  EventDraft event;
  event.type = "degradation_changed";
  event.severity = band == 0 ? Severity::info : band == 1 ? Severity::warning : Severity::critical;
  nlohmann::json active = nlohmann::json::array();
  if (const Family* signals = snapshot.find("ainode_degradation_signal")) {
    for (const auto& sample : signals->samples) {
      if (sample.value != 0) active.push_back(label(*signals, sample, "signal"));
    }
  }
  event.payload = {{"score", value}, {"band", degradation_band_name(band)}, {"active_signals", active}};
  if (before) event.payload["previous_band"] = degradation_band_name(*before);
  event.message = fmt::format("degradation score {:.2f}: {}", value, degradation_band_name(band));
  out.push_back(std::move(event));
}

}  // namespace ainode
