#include "efficiency/model_efficiency.hpp"

#include "collectors/app/app_metrics.hpp"
#include "gpu/gpu_view.hpp"

namespace ainode {

namespace {

using Clock = std::chrono::system_clock;

// Energy timelines cover this much history, so a server that was down for
// up to this long is matched with the energy of its whole outage.
constexpr auto kTimelineKeep = std::chrono::minutes(15);

const MetricDesc kModelEnergy{
    "ainode_model_energy_joules_total", MetricType::counter, "joules",
    "Energy attributed to a model from the agent's first scrape of its server: its share of the serving GPUs' "
    "energy (energy_source=gpu) or of the node's (energy_source=node).",
    {"model", "server", "namespace", "pod", "endpoint", "energy_source"}};
const MetricDesc kModelTokensPerJoule{
    "ainode_model_tokens_per_joule", MetricType::gauge, "",
    "Generation tokens per joule of the model over app.window (absent until half of the window is covered).",
    {"model", "server", "namespace", "pod", "endpoint", "energy_source"}};
const MetricDesc kModelRequestsPerJoule{
    "ainode_model_requests_per_joule", MetricType::gauge, "",
    "Successful requests per joule of the model over app.window (servers that count requests; Triton and "
    "TensorRT-LLM count no tokens).",
    {"model", "server", "namespace", "pod", "endpoint", "energy_source"}};
const MetricDesc kModelGpuShare{
    "ainode_model_gpu_energy_share_ratio", MetricType::gauge, "ratio",
    "Share of the GPU's energy attributed to the model in the last interval (docs/model-efficiency.md).",
    {"model", "server", "namespace", "pod", "endpoint", "gpu", "uuid"}};

std::string_view label_of(const Family& family, const Sample& sample, std::string_view name) {
  for (std::size_t i = 0; i < family.desc->labels.size() && i < sample.label_values.size(); ++i) {
    if (family.desc->labels[i] == name) return sample.label_values[i];
  }
  return {};
}

Clock::time_point from_unix_seconds(double seconds) {
  return Clock::time_point(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds)));
}

// The app collector's families of this snapshot, per endpoint.
struct AppReadings {
  std::map<std::string, Clock::time_point> scraped_at;
  std::map<std::string, std::map<ModelSeriesKey, std::vector<std::string>>> labels;
  std::map<ModelSeriesKey, ModelTotals> totals;
};

AppReadings read_app_families(const Snapshot& snapshot) {
  AppReadings out;
  for (const auto& family : snapshot.families) {
    if (family.desc == &kAppScrapeTimestamp) {
      for (const auto& s : family.samples) out.scraped_at[std::string(label_of(family, s, "endpoint"))] = from_unix_seconds(s.value);
    }
    if (family.desc != &kModelTokens && family.desc != &kModelRequests) continue;
    for (const auto& s : family.samples) {
      std::string endpoint(label_of(family, s, "endpoint"));
      ModelSeriesKey key{endpoint, std::string(label_of(family, s, "server")), std::string(label_of(family, s, "model"))};
      out.labels[endpoint][key] = {key.model, key.server, std::string(label_of(family, s, "namespace")),
                                   std::string(label_of(family, s, "pod")), endpoint};
      ModelTotals& totals = out.totals[key];
      if (family.desc == &kModelRequests) {
        totals.requests = s.value;
      } else if (label_of(family, s, "type") == "generation") {
        totals.generation_tokens = s.value;
      } else if (label_of(family, s, "type") == "prompt") {
        totals.prompt_tokens = s.value;
      }
    }
  }
  return out;
}

bool on_node(const std::vector<EnergyShare>& shares) {
  return !shares.empty() && shares.front().source == kNodeEnergySource;
}

std::optional<double> delta(const std::optional<double>& now, const std::optional<double>& before) {
  if (!now) return std::nullopt;
  return *now - before.value_or(*now);  // a counter new in this interval contributes nothing yet
}

// Each model's part of its server's energy in one interval: by generated
// tokens when every model counts them and some were generated, else by
// requests, else by prompt tokens, else equally.
std::vector<double> model_weights(const std::vector<std::pair<ModelTotals, ModelTotals>>& intervals) {
  using Field = std::optional<double> ModelTotals::*;
  for (Field field : {&ModelTotals::generation_tokens, &ModelTotals::requests, &ModelTotals::prompt_tokens}) {
    std::vector<double> weights;
    double total = 0;
    for (const auto& [now, before] : intervals) {
      auto d = delta(now.*field, before.*field);
      if (!d) break;
      weights.push_back(*d);
      total += *d;
    }
    if (weights.size() == intervals.size() && total > 0) {
      for (double& w : weights) w /= total;
      return weights;
    }
  }
  return std::vector<double>(intervals.size(), intervals.empty() ? 0 : 1.0 / static_cast<double>(intervals.size()));
}

}  // namespace

