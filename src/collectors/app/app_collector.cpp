#include "collectors/app/app_collector.hpp"

#include <map>

#include <nlohmann/json.hpp>

#include "collectors/app/app_metrics.hpp"

namespace ainode {

namespace {
double unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}
}  // namespace

AppCollector::AppCollector(std::vector<AppEndpoint> endpoints, PodListSource pods, Duration timeout,
                           std::size_t max_body_bytes, Duration interval)
    : timeout_(timeout), interval_(interval), max_body_bytes_(max_body_bytes), pods_(std::move(pods)) {
  for (auto& config : endpoints) endpoints_.push_back(make_endpoint(std::move(config)));
}

AppCollector::Endpoint AppCollector::make_endpoint(AppEndpoint config) const {
  Endpoint endpoint;
  endpoint.label = endpoint_label(config.url);
  endpoint.scraper = std::make_unique<ModelServerScraper>(config.url, timeout_, max_body_bytes_, interval_);
  endpoint.config = std::move(config);
  return endpoint;
}

std::vector<const MetricDesc*> AppCollector::describe() const {
  return {&kModelTokens,       &kModelRequests,     &kAppEndpointUp,         &kAppScrapeTimestamp,
          &kAppScrapeDuration, &kAppScrapeErrors,   &kAppDiscoveredEndpoints, &kAppDiscoveryErrors};
}

void AppCollector::discover(CollectContext& context) {
  // Dropped servers are destroyed once their thread has ended: never a wait here.
  std::erase_if(stopping_, [](const auto& scraper) { return scraper->stopped(); });
  auto pods = pods_();
  if (!pods || pods == seen_pods_) return;  // no answer yet, or nothing new
  seen_pods_ = pods;
  last_discovery_ = discover_model_servers(*pods);

  std::set<std::string> rejected_now;
  for (const auto& rejected : last_discovery_.rejected) {
    std::string key = rejected.uid + "|" + rejected.message;
    rejected_now.insert(key);
    if (said_rejected_.contains(key)) continue;
    ++discovery_errors_[rejected.reason];
    context.notice(NoticeLevel::warning, rejected.message);
  }
  said_rejected_ = std::move(rejected_now);  // a pod gone and back with the same mistake is said again

  // Wanted: each discovered URL once, unless configured (the configuration,
  // with its pod or gpus, wins).
  std::map<std::string, const DiscoveredServer*> wanted;
  for (const auto& server : last_discovery_.servers) wanted.emplace(server.endpoint.url, &server);
  for (const auto& endpoint : endpoints_) {
    if (!endpoint.discovered) wanted.erase(endpoint.config.url);
  }
  for (auto it = endpoints_.begin(); it != endpoints_.end();) {
    if (!it->discovered) {
      ++it;
      continue;
    }
    auto found = wanted.find(it->config.url);
    if (found != wanted.end() && found->second->pod_uid == it->pod_uid) {
      wanted.erase(found);
      ++it;
      continue;
    }
    // The pod is gone, or another pod now has its address: its counts end here.
    accumulator_.forget(it->label);
    it->scraper->stop();
    stopping_.push_back(std::move(it->scraper));
    it = endpoints_.erase(it);
  }
  for (const auto& [url, server] : wanted) {
    Endpoint endpoint = make_endpoint(server->endpoint);
    endpoint.discovered = true;
    endpoint.pod_uid = server->pod_uid;
    endpoints_.push_back(std::move(endpoint));
  }
}

