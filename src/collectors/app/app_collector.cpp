#include "collectors/app/app_collector.hpp"

#include <nlohmann/json.hpp>

#include "collectors/app/app_metrics.hpp"

namespace ainode {

namespace {
double unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}
}  // namespace

AppCollector::AppCollector(std::vector<AppEndpoint> endpoints, Duration timeout, std::size_t max_body_bytes,
                           Duration interval) {
  for (auto& config : endpoints) {
    Endpoint endpoint;
    endpoint.label = endpoint_label(config.url);
    endpoint.scraper = std::make_unique<ModelServerScraper>(config.url, timeout, max_body_bytes, interval);
    endpoint.config = std::move(config);
    endpoints_.push_back(std::move(endpoint));
  }
}

std::vector<const MetricDesc*> AppCollector::describe() const {
  return {&kModelTokens, &kModelRequests, &kAppEndpointUp, &kAppScrapeTimestamp, &kAppScrapeDuration,
          &kAppScrapeErrors};
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
  nlohmann::json details = nlohmann::json::array();
  for (auto& endpoint : endpoints_) {
    auto scrape = endpoint.scraper->latest();
    nlohmann::json detail = {{"url", endpoint.label}, {"attempts", scrape->attempts}};
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
  context.details = std::make_shared<const nlohmann::json>(nlohmann::json{{"endpoints", std::move(details)}});
}

}  // namespace ainode