std::vector<const MetricDesc*> ModelEfficiency::descriptors() {
  return {&kModelEnergy, &kModelTokensPerJoule, &kModelRequestsPerJoule, &kModelGpuShare};
}

ModelEfficiency::ModelEfficiency(const std::vector<AppEndpoint>& endpoints, Duration window, bool discover)
    : discover_(discover), window_(window) {
  for (const auto& e : endpoints) {
    claims_.push_back(EnergyClaim{endpoint_label(e.url), e.namespace_name, e.pod, e.gpus});
    configured_.insert(claims_.back().endpoint);
  }
}

std::vector<EnergyClaim> ModelEfficiency::claims_of(
    const std::map<std::string, std::map<ModelSeriesKey, std::vector<std::string>>>& labels) const {
  std::vector<EnergyClaim> claims = claims_;
  for (const auto& [endpoint, series] : labels) {
    if (configured_.contains(endpoint) || series.empty()) continue;
    const std::vector<std::string>& first = series.begin()->second;  // model, server, namespace, pod, endpoint
    claims.push_back(EnergyClaim{endpoint, first[2], first[3], {}});
  }
  return claims;
}

void ModelEfficiency::forget(const std::string& endpoint) {
  std::erase_if(series_, [&](const auto& entry) { return entry.first.endpoint == endpoint; });
  accounted_at_.erase(endpoint);
  pod_of_.erase(endpoint);
}

void ModelEfficiency::forget_gone_servers(
    const Snapshot& snapshot, const std::map<std::string, std::map<ModelSeriesKey, std::vector<std::string>>>& labels) {
  // The app collector lists every server it scrapes (up or down) in
  // ainode_app_endpoint_up; a discovered one missing there has gone.
  std::set<std::string> listed;
  if (const Family* up = snapshot.find(kAppEndpointUp.name)) {
    for (const auto& s : up->samples) listed.insert(std::string(label_of(*up, s, "endpoint")));
  }
  std::set<std::string> known;
  for (const auto& [key, series] : series_) known.insert(key.endpoint);
  for (const auto& [endpoint, at] : accounted_at_) known.insert(endpoint);
  for (const auto& endpoint : known) {
    if (!configured_.contains(endpoint) && !listed.contains(endpoint)) forget(endpoint);
  }
  // Another pod at the same URL (a pod IP reused) is another server.
  for (const auto& [endpoint, series] : labels) {
    if (configured_.contains(endpoint) || series.empty()) continue;
    const std::vector<std::string>& first = series.begin()->second;
    std::pair<std::string, std::string> pod{first[2], first[3]};
    auto known_pod = pod_of_.find(endpoint);
    if (known_pod != pod_of_.end() && known_pod->second != pod) forget(endpoint);
    pod_of_[endpoint] = pod;
  }
}

ModelEfficiency::Series& ModelEfficiency::series_for(const ModelSeriesKey& key, const std::vector<std::string>& labels) {
  auto it = series_.find(key);
  if (it == series_.end()) {
    it = series_.emplace(key, Series{labels, {}, 0, TimeWindow<Point>(window_ + std::chrono::minutes(1)), {}, false, false})
             .first;
  }
  it->second.labels = labels;  // namespace and pod follow the configuration
  return it->second;
}

void ModelEfficiency::restart(const std::string& endpoint, Clock::time_point at,
                              const std::map<ModelSeriesKey, Scraped>& scraped, const std::vector<EnergyShare>& shares) {
  for (const auto& [key, reading] : scraped) {
    Series& series = series_for(key, reading.labels);
    series.totals = reading.totals;
    series.on_node = on_node(shares);
    series.shares.clear();  // nothing charged yet
    series.window.clear();
    series.window.push(at, Point{reading.totals.generation_tokens, reading.totals.requests, series.energy});
  }
  accounted_at_[endpoint] = at;
}

