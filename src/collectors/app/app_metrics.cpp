#include "collectors/app/app_metrics.hpp"

namespace ainode {

const MetricDesc kModelTokens{
    "ainode_model_tokens_total", MetricType::counter, "",
    "Tokens a model server processed (type: prompt or generation), counted from the agent's first scrape of it; "
    "server restarts are taken as counter resets.",
    {"model", "server", "namespace", "pod", "endpoint", "type"}};
const MetricDesc kModelRequests{
    "ainode_model_requests_total", MetricType::counter, "",
    "Successful requests of a model server, counted from the agent's first scrape of it.",
    {"model", "server", "namespace", "pod", "endpoint"}};
const MetricDesc kAppEndpointUp{"ainode_app_endpoint_up", MetricType::gauge, "",
                                "Whether the last scrape of the model server's /metrics succeeded (1) or not (0).",
                                {"endpoint"}};
const MetricDesc kAppScrapeTimestamp{"ainode_app_scrape_timestamp_seconds", MetricType::gauge, "seconds",
                                     "Unix time of the last good scrape of the model server (its counters' time).",
                                     {"endpoint"}};
const MetricDesc kAppScrapeDuration{"ainode_app_scrape_duration_seconds", MetricType::gauge, "seconds",
                                    "Time the last scrape of the model server took.", {"endpoint"}};
const MetricDesc kAppScrapeErrors{"ainode_app_scrape_errors_total", MetricType::counter, "",
                                  "Failed scrapes of the model server by reason (timeout, connect, http_<code>, "
                                  "too_large, parse, ...).",
                                  {"endpoint", "reason"}};

const MetricDesc kAppDiscoveredEndpoints{
    "ainode_app_discovered_endpoints", MetricType::gauge, "",
    "Model-server endpoints found through the kubelet: Running pods annotated ainode.io/metrics-port (app.discover).",
    {}};
const MetricDesc kAppDiscoveryErrors{
    "ainode_app_discovery_errors_total", MetricType::counter, "",
    "Annotated pods whose ainode.io/metrics-* annotations make no URL, by reason (bad_port, bad_path, bad_scheme); "
    "counted once per pod and value.",
    {"reason"}};

std::string endpoint_label(std::string_view url) {
  auto scheme = url.find("://");
  std::size_t host = scheme == std::string_view::npos ? 0 : scheme + 3;
  auto path = url.find('/', host);
  auto at = url.substr(0, path).rfind('@');
  if (at == std::string_view::npos || at < host) return std::string(url);
  return std::string(url.substr(0, host)) + std::string(url.substr(at + 1));
}

}  // namespace ainode