void AppCollector::export_discovery(MetricSet& out, nlohmann::json& details) const {
  std::size_t discovered = 0;
  for (const auto& endpoint : endpoints_) discovered += endpoint.discovered ? 1 : 0;
  out.add(kAppDiscoveredEndpoints, static_cast<double>(discovered));
  for (const auto& [reason, count] : discovery_errors_) out.add(kAppDiscoveryErrors, {reason}, static_cast<double>(count));
  nlohmann::json rejected = nlohmann::json::array();
  for (const auto& pod : last_discovery_.rejected) {
    rejected.push_back({{"pod", pod.namespace_name + "/" + pod.pod}, {"reason", pod.reason}, {"message", pod.message}});
  }
  details["discovery"] = {{"kubelet_answered", seen_pods_ != nullptr},
                          {"endpoints", discovered},
                          {"waiting_pods", last_discovery_.waiting},
                          {"rejected_pods", std::move(rejected)}};
}

void AppCollector::export_totals(const Endpoint& endpoint, MetricSet& out) const {
  const auto& namespace_name = endpoint.config.namespace_name;
  const auto& pod = endpoint.config.pod;
  for (const auto& [key, totals] : endpoint.totals) {
    if (totals.prompt_tokens) {
      out.add(kModelTokens, {key.model, key.server, namespace_name, pod, endpoint.label, "prompt"}, *totals.prompt_tokens);
    }
    if (totals.generation_tokens) {
      out.add(kModelTokens, {key.model, key.server, namespace_name, pod, endpoint.label, "generation"},
              *totals.generation_tokens);
    }
    if (totals.requests) out.add(kModelRequests, {key.model, key.server, namespace_name, pod, endpoint.label}, *totals.requests);
  }
}

void AppCollector::collect(CollectContext& context, MetricSet& out) {
  if (pods_) discover(context);
  nlohmann::json details = nlohmann::json::array();
  for (auto& endpoint : endpoints_) {
    auto scrape = endpoint.scraper->latest();
    nlohmann::json detail = {{"url", endpoint.label}, {"attempts", scrape->attempts},
                             {"source", endpoint.discovered ? "kubelet" : "config"}};
    if (!endpoint.config.pod.empty()) detail["pod"] = endpoint.config.namespace_name + "/" + endpoint.config.pod;
    if (scrape->attempts == 0) {  // the first answer is still on its way
      detail["state"] = "not scraped yet";
      details.push_back(std::move(detail));
      continue;
    }
    out.add(kAppEndpointUp, {endpoint.label}, scrape->up ? 1 : 0);
    out.add(kAppScrapeDuration, {endpoint.label}, scrape->duration_seconds);
    for (const auto& [reason, count] : scrape->errors) {
      out.add(kAppScrapeErrors, {endpoint.label, reason}, static_cast<double>(count));
    }
    detail["errors"] = scrape->errors;
    if (!scrape->up) {
      detail["state"] = "down";
      detail["last_error"] = scrape->last_error;
      if (!endpoint.said_down) context.notice(NoticeLevel::warning, "model server down: " + scrape->last_error);
      endpoint.said_down = true;
      details.push_back(std::move(detail));
      continue;  // its model series are absent while it is down
    }
    endpoint.said_down = false;
    if (scrape->at != endpoint.counted_at) {
      endpoint.totals = accumulator_.observe(endpoint.label, scrape->counters);
      endpoint.counted_at = scrape->at;
    }
    out.add(kAppScrapeTimestamp, {endpoint.label}, unix_seconds(scrape->at));
    export_totals(endpoint, out);
    if (scrape->counters.empty() && !endpoint.said_empty) {
      context.notice(NoticeLevel::info, endpoint.label +
                                            ": no token or request counters of a known model server on the page "
                                            "(vLLM, SGLang, llama.cpp, TGI, Triton, TensorRT-LLM)");
    }
    endpoint.said_empty = scrape->counters.empty();
    detail["state"] = "up";
    detail["models"] = endpoint.totals.size();
    detail["malformed_lines"] = scrape->malformed_lines;
    if (scrape->truncated) detail["truncated"] = true;
    details.push_back(std::move(detail));
  }
  nlohmann::json all = {{"endpoints", std::move(details)}};
  if (pods_) export_discovery(out, all);
  context.set_details(std::move(all));
}

}  // namespace ainode