void ModelEfficiency::account(const std::string& endpoint, Clock::time_point at,
                              const std::map<ModelSeriesKey, Scraped>& scraped,
                              const std::vector<EnergyShare>& shares) {
  auto previous = accounted_at_.find(endpoint);
  if (previous == accounted_at_.end()) return restart(endpoint, at, scraped, shares);
  // ainode's totals only fall when the app collector started the server
  // over (a new pod at a known URL): its interval is no interval.
  auto fell = [](const std::optional<double>& now, const std::optional<double>& before) {
    return now && before && *now < *before;
  };
  for (const auto& [key, reading] : scraped) {
    auto known = series_.find(key);
    if (known == series_.end()) continue;
    const ModelTotals& before = known->second.totals;
    if (fell(reading.totals.generation_tokens, before.generation_tokens) || fell(reading.totals.requests, before.requests) ||
        fell(reading.totals.prompt_tokens, before.prompt_tokens)) {
      return restart(endpoint, at, scraped, shares);
    }
  }
  double joules = 0;
  for (const auto& share : shares) {
    auto timeline = timelines_.find(share.source);
    std::optional<double> from, to;
    if (timeline != timelines_.end()) {
      from = timeline->second.at(previous->second);
      to = timeline->second.at(at);
    }
    // Energy of the interval unknown (a GPU gone, an outage longer than the
    // timelines): start over from here rather than guess.
    if (!from || !to) return restart(endpoint, at, scraped, shares);
    joules += share.share * (*to - *from);
  }
  std::vector<std::pair<ModelTotals, ModelTotals>> intervals;
  for (const auto& [key, reading] : scraped) {
    auto known = series_.find(key);
    intervals.emplace_back(reading.totals, known == series_.end() ? ModelTotals{} : known->second.totals);
  }
  std::vector<double> weights = model_weights(intervals);
  std::size_t i = 0;
  for (const auto& [key, reading] : scraped) {
    Series& series = series_for(key, reading.labels);
    double weight = weights[i++];
    series.energy += joules * weight;
    series.totals = reading.totals;
    series.on_node = on_node(shares);
    series.shares = shares;
    for (auto& share : series.shares) share.share *= weight;
    series.window.push(at, Point{reading.totals.generation_tokens, reading.totals.requests, series.energy});
  }
  previous->second = at;
}

void ModelEfficiency::observe(const Snapshot& snapshot) {
  if (claims_.empty() && !discover_) return;  // no model server configured or discoverable
  std::lock_guard lock(mutex_);
  Clock::time_point now = snapshot.taken_at;
  const std::vector<GpuView>& gpus = gpu_views(snapshot);
  for (const auto& gpu : gpus) {
    auto [it, inserted] = timelines_.try_emplace(gpu.reading.uuid, kTimelineKeep);
    it->second.add(now, gpu.reading.energy_joules, gpu.reading.power_watts);
  }
  if (const Family* node = snapshot.find("ainode_node_energy_joules_total"); node && !node->samples.empty()) {
    auto [it, inserted] = timelines_.try_emplace(std::string(kNodeEnergySource), kTimelineKeep);
    it->second.add(now, node->samples.front().value, std::nullopt);
  }

  AppReadings app = read_app_families(snapshot);
  if (discover_) forget_gone_servers(snapshot, app.labels);
  std::vector<EnergyClaim> claims = claims_of(app.labels);
  auto shares = energy_shares(gpus, claims);
  for (auto& [key, series] : series_) series.present = false;
  for (const auto& [endpoint, at] : app.scraped_at) {
    std::map<ModelSeriesKey, Scraped> scraped;
    for (const auto& [key, labels] : app.labels[endpoint]) scraped[key] = Scraped{labels, app.totals[key]};
    auto accounted = accounted_at_.find(endpoint);
    if (accounted == accounted_at_.end() || at > accounted->second) account(endpoint, at, scraped, shares[endpoint]);
    for (const auto& [key, reading] : scraped) {
      if (auto it = series_.find(key); it != series_.end()) it->second.present = true;
    }
  }
}

void ModelEfficiency::contribute(MetricSet& out) const {
  std::lock_guard lock(mutex_);
  for (const auto& [key, series] : series_) {
    if (!series.present) continue;
    std::vector<std::string> labels = series.labels;
    labels.push_back(series.on_node ? "node" : "gpu");
    out.add(kModelEnergy, labels, series.energy);
    for (const auto& share : series.shares) {
      if (share.source == kNodeEnergySource) continue;
      std::vector<std::string> gpu_labels = series.labels;
      gpu_labels.push_back(share.gpu);
      gpu_labels.push_back(share.source);
      out.add(kModelGpuShare, gpu_labels, share.share);
    }
    const auto* newest = series.window.newest();
    if (newest == nullptr) continue;
    const Point* oldest = nullptr;
    Clock::time_point oldest_time;
    series.window.for_each_since(newest->time, window_, [&](const auto& point) {
      if (oldest == nullptr) oldest = &point.value, oldest_time = point.time;
    });
    // Half a window at least, so a ratio over a few seconds is never shown as the window's.
    if (oldest == nullptr || newest->time - oldest_time < window_ / 2) continue;
    double joules = newest->value.energy - oldest->energy;
    if (joules <= 0) continue;
    if (newest->value.generation_tokens && oldest->generation_tokens) {
      out.add(kModelTokensPerJoule, labels, (*newest->value.generation_tokens - *oldest->generation_tokens) / joules);
    }
    if (newest->value.requests && oldest->requests) {
      out.add(kModelRequestsPerJoule, labels, (*newest->value.requests - *oldest->requests) / joules);
    }
  }
}

}  // namespace ainode
